import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { buildApp } from '../app';
import {
  BUNDLE_FILE,
  BUNDLE_INPUTS_FILE,
  bundleInputsOf,
  currentBundle,
  fileIdentity,
  loadBundle,
  PROVIDERS_DIR,
  PROVIDERS_FILE,
  readSource,
  ShippedCodeStamp,
  shippedCodeFile,
  shippedCodeStamp,
} from './bundle';
import { SHIPPED_DIGESTS_PATH } from './stack-cache';
import { buildCopies } from '../testing/files';
import { ownStderr } from '../testing/stderr';

// The bundle is made by `pnpm build` (scripts/bundle-builder.js) from the compiled package, and
// these tests read it there, as `automock synth` and `cdktf synth` (dist/main.js) do.
const dist = join(__dirname, '..', '..', 'dist');
const bundleDir = join(dist, 'synthesis');

const dirs: string[] = [];
const dir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), `bundle-${prefix}-`));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const copyOfBuild = buildCopies();

function tree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = join(rel, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else files[path] = readFileSync(join(root, path), 'utf8');
    }
  };
  walk('');
  return files;
}

interface MainRun {
  /** The bundle was loaded. */
  readonly bundle: boolean;
  /** cdktf, constructs or provider modules loaded from node_modules. */
  readonly modules: number;
}

/** An expression, in a script run with `node -e`, for what that process loaded (MainRun). */
const LOADED = `{
  bundle: Object.keys(require.cache).some((k) => k.endsWith(${JSON.stringify(BUNDLE_FILE)})),
  modules: Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/](cdktf|constructs|@cdktf)[\\\\/]/.test(k)).length,
}`;

/** Runs what `cdktf synth` runs (dist/main.js) in a process of its own, cache off. */
function runMain(outdir: string, bundle: boolean, env: NodeJS.ProcessEnv = {}): MainRun {
  const script = `
    require(${JSON.stringify(join(dist, 'main.js'))});
    console.log(JSON.stringify(${LOADED}));`;
  const res = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: {
      ...process.env,
      CDKTF_OUTDIR: outdir,
      AUTOMOCK_SYNTH_CACHE: '0',
      AUTOMOCK_SYNTH_BUNDLE: bundle ? '1' : '0',
      ...env,
    },
  });
  expect(ownStderr(res.stderr)).toBe('');
  expect(res.status).toBe(0);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as MainRun;
}

/**
 * Synthesises the default app with one worker thread beside the main thread, cache off, the
 * provider modules loaded `providers` ('all' or 'each'); says whether the worker built stacks.
 */
function runInWorkers(outdir: string, providers: string): MainRun & { inWorkers: boolean } {
  const script = `
    const { synthesizeStacks } = require(${JSON.stringify(join(dist, 'synthesize-stacks.js'))});
    const { built, builtInWorkers } = synthesizeStacks({ outdir: ${JSON.stringify(outdir)}, cache: false });
    console.log(JSON.stringify({
      ...${LOADED},
      inWorkers: builtInWorkers.length > 0 && builtInWorkers.every((s) => built.includes(s)),
    }));`;
  const res = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, AUTOMOCK_SYNTH_WORKERS: '1', AUTOMOCK_SYNTH_PROVIDERS: providers },
  });
  expect(ownStderr(res.stderr)).toBe('');
  expect(res.status).toBe(0);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as MainRun & { inWorkers: boolean };
}

