import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { withoutCliSettings } from './testing/child-env';

const PKG_ROOT = resolve(__dirname, '..');
const REPO_ROOT = resolve(PKG_ROOT, '..', '..');
const bin = join(PKG_ROOT, 'bin', 'run.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fast = require('../bin/fast-synth.js') as {
  matchSynthArgs: (argv: string[]) => { env: string[]; out: string; json: boolean } | undefined;
  fastSynthAllowed: (
    opts: { json: boolean },
    env: NodeJS.ProcessEnv,
    stdout: { isTTY?: boolean },
  ) => boolean;
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Files the process loaded through require. */
  loaded: string[];
}

// Synthesis takes a few seconds from an empty cache; every run after the first reuses it.
jest.setTimeout(120_000);

describe('automock synth without oclif (bin/fast-synth.js)', () => {
  let work: string;
  let cache: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'automock-fast-synth-'));
    cache = join(work, 'cache');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Runs the CLI from the repository root and records the modules it loaded. */
  function run(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
    const probe = join(work, 'probe.js');
    const loadedFile = join(work, `loaded-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));`,
    );
    const env = withoutCliSettings(process.env, {
      AUTOMOCK_SYNTH_CACHE_DIR: cache,
      NODE_COMPILE_CACHE: join(work, 'compile-cache'),
      NODE_OPTIONS: `--require ${probe}`,
      ...extra,
    });
    return new Promise((done) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { env, cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          let loaded: string[] = [];
          try {
            loaded = JSON.parse(readFileSync(loadedFile, 'utf8')) as string[];
          } catch {
            // the process ended before its exit handler
          }
          const status = err ? ((err as { code?: number }).code ?? null) : 0;
          done({ status: typeof status === 'number' ? status : null, stdout, stderr, loaded });
        },
      );
    });
  }
  const oclifLoaded = (r: Run) => r.loaded.some((f) => f.includes('/@oclif/core/'));
  // The duration is the one thing two synthesis runs print differently.
  const timeless = (s: string) =>
    s
      .replace(/stacks in [\d.]+ m?s to/, 'stacks in <t> to')
      .replace(/"durationMs": [\d.e+-]+/, '"durationMs": <t>');

  /** Both paths on the same arguments: same output, files and exit code. */
  async function both(args: string[], extra: NodeJS.ProcessEnv = {}) {
    const viaOclif = await run(args, { ...extra, AUTOMOCK_FAST_SYNTH: '0' });
    const viaFast = await run(args, extra);
    expect(oclifLoaded(viaOclif)).toBe(true);
    expect(timeless(viaFast.stdout)).toBe(timeless(viaOclif.stdout));
    expect(viaFast.stderr).toBe(viaOclif.stderr);
    expect(viaFast.status).toBe(viaOclif.status);
    return { viaOclif, viaFast };
  }

  it('prints the report and the JSON oclif prints and writes the same files, without oclif', async () => {
    const out = join(work, 'out');
    const text = await both(['synth', '--out', out]);
    expect(text.viaFast.status).toBe(0);
    expect(oclifLoaded(text.viaFast)).toBe(false);
    expect(text.viaFast.stdout).toMatch(/^dev-myapp\s+workload\s+\d+ resources$/m);
    expect(text.viaFast.stdout).toMatch(/Synthesised \d+ stacks in /);
    const files = readdirSync(join(out, 'stacks')).sort();
    expect(files).toContain('dev-myapp');

    const json = await both(['synth', '--json', `--out=${out}`, '--env', 'dev', '--env=staging']);
    expect(json.viaFast.status).toBe(0);
    expect(oclifLoaded(json.viaFast)).toBe(false);
    const body = JSON.parse(json.viaFast.stdout) as { outDir: string; stacks: { name: string }[] };
    expect(body.outDir).toBe(out);
    expect(body.stacks.map((s) => s.name)).toContain('dev-myapp');
    expect(body.stacks.map((s) => s.name)).not.toContain('prod');
  });

  it('leaves failures to oclif: same message, exit code and nothing written', async () => {
    const out = join(work, 'failed-out');
    const unknown = await both(['synth', '--env', 'nowhere', '--out', out]);
    expect(unknown.viaFast.status).toBe(2);
    expect(unknown.viaFast.stderr).toMatch(/env: got "nowhere", must be one of/);
    // The fast path tried and failed, and oclif reported it.
    expect(oclifLoaded(unknown.viaFast)).toBe(true);
    expect(() => readdirSync(out)).toThrow();
    const json = await both(['synth', '--json', '--env=nowhere', '--out', out]);
    expect(JSON.parse(json.viaFast.stdout).error.message).toMatch(/env: got "nowhere"/);
    const workers = await both(['synth', '--out', out], { AUTOMOCK_SYNTH_WORKERS: 'two' });
    expect(workers.viaFast.status).toBe(2);
    expect(workers.viaFast.stderr).toMatch(
      /AUTOMOCK_SYNTH_WORKERS: got "two", must be a whole number/,
    );
    expect(() => readdirSync(out)).toThrow();
  });

  it('leaves arguments it does not understand, and settings oclif reads, to oclif', async () => {
    const odd = await both(['synth', '--bogus']);
    expect(odd.viaFast.status).toBe(2);
    expect(oclifLoaded(odd.viaFast)).toBe(true);

    expect(fast.matchSynthArgs(['synth'])).toEqual({ env: [], out: 'cdktf.out', json: false });
    expect(
      fast.matchSynthArgs(['synth', '--env', 'dev', '--json', '--env=prod', '--out=/tmp/o']),
    ).toEqual({ env: ['dev', 'prod'], out: '/tmp/o', json: true });
    for (const argv of [
      [],
      ['list'],
      ['synth', '--env'],
      ['synth', '--env', '--json'],
      ['synth', '--env='],
      ['synth', '--out', 'a', '--out', 'b'],
      ['synth', '--json', '--json'],
      // oclif reads both words as environments.
      ['synth', '--env', 'dev', 'staging'],
      ['synth', '--', '--env', 'dev'],
      ['synth', '--help'],
      ['synth', '-h'],
    ])
      expect(fast.matchSynthArgs(argv)).toBeUndefined();

    const plain = { json: true };
    expect(fast.fastSynthAllowed(plain, {}, {})).toBe(true);
    expect(fast.fastSynthAllowed(plain, {}, { isTTY: true })).toBe(false);
    expect(fast.fastSynthAllowed({ json: false }, {}, { isTTY: true })).toBe(true);
    for (const env of [
      { AUTOMOCK_FAST_SYNTH: '0' },
      { AUTOMOCK_APP_MODULE: '/some/app.js' },
      { AUTOMOCK_CONTENT_TYPE: 'json' },
      { AUTOMOCK_DEBUG: '1' },
      { DEBUG: '*' },
      { FORCE_COLOR: '1' },
    ])
      expect(fast.fastSynthAllowed(plain, env, {})).toBe(false);
  });
});
