import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stateBackendNames } from '@automock/core';
import { DeploymentRegistry } from '@automock/registry';
import { ENVIRONMENTS } from '@automock/stacks/environments';
import { emulatorEnv, LocalDynamo, startLocalDynamo } from '@automock/test-support/emulators';
import { createRegistryTable } from '@automock/test-support/tables';
import { withoutCliSettings } from './testing/child-env';

const PKG_ROOT = resolve(__dirname, '..');
const bin = join(PKG_ROOT, 'bin', 'run.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fast = require('../bin/fast-list.js') as {
  listBundlePath: string;
  matchListArgs: (argv: string[]) => { env: string; all: boolean; json: boolean } | undefined;
  fastListAllowed: (
    opts: { json: boolean },
    env: NodeJS.ProcessEnv,
    stdout: { isTTY?: boolean },
  ) => boolean;
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Files the process loaded through require (node_modules and the package's own). */
  loaded: string[];
}

describe('automock list without oclif (bin/fast-list.js)', () => {
  let dynamo: LocalDynamo;
  let work: string;
  let registry: DeploymentRegistry;
  const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
  const table = stateBackendNames(dev.prefix, dev.accountId, dev.region).registryTable;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await createRegistryTable(dynamo.client(), table);
    registry = new DeploymentRegistry({ client: dynamo.client(), tableName: table });
    // Times the two runs print alike whenever they run: never, expired, destroyed.
    const longAgo = new Date(Date.now() - 3 * 86_400_000);
    await registry.register({ env: 'dev', project: 'alpha', createdBy: 'alice', ttlHours: 0 });
    await registry.transition('dev', 'alpha', {
      from: ['deploying'],
      to: 'active',
      fields: { outputs: { mockserver_url: 'http://alb.example.com:10001' } },
    });
    await registry.register({
      env: 'dev',
      project: 'beta',
      createdBy: 'bob',
      ttlHours: 2,
      size: 'large',
      isolation: 'dedicated',
      now: longAgo,
    });
    await registry.register({ env: 'dev', project: 'gone', createdBy: 'carol', ttlHours: 0 });
    await registry.transition('dev', 'gone', { from: ['deploying'], to: 'failed' });
    await registry.transition('dev', 'gone', { from: ['failed'], to: 'destroyed' });
  });
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'automock-fast-list-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  afterAll(() => dynamo.stop());

  /** Runs the CLI (asynchronously: dynalite answers from this process) and records its modules. */
  function run(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
    const probe = join(work, 'probe.js');
    const loadedFile = join(work, `loaded-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));`,
    );
    const env = withoutCliSettings(
      emulatorEnv({ AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, TMPDIR: work }),
      {
        NODE_COMPILE_CACHE: join(work, 'compile-cache'),
        NODE_OPTIONS: `--require ${probe}`,
        ...extra,
      },
    );
    return new Promise((done) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { env, encoding: 'utf8' },
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
  const nodeModulesLoaded = (r: Run) => r.loaded.filter((f) => f.includes('/node_modules/'));

  /** Both paths on the same arguments: same bytes and exit code; says which path answered. */
  async function both(args: string[], extra: NodeJS.ProcessEnv = {}) {
    const viaOclif = await run(args, { ...extra, AUTOMOCK_FAST_LIST: '0' });
    const viaFast = await run(args, extra);
    expect(oclifLoaded(viaOclif)).toBe(true);
    expect(viaFast.stdout).toBe(viaOclif.stdout);
    expect(viaFast.stderr).toBe(viaOclif.stderr);
    expect(viaFast.status).toBe(viaOclif.status);
    return { viaOclif, viaFast };
  }

  it('prints the JSON and the table oclif prints, loading neither oclif nor node_modules', async () => {
    const results = [];
    for (const args of [
      ['list', '--json', '--env=dev', '--all'],
      ['list', '-e', 'dev'],
      ['list', '--env', 'dev', '--json'],
    ]) {
      const { viaFast } = await both(args);
      expect(viaFast.status).toBe(0);
      expect(oclifLoaded(viaFast)).toBe(false);
      expect(nodeModulesLoaded(viaFast)).toEqual([]);
      results.push(viaFast.stdout);
    }
    const [json, text] = results as [string, string];
    expect(JSON.parse(json).map((d: { project: string }) => d.project)).toEqual([
      'beta',
      'gone',
      'alpha',
    ]);
    expect(text).toMatch(/^alpha\s+mock\s+active\s+never\s+-\s+http:\/\/alb\.example\.com:10001$/m);
    expect(text).toMatch(/^beta\s+mock\s+deploying\s+expired\s+large\s+-$/m);
    expect(text).not.toMatch(/^gone/m);
  });

  it('prints the same for an empty registry', async () => {
    const staging = ENVIRONMENTS.find((e) => e.name === 'staging')!;
    const names = stateBackendNames(staging.prefix, staging.accountId, staging.region);
    if (names.registryTable !== table)
      await createRegistryTable(dynamo.client(), names.registryTable);
    const json = await both(['list', '--env', 'staging', '--json']);
    expect(json.viaFast.stdout).toBe('[]\n');
    expect(oclifLoaded(json.viaFast)).toBe(false);
    const text = await both(['list', '--env', 'staging']);
    expect(text.viaFast.stdout).toBe('No projects in staging.\n');
    expect(oclifLoaded(text.viaFast)).toBe(false);
  });

  it('leaves failures to oclif: same message and exit code', async () => {
    const unknown = await both(['list', '--env', 'nowhere']);
    expect(unknown.viaFast.status).toBe(2);
    expect(unknown.viaFast.stderr).toMatch(/env: got "nowhere", must be one of/);
    const unknownJson = await both(['list', '--env', 'nowhere', '--json']);
    expect(JSON.parse(unknownJson.viaFast.stdout).error.message).toMatch(/env: got "nowhere"/);
    // No registry table (a DynamoDB without it): the query fails, oclif queries again and explains.
    const empty = await startLocalDynamo();
    let missing;
    try {
      missing = await both(['list', '--env', 'prod', '--json'], {
        AWS_ENDPOINT_URL_DYNAMODB: empty.endpoint,
      });
    } finally {
      await empty.stop();
    }
    expect(missing.viaFast.status).toBe(1);
    expect(JSON.parse(missing.viaFast.stdout).error.message).toMatch(/^AWS resource not found/);
    expect(oclifLoaded(missing.viaFast)).toBe(true);
  });

  it('leaves arguments it does not understand, and settings oclif reads, to oclif', async () => {
    const odd = await both(['list', '--env', 'dev', '--bogus']);
    expect(odd.viaFast.status).toBe(2);
    expect(oclifLoaded(odd.viaFast)).toBe(true);
    const contentType = await both(['list', '--env', 'dev'], { AUTOMOCK_CONTENT_TYPE: 'json' });
    expect(JSON.parse(contentType.viaFast.stdout)).toHaveLength(2);
    expect(oclifLoaded(contentType.viaFast)).toBe(true);

    for (const argv of [
      ['list', '--env', 'dev'],
      ['list', '--env=dev', '--json', '--all'],
      ['list', '-e', 'dev', '--all'],
    ])
      expect(fast.matchListArgs(argv)).toBeDefined();
    expect(fast.matchListArgs(['list', '--json', '-e', 'qa'])).toEqual({
      env: 'qa',
      all: false,
      json: true,
    });
    for (const argv of [
      [],
      ['list'],
      ['list', '--json'],
      ['status', '--env', 'dev'],
      ['list', '--env'],
      ['list', '--env', '--json'],
      ['list', '--env='],
      ['list', '--env', 'dev', '--env', 'prod'],
      ['list', '--env', 'dev', '--json', '--json'],
      ['list', '-edev'],
      ['list', '--env', 'dev', '--'],
      ['list', '--env', 'dev', 'extra'],
      ['list', '--env', 'dev', '--help'],
    ])
      expect(fast.matchListArgs(argv)).toBeUndefined();

    const plain = { json: true };
    expect(fast.fastListAllowed(plain, {}, {})).toBe(true);
    expect(fast.fastListAllowed(plain, {}, { isTTY: true })).toBe(false);
    expect(fast.fastListAllowed({ json: false }, {}, { isTTY: true })).toBe(true);
    for (const env of [
      { AUTOMOCK_FAST_LIST: '0' },
      { AUTOMOCK_APP_MODULE: '/some/app.js' },
      { AUTOMOCK_CONTENT_TYPE: 'json' },
      { AUTOMOCK_DEBUG: '1' },
      { DEBUG: '*' },
      { FORCE_COLOR: '1' },
    ])
      expect(fast.fastListAllowed(plain, env, {})).toBe(false);
  });

  it("keeps V8 code for the bundle in the CLI's compile cache, and survives a bad entry", async () => {
    const modern =
      typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
    const args = ['list', '--env', 'dev', '--json'];
    const first = await both(args);
    const root = join(work, 'compile-cache');
    if (modern) {
      // Node 22.1+ caches compiled code itself (bin/run.js turns it on), in NODE_COMPILE_CACHE
      // when set: none of it is the hook's (compileCacheDir's `automock-<node>-...`).
      const dirs = existsSync(root) ? readdirSync(root) : [];
      expect(dirs.filter((n) => n.startsWith('automock-'))).toEqual([]);
      return;
    }
    const [sub] = readdirSync(root);
    const dir = join(root, sub!);
    // bin/compile-cache.js names an entry by the SHA-1 of the module's path.
    const entry = createHash('sha1').update(fast.listBundlePath).digest('hex');
    expect(readdirSync(dir)).toContain(entry);
    const again = await run(args);
    expect(again.stdout).toBe(first.viaOclif.stdout);
    // A damaged entry is a miss: the run compiles from source and writes a good one.
    writeFileSync(join(dir, entry), Buffer.alloc(4096, 7));
    const damaged = await run(args);
    expect(damaged.stdout).toBe(first.viaOclif.stdout);
    expect(readFileSync(join(dir, entry)).length).toBeGreaterThan(4096);
    rmSync(join(dir, entry));
    const off = await run(args, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(off.stdout).toBe(first.viaOclif.stdout);
    expect(readdirSync(dir)).not.toContain(entry);
  });
});