describe('the bundled stack builder', () => {
  it('is built by `pnpm build` and current', () => {
    expect(currentBundle(bundleDir)).toBe(join(bundleDir, BUNDLE_FILE));
  });

  it('comes with the code `pnpm build` compiled for it and its provider modules, stamped for each and Node.js', () => {
    expect(shippedCodeFile(join(bundleDir, BUNDLE_FILE))).toBe(
      join(bundleDir, 'stack-builder.bundle.v8-code.bin'),
    );
    for (const file of [BUNDLE_FILE, PROVIDERS_FILE]) {
      const shipped = shippedCodeFile(join(bundleDir, file));
      const { file: built, ...stamp } = JSON.parse(
        readFileSync(`${shipped}.json`, 'utf8'),
      ) as ShippedCodeStamp;
      expect(stamp).toEqual(shippedCodeStamp(readFileSync(join(bundleDir, file), 'utf8')));
      // The file as the build left it (a build cache may have restored it with new times since).
      expect(built).toEqual({
        size: statSync(join(bundleDir, file)).size,
        mtimeMs: expect.any(Number),
        ino: expect.any(Number),
      });
      expect(statSync(shipped).size).toBeGreaterThan(1_000_000);
    }
  });

  it("leaves the provider modules out, each stub naming exactly its module's exports", () => {
    const bundle = readFileSync(join(bundleDir, BUNDLE_FILE), 'latin1');
    const stubs = new Map(
      [...bundle.matchAll(/\.stub\("([a-z0-9-]+)","([^"]+)",(\[[^\]]*\])\)/g)].map(
        (m) => [m[1]!, { file: m[2]!, names: JSON.parse(m[3]!) as string[] }] as const,
      ),
    );
    expect(stubs.size).toBeGreaterThan(50);
    for (const [name, { names }] of stubs) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const real = require(`@cdktf/provider-aws/lib/${name}`) as object;
      expect([name, names]).toEqual([
        name,
        Object.getOwnPropertyNames(real).filter((n) => n !== '__esModule'),
      ]);
    }
    // Each stub names its module's file, which is there: those files and no others.
    expect(readdirSync(join(bundleDir, PROVIDERS_DIR)).sort()).toEqual(
      [...stubs.values()].map((s) => s.file).sort(),
    );
    const all = readFileSync(join(bundleDir, PROVIDERS_FILE), 'latin1');
    // Keyed by the same file names.
    expect([...all.matchAll(/^exports\["([^"]+)"\] = function/gm)].map((m) => m[1]).sort()).toEqual(
      [...stubs.values()].map((s) => s.file).sort(),
    );
    // The classes' code is in the provider modules, not in the bundle.
    const resourceTypes = (text: string) => text.match(/\.tfResourceType="aws_/g)?.length ?? 0;
    expect(resourceTypes(bundle)).toBe(0);
    expect(resourceTypes(all)).toBeGreaterThan(50);
  });

  it('comes with the digests of the code the build read, each the digest of its file', () => {
    const { entries } = JSON.parse(readFileSync(SHIPPED_DIGESTS_PATH, 'utf8')) as {
      entries: Record<string, [number, number, number, number, string]>;
    };
    const bundle = join(bundleDir, BUNDLE_FILE);
    expect(Object.keys(entries)).toContain(bundle);
    expect(Object.keys(entries).length).toBeGreaterThan(100);
    // Only files as the build left them (a build cache restores them with new times).
    for (const [file, [size, , mtimeMs, , digest]] of Object.entries(entries)) {
      const st = statSync(file, { throwIfNoEntry: false });
      if (st?.size !== size || st.mtimeMs !== mtimeMs) continue;
      expect([file, createHash('sha256').update(readFileSync(file)).digest('hex')]).toEqual([
        file,
        digest,
      ]);
    }
  });

  it("writes what the modules write, and what cdktf's own synth writes, byte for byte", () => {
    const bundled = join(dir('bundled'), 'out');
    const modules = join(dir('modules'), 'out');
    const plain = join(dir('plain'), 'out');
    expect(runMain(bundled, true)).toEqual({ bundle: true, modules: 0 });
    // The provider modules one file each, and all stacks built in a worker thread as well.
    const each = join(dir('each'), 'out');
    expect(runMain(each, true, { AUTOMOCK_SYNTH_PROVIDERS: 'each' })).toEqual({
      bundle: true,
      modules: 0,
    });
    // A worker thread loads the module of them all, or given none, one file each; either way it
    // builds its stacks itself (a stack a worker fails is built again in the main thread).
    const worker = join(dir('worker'), 'out');
    expect(runInWorkers(worker, 'all')).toEqual({ bundle: true, modules: 0, inWorkers: true });
    const workerEach = join(dir('worker-each'), 'out');
    expect(runInWorkers(workerEach, 'each')).toEqual({ bundle: true, modules: 0, inWorkers: true });
    const unbundled = runMain(modules, false);
    expect(unbundled.bundle).toBe(false);
    expect(unbundled.modules).toBeGreaterThan(100);
    buildApp({ outdir: plain }).synth();
    const expected = tree(plain);
    expect(Object.keys(expected).length).toBeGreaterThan(7);
    expect(tree(bundled)).toEqual(expected);
    expect(tree(each)).toEqual(expected);
    expect(tree(worker)).toEqual(expected);
    expect(tree(workerEach)).toEqual(expected);
    expect(tree(modules)).toEqual(expected);
  });

  it('keeps the provider modules in the bundle when built with AUTOMOCK_BUNDLE_LAZY_PROVIDERS=0, and writes the same bytes', () => {
    const stacksDir = join(__dirname, '..', '..');
    const copy = copyOfBuild('bundle-lazy-off');
    const copyDir = join(copy, 'dist', 'synthesis');
    // The lazy build's provider files are in the copy to begin with: this build must remove them.
    expect(existsSync(join(copyDir, PROVIDERS_FILE))).toBe(true);
    const build = spawnSync(
      process.execPath,
      [join(stacksDir, 'scripts', 'bundle-builder.js'), join(copy, 'dist')],
      {
        cwd: stacksDir,
        encoding: 'utf8',
        env: { ...process.env, AUTOMOCK_BUNDLE_LAZY_PROVIDERS: '0' },
      },
    );
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(existsSync(join(copyDir, PROVIDERS_FILE))).toBe(false);
    expect(existsSync(join(copyDir, PROVIDERS_DIR))).toBe(false);
    const text = readFileSync(join(copyDir, BUNDLE_FILE), 'latin1');
    // The provider classes' own code (a resource type), and none of the module files' names.
    expect(text).toContain('"aws_ecs_service"');
    expect(text).not.toMatch(/ecs-service\.[0-9a-f]{16}\.js/);
    expect(currentBundle(copyDir)).toBe(join(copyDir, BUNDLE_FILE));

    const outdir = join(dir('lazy-off'), 'out');
    const script = `
      process.env.CDKTF_OUTDIR = ${JSON.stringify(outdir)};
      require(${JSON.stringify(join(copy, 'dist', 'main.js'))});
      const bundle = require.cache[${JSON.stringify(join(copyDir, BUNDLE_FILE))}];
      console.log(JSON.stringify({ bundle: !!bundle, stubs: bundle.exports.loadedProviders() }));`;
    const res = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, AUTOMOCK_SYNTH_CACHE: '0', AUTOMOCK_SYNTH_PROVIDERS: '' },
    });
    expect(ownStderr(res.stderr)).toBe('');
    expect(JSON.parse(res.stdout.trim().split('\n').pop()!)).toEqual({ bundle: true, stubs: [] });
    const plain = join(dir('lazy-off-plain'), 'out');
    buildApp({ outdir: plain }).synth();
    expect(tree(outdir)).toEqual(tree(plain));
  }, 180_000);

  it('rebuilds one workload stack with only the provider modules it uses, and writes the same bytes', () => {
    const workloadsDir = dir('workloads');
    cpSync(join(__dirname, '..', '..', 'workloads'), workloadsDir, { recursive: true });
    const cacheDir = join(dir('lazy-cache'), 'c');
    const run = (outdir: string) => {
      const options = { outdir, cache: { dir: cacheDir }, workloadsDir };
      const script = `
        const { synthesizeStacks } = require(${JSON.stringify(join(dist, 'synthesize-stacks.js'))});
        const { built } = synthesizeStacks(${JSON.stringify(options)});
        const bundle = require.cache[${JSON.stringify(join(bundleDir, BUNDLE_FILE))}];
        console.log(JSON.stringify({
          built,
          providers: bundle.exports.loadedProviders(),
          all: ${JSON.stringify(join(bundleDir, PROVIDERS_FILE))} in require.cache,
        }));`;
      const res = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, AUTOMOCK_SYNTH_PROVIDERS: '', AUTOMOCK_SYNTH_WORKERS: '0' },
      });
      expect(ownStderr(res.stderr)).toBe('');
      return JSON.parse(res.stdout) as { built: string[]; providers: string[]; all: boolean };
    };
    const full = run(join(dir('lazy-full'), 'out'));
    expect(full.all).toBe(true);
    expect(full.providers.length).toBeGreaterThan(80);

    const ledger = join(workloadsDir, 'ledger.yaml');
    writeFileSync(ledger, `${readFileSync(ledger, 'utf8')}# edited\n`);
    const outdir = join(dir('lazy-one'), 'out');
    const one = run(outdir);
    expect(one.built).toEqual(['dev-ledger']);
    expect(one.all).toBe(false);
    // Its database and what reaches it, not the environment's network or other workloads' kinds.
    expect(one.providers).toEqual(expect.arrayContaining(['db-instance', 'db-parameter-group']));
    for (const unused of ['vpc', 'nat-gateway', 'cognito-user-pool', 'lb', 'ecs-cluster'])
      expect(one.providers).not.toContain(unused);
    expect(one.providers.length).toBeLessThan(full.providers.length / 2);
    const plain = join(dir('lazy-plain'), 'out');
    buildApp({ outdir: plain }).synth();
    expect(tree(outdir)).toEqual(tree(plain));
  });

  it("writes the same bytes when the bundle's code comes from V8's code cache", () => {
    const cacheDir = join(dir('code-cache'), 'c');
    const run = (fingerprint: string, outdir: string) => {
      const options = { outdir, cache: { dir: cacheDir, fingerprint } };
      const script = `
        const { synthesizeStacks } = require(${JSON.stringify(join(dist, 'synthesize-stacks.js'))});
        console.log(JSON.stringify(synthesizeStacks(${JSON.stringify(options)}).built.length));`;
      const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(ownStderr(res.stderr)).toBe('');
      return Number(res.stdout);
    };
    expect(run('code-1', join(dir('cc1'), 'out'))).toBeGreaterThanOrEqual(7);
    // The bundle's and its provider modules'.
    expect(readdirSync(cacheDir).filter((f) => f.startsWith('builder-code-'))).toHaveLength(2);
    const outdir = join(dir('cc2'), 'out');
    expect(run('code-2', outdir)).toBeGreaterThanOrEqual(7);
    const plain = join(dir('cc-plain'), 'out');
    buildApp({ outdir: plain }).synth();
    expect(tree(outdir)).toEqual(tree(plain));
  });

  // What cdktf finds on disk relative to its own files. A new entry here (a cdktf upgrade) needs
  // a look at scripts/bundle-builder.js: JSON it requires is inlined, `__dirname`/`__filename`
  // are given the original file's paths, and computed requires fail the build.
  it("covers every place cdktf locates files by its own path (cdktf's version is read here)", () => {
    const lib = join(dirname(require.resolve('cdktf/package.json')), 'lib');
    const found: string[] = [];
    const walk = (rel: string) => {
      for (const name of readdirSync(join(lib, rel)).sort()) {
        const path = join(rel, name);
        if (statSync(join(lib, path)).isDirectory()) walk(path);
        else if (name.endsWith('.js') && !path.includes('__tests__')) {
          const text = readFileSync(join(lib, path), 'utf8');
          for (const m of text.matchAll(
            /__dirname|__filename|require\.resolve|require\("[^"]*\.json"\)/g,
          ))
            found.push(`${path}: ${m[0]}`);
        }
      }
    };
    walk('');
    expect([...new Set(found)].sort()).toEqual([
      'app.js: require("../package.json")',
      'private/fs.js: __filename',
    ]);
    // fs.js runs its own file to zip assets: in the bundle, that is still cdktf's file.
    const bundle = readFileSync(join(bundleDir, BUNDLE_FILE), 'utf8');
    const own = [...bundle.matchAll(/var __filename=require\("path"\)\.join\(\w+,"([^"]+)"\)/g)]
      .map((m) => m[1]!)
      .filter((p) => p.endsWith('cdktf/lib/private/fs.js'));
    expect(own).toHaveLength(1);
    expect(resolve(bundleDir, own[0]!)).toBe(join(lib, 'private', 'fs.js'));
  });
});

describe('currentBundle', () => {
  function made() {
    const d = dir('stamps');
    const input = join(d, 'input.js');
    const lockfile = join(d, 'lock.yaml');
    writeFileSync(input, 'module.exports = 1;\n');
    writeFileSync(lockfile, 'lockfileVersion: 9\n');
    writeFileSync(join(d, BUNDLE_FILE), '');
    const stamps = bundleInputsOf([input, join(d, 'node_modules', 'x', 'index.js')], d, lockfile);
    writeFileSync(join(d, BUNDLE_INPUTS_FILE), JSON.stringify(stamps));
    return { d, input, lockfile, bundle: join(d, BUNDLE_FILE) };
  }

  it('stamps the workspace files and the lockfile, not what node_modules holds', () => {
    const { d } = made();
    const stamps = JSON.parse(readFileSync(join(d, BUNDLE_INPUTS_FILE), 'utf8')) as unknown[][];
    expect(stamps.map((s) => s[0])).toEqual(['input.js', 'lock.yaml']);
  });

  it('takes a bundle whose inputs are untouched, or only re-dated with the same content', () => {
    const { d, input, bundle } = made();
    expect(currentBundle(d)).toBe(bundle);
    const later = new Date(Date.now() + 60_000);
    utimesSync(input, later, later);
    expect(currentBundle(d)).toBe(bundle);
  });

  it('refuses a bundle whose input or lockfile changed, or that is missing', () => {
    const a = made();
    writeFileSync(a.input, 'module.exports = 2;\n');
    expect(currentBundle(a.d)).toBeUndefined();
    const b = made();
    writeFileSync(b.lockfile, 'lockfileVersion: 9.0\n');
    expect(currentBundle(b.d)).toBeUndefined();
    const c = made();
    rmSync(c.input);
    expect(currentBundle(c.d)).toBeUndefined();
    const e = made();
    rmSync(e.bundle);
    expect(currentBundle(e.d)).toBeUndefined();
    const f = made();
    rmSync(join(f.d, BUNDLE_INPUTS_FILE));
    expect(currentBundle(f.d)).toBeUndefined();
    expect(existsSync(f.bundle)).toBe(true);
  });
});

describe('loadBundle', () => {
  const source = [
    "'use strict';",
    'module.exports = {',
    '  inc: (x) => x + 1,',
    '  dir: __dirname,',
    '  file: __filename,',
    '  strict: (function () { return this === undefined; })(),',
    "  path: require('node:path').sep,",
    '  sameModule: module.exports === exports,',
    '};',
  ].join('\n');
  const codeFiles = (d: string) => readdirSync(d).filter((f) => f.startsWith('builder-code-'));

  it('reads text as UTF-8 does, whether or not it is ASCII; the built bundle is ASCII', () => {
    const d = dir('read-source');
    const texts = {
      'ascii.js': "module.exports = 'plain \\u00e9';\n",
      'latin.js': "module.exports = 'caf\u00e9 \u00ff';\n",
      'wide.js': "module.exports = '\u2713 \u{1F600}';\n",
    };
    for (const [name, text] of Object.entries(texts)) {
      writeFileSync(join(d, name), text, 'utf8');
      expect(readSource(join(d, name))).toBe(text);
      expect(readSource(join(d, name))).toBe(readFileSync(join(d, name), 'utf8'));
    }
    // Where the fast decoding pays: esbuild escaped every non-ASCII character.
    const built = readFileSync(join(bundleDir, BUNDLE_FILE));
    expect(built.every((b) => b < 0x80)).toBe(true);
  });

  it('loads as require would, and reuses V8 code kept from an earlier load', () => {
    const d = dir('load');
    const bundle = join(d, 'b.js');
    writeFileSync(bundle, source);
    const cacheDir = join(d, 'cache');
    const first = loadBundle<Record<string, unknown>>(bundle, cacheDir);
    expect(first.exports).toMatchObject({ dir: d, file: bundle, strict: true, sameModule: true });
    expect((first.exports.inc as (x: number) => number)(1)).toBe(2);
    expect(first.fromCodeCache).toBe(false);
    first.saveCodeCache();
    expect(codeFiles(cacheDir)).toHaveLength(1);
    const second = loadBundle<Record<string, unknown>>(bundle, cacheDir);
    expect(second.fromCodeCache).toBe(true);
    expect((second.exports.inc as (x: number) => number)(41)).toBe(42);
    delete require.cache[bundle];
  });

  it('never runs code compiled from another bundle of the same length, and survives a damaged cache', () => {
    const d = dir('stale');
    const bundle = join(d, 'b.js');
    const cacheDir = join(d, 'cache');
    writeFileSync(bundle, source);
    loadBundle(bundle, cacheDir).saveCodeCache();
    // Same length, other code: V8 alone would take the old code for it.
    writeFileSync(bundle, source.replace('x + 1', 'x - 1'));
    const later = new Date(Date.now() + 60_000);
    utimesSync(bundle, later, later);
    const changed = loadBundle<{ inc: (x: number) => number }>(bundle, cacheDir);
    expect(changed.fromCodeCache).toBe(false);
    expect(changed.exports.inc(1)).toBe(0);
    changed.saveCodeCache();
    expect(codeFiles(cacheDir)).toHaveLength(2);
    const current = codeFiles(cacheDir).map((f) => join(cacheDir, f));
    for (const f of current) writeFileSync(f, Buffer.alloc(64, 7));
    // V8 checks what it is given (and compiles the source when the data does not fit it).
    const damaged = loadBundle<{ inc: (x: number) => number }>(bundle, cacheDir);
    expect(damaged.exports.inc(1)).toBe(0);
    delete require.cache[bundle];
  });

  it('takes the code shipped beside a bundle only for its text and this Node.js, and keeps a copy', () => {
    const d = dir('shipped');
    const bundle = join(d, 'b.js');
    writeFileSync(bundle, source);
    const built = join(d, 'built');
    loadBundle(bundle, built).saveCodeCache();
    delete require.cache[bundle];
    const shipped = shippedCodeFile(bundle);
    expect(shipped).toBe(join(d, 'b.v8-code.bin'));
    const code = readFileSync(join(built, codeFiles(built)[0]!));
    const ship = (stamp: object, bytes: Buffer = code) => {
      writeFileSync(shipped, bytes);
      writeFileSync(`${shipped}.json`, JSON.stringify(stamp));
    };
    const stamp = shippedCodeStamp(source);

    ship(stamp);
    const fresh = join(d, 'fresh');
    const first = loadBundle<{ inc: (x: number) => number }>(bundle, fresh);
    expect(first.fromCodeCache).toBe(true);
    expect(first.exports.inc(1)).toBe(2);
    first.saveCodeCache();
    // The shipped bytes, under this bundle's own name, for the next run.
    expect(codeFiles(fresh)).toHaveLength(1);
    expect(readFileSync(join(fresh, codeFiles(fresh)[0]!))).toEqual(code);
    delete require.cache[bundle];
    // The synthesis cache off: the shipped code alone, and nothing written anywhere.
    const before = readdirSync(d).sort();
    const uncached = loadBundle<{ inc: (x: number) => number }>(bundle);
    expect(uncached.fromCodeCache).toBe(true);
    expect(uncached.exports.inc(2)).toBe(3);
    uncached.saveCodeCache();
    expect(readdirSync(d).sort()).toEqual(before);
    delete require.cache[bundle];

    // The file as the build left it: trusted without hashing its text (the stamp's digest here is
    // deliberately wrong, to show it is not read); once the file is touched, the digest decides.
    const asBuilt = fileIdentity(bundle);
    for (const [other, taken] of [
      [{ ...stamp, sha256: '0'.repeat(64), file: asBuilt }, true],
      [{ ...stamp, file: { ...asBuilt, ino: asBuilt.ino + 1 } }, true],
      [{ ...stamp, file: { ...asBuilt, mtimeMs: asBuilt.mtimeMs + 1 } }, true],
      [{ ...stamp, sha256: '0'.repeat(64), file: { ...asBuilt, ino: asBuilt.ino + 1 } }, false],
      [{ ...stamp, sha256: '0'.repeat(64), file: { ...asBuilt, size: asBuilt.size + 1 } }, false],
      [{ ...stamp, node: 'v0.0.1', file: asBuilt }, false],
    ] as const) {
      ship(other);
      const loaded = loadBundle<{ inc: (x: number) => number }>(bundle, join(d, 'none'));
      expect([other, loaded.fromCodeCache]).toEqual([other, taken]);
      expect(loaded.exports.inc(1)).toBe(2);
      delete require.cache[bundle];
    }

    for (const other of [
      { ...stamp, sha256: '0'.repeat(64) },
      { ...stamp, node: 'v0.0.1' },
      { ...stamp, arch: 'other' },
      { ...stamp, platform: 'other' },
    ]) {
      ship(other);
      const refused = loadBundle<{ inc: (x: number) => number }>(bundle, join(d, 'none'));
      expect(refused.fromCodeCache).toBe(false);
      expect(refused.exports.inc(1)).toBe(2);
      delete require.cache[bundle];
    }
    // Damaged bytes under a good stamp: V8 checks them and compiles the source instead (in this
    // process V8 may also answer from its own in-memory cache of the same source).
    ship(stamp, Buffer.alloc(64, 7));
    const damaged = loadBundle<{ inc: (x: number) => number }>(bundle, join(d, 'damaged'));
    expect(damaged.exports.inc(1)).toBe(2);
    delete require.cache[bundle];
  });

  it('forgets a bundle that threw while loading', () => {
    const d = dir('throw');
    const bundle = join(d, 'b.js');
    writeFileSync(bundle, "throw new Error('broken bundle');");
    expect(() => loadBundle(bundle, join(d, 'cache'))).toThrow('broken bundle');
    expect(require.cache[bundle]).toBeUndefined();
  });
});
