import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { withoutCliSettings } from './testing/child-env';

const PKG_ROOT = resolve(__dirname, '..');
const REPO_ROOT = resolve(PKG_ROOT, '..', '..');
const bin = join(PKG_ROOT, 'bin', 'run.js');
const ccModule = join(PKG_ROOT, 'bin', 'compile-cache.js');

interface Stats {
  active: boolean;
  dir?: string;
  hits: number;
  misses: number;
  fallbacks: number;
  written: number;
}
type NodeModuleLike = Pick<typeof Module, 'wrap'> & {
  enableCompileCache?: () => unknown;
  prototype: { _compile: (...args: unknown[]) => unknown };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cc = require('../bin/compile-cache.js') as {
  defaultCacheRoot: string;
  compileCacheDir: (env?: NodeJS.ProcessEnv, nodeModule?: NodeModuleLike) => string | undefined;
  withCompileCache: <T>(
    fn: () => T,
    options?: { env?: NodeJS.ProcessEnv; nodeModule?: NodeModuleLike; stats?: Partial<Stats> },
  ) => T;
};

/** This Node has module.enableCompileCache (22.1+): the hook must stay off and Node's own works. */
const nodeCachesItself =
  typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const onNode20 = nodeCachesItself ? it.skip : it;

// Modules that exercise what Node's loader gives a CommonJS module. runner.js (Node's own main
// module) loads entry.js through withCompileCache and prints what entry.js saw, with the hook's
// counts; the report must be the same whether the hook is off, misses or hits.
const FIXTURE: Record<string, string> = {
  'runner.js': `const path = require('node:path');
const { withCompileCache } = require(process.env.CC_MODULE);
// Every frame: the hook adds one where it hands a module to Node's loader, and the default ten
// would then drop the outermost.
Error.stackTraceLimit = Infinity;
const stats = {};
const name = process.argv[2] || 'entry';
const loaded = withCompileCache(() => require(path.join(__dirname, name + '.js')), { stats });
Promise.all([loaded.dynamic.now, loaded.dynamic.later()]).then((dynamic) => {
  process.once('exit', () => console.log(JSON.stringify({ report: { ...loaded, dynamic }, stats })));
});
`,
  'entry.js': `#!/usr/bin/env node
'use strict';
const path = require('node:path');
const Module = require('node:module');
const rel = (p) => (typeof p === 'string' ? path.relative(__dirname, p) : p);
// The frames of the fixture's files, and the message and source lines above the first frame.
const frames = (stack) =>
  stack.split('\\n').filter((l) => l.includes(__dirname + '/')).map((l) => l.replaceAll(__dirname, '<dir>'));
const head = (stack) => {
  const lines = stack.split('\\n');
  const first = lines.findIndex((l) => l.startsWith('    at '));
  return lines.slice(0, first < 0 ? undefined : first).map((l) => l.replaceAll(__dirname, '<dir>'));
};
const here = new Error('here');
const report = {
  topThis: this === module.exports,
  args: arguments.length,
  strictThis: (function () { return this; })() === undefined,
  filename: rel(__filename),
  dirname: rel(__dirname),
  moduleFilename: module.filename === __filename,
  id: module.id === __filename,
  loadedWhileRunning: module.loaded,
  parent: rel(module.parent.filename),
  paths0: rel(module.paths[0]),
  requireKeys: Object.keys(require).sort(),
  requireShape: [require.name, require.length, require.resolve.name, require.resolve.length,
    require.resolve.paths.name, require.resolve.paths.length],
  main: require.main === process.mainModule && rel(require.main.filename),
  cache: require.cache === Module._cache,
  extensions: require.extensions === Module._extensions,
  inCache: require.cache[__filename] === module,
  stack: frames(here.stack),
};
report.dep = require('./dep.js')();
report.depAgain = require('./dep') === require('./dep.js');
report.shorthand = require('./shorthand.js');
report.circular = require('./circ-a.js');
report.sloppy = require('./sloppy.js');
report.bom = require('./bom.js');
report.cjs = require('./file.cjs');
report.json = require('./data.json');
report.topReturn = require('./top-return.js');
report.pkg = require('pkg');
report.cycle = require('./cycle.js').result;
report.children = module.children.map((m) => rel(m.filename));
report.resolve = [
  rel(require.resolve('./dep')),
  rel(require.resolve('pkg2', { paths: [path.join(__dirname, 'other')] })),
  require.resolve('node:fs'),
  require.resolve('fs'),
];
report.resolvePaths = [
  require.resolve.paths('pkg').slice(0, 2).map(rel),
  require.resolve.paths('./x').map(rel),
  require.resolve.paths('fs'),
];
report.errors = {};
const attempt = (name, f) => {
  try {
    report.errors[name] = f();
  } catch (e) {
    report.errors[name] = { name: e.name, code: e.code, head: head(e.stack), frames: frames(e.stack) };
  }
};
attempt('throws', () => require('./throws.js'));
report.throwsLeftCache = require.cache[path.join(__dirname, 'throws.js')] === undefined;
attempt('syntax', () => require('./broken.js'));
attempt('esmSyntax', () => Object.keys(require('./esm-syntax.js')));
attempt('missing', () => require('./missing'));
attempt('resolveNumber', () => require.resolve(42));
attempt('pathsNumber', () => require.resolve.paths(42));
attempt('requireNumber', () => require(42));
attempt('requireEmpty', () => require(''));
report.dynamic = require('./dynamic.js');
module.exports = report;
`,
  'dynamic.js': `'use strict';
exports.now = Promise.all([
  import('./esm.mjs').then((ns) => ns.x),
  import('./dep.js').then((ns) => typeof ns.default),
  import('node:path').then((ns) => typeof ns.join),
]);
exports.later = () => import('./esm.mjs').then((ns) => ns.x + ' later');
`,
  'dep.js': `'use strict';\nconst version = 'v1';\nmodule.exports = function dep() {\n  return 'dep ' + version;\n};\n`,
  'shorthand.js': `exports.a = 1;\nexports.self = this === exports;\n`,
  'circ-a.js': `exports.early = 'a';\nconst b = require('./circ-b.js');\nexports.fromB = b.sawA;\nexports.done = true;\n`,
  'circ-b.js': `const a = require('./circ-a.js');\nexports.sawA = { ...a };\n`,
  'sloppy.js': `module.exports = {\n  top: this === module.exports,\n  fn: (function () { return this; })() === globalThis,\n  with: (function () { with ({ z: 1 }) { return z; } })(),\n};\n`,
  'bom.js': `\uFEFFmodule.exports = 'bom';\n`,
  'file.cjs': `module.exports = require('node:path').basename(__filename);\n`,
  'top-return.js': `module.exports = 'before';\nif (module.exports) return;\nmodule.exports = 'after';\n`,
  // require(esm) of a module importing the CommonJS module that is still running: Node refuses.
  'cycle.js': `exports.before = 1;\ntry {\n  exports.result = require('./cycle.mjs').seen;\n} catch (e) {\n  exports.result = e.code;\n}\n`,
  'cycle.mjs': `import cjs from './cycle.js';\nexport const seen = cjs.before;\n`,
  'throws.js': `throw new Error('first line');\n`,
  'broken.js': `'use strict';\nmodule.exports = {;\n`,
  'esm-syntax.js': `export const y = 2;\n`,
  'esm.mjs': `export const x = 'esm';\n`,
  'data.json': `{ "json": true }\n`,
  'uncaught.js': `'use strict'; const n = 1; throw new Error('uncaught on line ' + n);\n`,
  'node_modules/pkg/package.json': `{ "name": "pkg", "main": "main.js", "type": "commonjs" }\n`,
  'node_modules/pkg/main.js': `module.exports = __filename.split(require('node:path').sep).slice(-3).join('/');\n`,
  'other/node_modules/pkg2/index.js': `module.exports = 'pkg2';\n`,
};
// What goes through the hook when runner.js loads entry.js; broken.js and esm-syntax.js (syntax
// errors for a script) and dynamic.js (import()) are Node's to compile.
const HOOKED = [
  'entry.js',
  'dep.js',
  'shorthand.js',
  'circ-a.js',
  'circ-b.js',
  'sloppy.js',
  'bom.js',
  'file.cjs',
  'top-return.js',
  'throws.js',
  'cycle.js',
  'node_modules/pkg/main.js',
];
const LEFT_TO_NODE = ['broken.js', 'esm-syntax.js', 'dynamic.js'];

const entryName = (file: string) => createHash('sha1').update(file).digest('hex');
const HEADER_BYTES = 36;

/** Environment for a child Node: nothing of this process's Node options or compile cache. */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return withoutCliSettings(process.env, extra);
}

describe('bin/compile-cache.js: V8 code cache for CommonJS modules on Node 20', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'automock-compile-cache-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  function writeFixture(dir: string) {
    for (const [file, text] of Object.entries(FIXTURE)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  }

  /** runner.js with the hook on (a cache in `cache`) or off (no `cache`). */
  function runFixture(dir: string, cache: string | undefined, args: string[] = []) {
    const r = spawnSync(process.execPath, [join(dir, 'runner.js'), ...args], {
      encoding: 'utf8',
      env: childEnv({
        CC_MODULE: ccModule,
        ...(cache ? { NODE_COMPILE_CACHE: cache } : { NODE_DISABLE_COMPILE_CACHE: '1' }),
      }),
    });
    let out: { report: unknown; stats: Stats } | undefined;
    try {
      out = JSON.parse(r.stdout) as { report: unknown; stats: Stats };
    } catch {
      // a run that failed: its stderr says why
    }
    // No report (a run that failed) has no counts either.
    const stats = out?.stats ?? ({} as Stats);
    return { status: r.status, stderr: r.stderr, report: out?.report, stats };
  }

  const entriesIn = (cache: string) => {
    const [sub, ...others] = readdirSync(cache);
    expect(others).toEqual([]);
    return { dir: join(cache, sub!), names: readdirSync(join(cache, sub!)).sort() };
  };
  const hookedNames = (dir: string) => HOOKED.map((f) => entryName(join(dir, f))).sort();

  onNode20(
    'loads modules as Node does, from an empty cache and then from the entries it wrote',
    () => {
      const dir = join(work, 'fixture');
      writeFixture(dir);
      const cache = join(work, 'cache');

      const off = runFixture(dir, undefined);
      expect(off.stderr).toBe('');
      expect(off.status).toBe(0);
      expect(off.stats).toMatchObject({ active: false, hits: 0, misses: 0 });
      const report = off.report as Record<string, unknown>;
      // The fixture itself does what it means to (and so does Node).
      expect(report).toMatchObject({
        topThis: true,
        args: 5,
        strictThis: true,
        main: 'runner.js',
        dep: 'dep v1',
        shorthand: { a: 1, self: true },
        circular: { early: 'a', fromB: { early: 'a' }, done: true },
        sloppy: { top: true, fn: true, with: 1 },
        bom: 'bom',
        topReturn: 'before',
        cycle: 'ERR_REQUIRE_CYCLE_MODULE',
        throwsLeftCache: true,
        dynamic: [['esm', 'function', 'function'], 'esm later'],
      });
      expect(report.stack).toEqual([
        expect.stringMatching(/^ {4}at Object\.<anonymous> \(<dir>\/entry\.js:14:14\)$/),
        expect.stringContaining('<dir>/runner.js:8:'),
        expect.stringContaining('<dir>/runner.js:8:'),
      ]);
      const errors = report.errors as Record<string, { head: string[]; frames: string[] }>;
      expect(errors.throws!.frames[0]).toBe('    at Object.<anonymous> (<dir>/throws.js:1:7)');
      expect(errors.syntax!.head).toEqual([
        '<dir>/broken.js:2',
        'module.exports = {;',
        '                  ^',
        '',
        "SyntaxError: Unexpected token ';'",
      ]);

      const cold = runFixture(dir, cache);
      expect(cold.stderr).toBe('');
      expect(cold.report).toEqual(report);
      expect(cold.stats).toMatchObject({
        active: true,
        hits: 0,
        misses: HOOKED.length,
        fallbacks: LEFT_TO_NODE.length,
        written: HOOKED.length,
      });
      const { dir: entries, names } = entriesIn(cache);
      expect(cold.stats.dir).toBe(entries);
      expect(entries).toContain(`${process.version}-${process.arch}-v8-${process.versions.v8}`);
      // One entry per hooked module; none for JSON, ESM, syntax errors or modules naming import().
      expect(names).toEqual(hookedNames(dir));
      const written = names.map((n) => statSync(join(entries, n), { bigint: true }).mtimeNs);

      const warm = runFixture(dir, cache);
      expect(warm.stderr).toBe('');
      expect(warm.report).toEqual(report);
      expect(warm.stats).toMatchObject({ hits: HOOKED.length, misses: 0, written: 0 });
      expect(names.map((n) => statSync(join(entries, n), { bigint: true }).mtimeNs)).toEqual(
        written,
      );
    },
  );

  onNode20('runs the new code of a changed module, even at the same length', () => {
    const dir = join(work, 'fixture');
    writeFixture(dir);
    const cache = join(work, 'cache');
    expect(runFixture(dir, cache).stats.misses).toBe(HOOKED.length);
    // V8 checks a cache only against the source's length.
    const dep = join(dir, 'dep.js');
    writeFileSync(dep, readFileSync(dep, 'utf8').replace("'v1'", "'v2'"));

    const changed = runFixture(dir, cache);
    expect(changed.stderr).toBe('');
    expect((changed.report as { dep: string }).dep).toBe('dep v2');
    expect(changed.report).toEqual(runFixture(dir, undefined).report);
    expect(changed.stats).toMatchObject({ hits: HOOKED.length - 1, misses: 1, written: 1 });
    expect(runFixture(dir, cache).stats).toMatchObject({ hits: HOOKED.length, misses: 0 });
  });

  onNode20('treats damaged, foreign and unreadable entries as misses and rewrites them', () => {
    const dir = join(work, 'fixture');
    writeFixture(dir);
    const cache = join(work, 'cache');
    const { report } = runFixture(dir, undefined);
    runFixture(dir, cache);
    const { dir: entries, names } = entriesIn(cache);
    const digestOf = (file: string) =>
      createHash('sha256')
        .update(readFileSync(join(dir, file), 'utf8').replace(/^\uFEFF/, ''))
        .digest();
    const garbage = Buffer.from('not V8 code, but its checksum is right');
    const withHeader = (digest: Buffer, data: Buffer) => {
      const header = Buffer.alloc(HEADER_BYTES);
      digest.copy(header);
      header.writeUInt32LE(crc32(data), 32);
      return Buffer.concat([header, data]);
    };
    const damage: ((entry: Buffer, file: string) => Buffer | 'dir')[] = [
      () => Buffer.alloc(0),
      (e) => e.subarray(0, 20),
      (e) => e.subarray(0, HEADER_BYTES),
      (e) => e.subarray(0, e.length - 1),
      (e) => Buffer.from(e.map((b, i) => (i === e.length >> 1 ? b ^ 0xff : b))),
      (e) => Buffer.from(e.map((b, i) => (i === 3 ? b ^ 0xff : b))),
      (e) => Buffer.from(e.map(() => 0x5a)),
      // Right digest and checksum, data V8 did not write: V8 refuses it (cachedDataRejected).
      (_e, file) => withHeader(digestOf(file), garbage),
      // Another module's entry, whole.
      () => readFileSync(join(entries, entryName(join(dir, 'dep.js')))),
      // Unreadable, and cannot be replaced: a directory in its place.
      () => 'dir',
    ];
    const damaged = HOOKED.filter((f) => f !== 'dep.js');
    damaged.forEach((file, i) => {
      const path = join(entries, entryName(join(dir, file)));
      const harm = damage[i % damage.length]!(readFileSync(path), file);
      rmSync(path);
      if (harm === 'dir') mkdirSync(path);
      else writeFileSync(path, harm);
    });
    expect(names.length).toBe(HOOKED.length);

    const after = runFixture(dir, cache);
    expect(after.stderr).toBe('');
    expect(after.status).toBe(0);
    expect(after.report).toEqual(report);
    expect(after.stats).toMatchObject({
      hits: 1,
      misses: damaged.length,
      written: damaged.length - 1,
    });
    expect(runFixture(dir, cache).stats).toMatchObject({ hits: HOOKED.length - 1, misses: 1 });
  });

  onNode20('runs without writing when the cache cannot be written', () => {
    const dir = join(work, 'fixture');
    writeFixture(dir);
    const notADirectory = join(work, 'file');
    writeFileSync(notADirectory, '');
    const r = runFixture(dir, notADirectory);
    expect(r.stderr).toBe('');
    expect(r.report).toEqual(runFixture(dir, undefined).report);
    expect(r.stats).toMatchObject({ active: true, misses: HOOKED.length, written: 0 });
  });

  it('prints an uncaught error of a hooked module as Node does: its line, caret and frame', () => {
    const dir = join(work, 'fixture');
    writeFixture(dir);
    const cache = join(work, 'cache');
    const top = (stderr: string) => stderr.split('\n').slice(0, 6).join('\n');
    const off = runFixture(dir, undefined, ['uncaught']);
    expect(off.status).toBe(1);
    expect(top(off.stderr)).toBe(
      [
        `${dir}/uncaught.js:1`,
        "'use strict'; const n = 1; throw new Error('uncaught on line ' + n);",
        '                           ^',
        '',
        'Error: uncaught on line 1',
        `    at Object.<anonymous> (${dir}/uncaught.js:1:34)`,
      ].join('\n'),
    );
    for (let run = 0; run < 2; run++) {
      const on = runFixture(dir, cache, ['uncaught']);
      expect(on.status).toBe(1);
      expect(top(on.stderr)).toBe(top(off.stderr));
    }
    if (!nodeCachesItself)
      expect(entriesIn(cache).names).toContain(entryName(`${dir}/uncaught.js`));
  });

  it('stays off with Node’s own compile cache, or NODE_DISABLE_COMPILE_CACHE', () => {
    const compile = () => undefined;
    const node22: NodeModuleLike = {
      enableCompileCache: () => undefined,
      wrap: Module.wrap,
      prototype: { _compile: compile },
    };
    const stats: Partial<Stats> = {};
    const seen: unknown[] = [];
    expect(
      cc.withCompileCache(() => seen.push(node22.prototype._compile) && 'done', {
        nodeModule: node22,
        env: { NODE_COMPILE_CACHE: work },
        stats,
      }),
    ).toBe('done');
    expect(seen).toEqual([compile]);
    expect(node22.prototype._compile).toBe(compile);
    expect(stats).toMatchObject({ active: false, hits: 0, misses: 0 });
    expect(cc.compileCacheDir({}, node22)).toBeUndefined();

    const node20: NodeModuleLike = { wrap: Module.wrap, prototype: { _compile: compile } };
    const off = cc.withCompileCache(() => node20.prototype._compile, {
      nodeModule: node20,
      env: { NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: work },
    });
    expect(off).toBe(compile);
    expect(cc.compileCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' }, node20)).toBeUndefined();
    expect(readdirSync(work)).toEqual([]);
  });

  it('keeps its entries in a directory of their own for this Node, V8 and architecture', () => {
    const node20: NodeModuleLike = { wrap: Module.wrap, prototype: { _compile: () => 0 } };
    const sub = `automock-${process.version}-${process.arch}-v8-${process.versions.v8}`;
    expect(cc.compileCacheDir({}, node20)).toBe(join(cc.defaultCacheRoot, sub));
    expect(cc.defaultCacheRoot).toBe(
      join(PKG_ROOT, 'node_modules', '.cache', 'automock-compile-cache'),
    );
    expect(cc.compileCacheDir({ NODE_COMPILE_CACHE: work }, node20)).toBe(join(work, sub));
    expect(cc.compileCacheDir({ NODE_COMPILE_CACHE: 'rel' }, node20)).toBe(resolve('rel', sub));
  });

  it('is gone when the function returns or throws, leaving a hook installed on top of it', () => {
    const original = jest.fn(() => 'node');
    const node20: NodeModuleLike = { wrap: Module.wrap, prototype: { _compile: original } };
    const env = { NODE_COMPILE_CACHE: work };
    let during: unknown;
    expect(() =>
      cc.withCompileCache(
        () => {
          during = node20.prototype._compile;
          throw new Error('synthesis failed');
        },
        { nodeModule: node20, env },
      ),
    ).toThrow('synthesis failed');
    expect(during).not.toBe(original);
    expect(node20.prototype._compile).toBe(original);

    const other = jest.fn();
    cc.withCompileCache(
      () => {
        during = node20.prototype._compile;
        node20.prototype._compile = other;
      },
      { nodeModule: node20, env },
    );
    expect(node20.prototype._compile).toBe(other);
    // What still calls the old hook reaches Node's own.
    const self = {};
    expect((during as (...a: unknown[]) => unknown).call(self, 'code', '/a.js')).toBe('node');
    expect(original).toHaveBeenLastCalledWith('code', '/a.js');
    expect(original.mock.contexts.at(-1)).toBe(self);
  });
});

// Synthesis from an empty synthesis cache, through bin/run.js, with the hook off, missing, hitting.
jest.setTimeout(120_000);

describe('automock synth with the compile cache (bin/fast-synth.js)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'automock-synth-compile-cache-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  let runs = 0;
  /** A synthesis with a fresh synthesis cache; returns its output, files and loaded modules. */
  function synth(args: string[], extra: NodeJS.ProcessEnv) {
    const id = runs++;
    const probe = join(work, 'probe.js');
    const loadedFile = join(work, `loaded-${id}.json`);
    writeFileSync(
      probe,
      `process.on('exit', () => require('node:fs').writeFileSync(process.env.LOADED_FILE, JSON.stringify(Object.keys(require.cache))));`,
    );
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: childEnv({
        AUTOMOCK_SYNTH_CACHE_DIR: join(work, `synth-cache-${id}`),
        NODE_OPTIONS: `--require ${probe}`,
        LOADED_FILE: loadedFile,
        ...extra,
      }),
    });
    let loaded: string[] = [];
    try {
      loaded = JSON.parse(readFileSync(loadedFile, 'utf8')) as string[];
    } catch {
      // ended before its exit handler
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, loaded };
  }
  const timeless = (s: string) =>
    s
      .replace(/stacks in [\d.]+ m?s to/, 'stacks in <t> to')
      .replace(/"durationMs": [\d.e+-]+/, '"durationMs": <t>');
  /** Every file under `dir`, by relative path. */
  function tree(dir: string): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files[relative(dir, p)] = readFileSync(p, 'utf8');
      }
    };
    walk(dir);
    return files;
  }
  const oclif = (f: string) => f.includes('/@oclif/core/');
  /** The hook's directories (compileCacheDir's `automock-<node>-...`) under a cache root. */
  const hookDirs = (root: string) =>
    existsSync(root) ? readdirSync(root).filter((n) => n.startsWith('automock-')) : [];

  it('prints and writes the same with the hook off, missing and hitting', () => {
    const cache = join(work, 'compile-cache');
    const run = (name: string, extra: NodeJS.ProcessEnv) => {
      const out = join(work, `synth-${name}-out`);
      const r = synth(['synth', '--out', out], extra);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.loaded.some(oclif)).toBe(false);
      const stdout = timeless(r.stdout).replaceAll(`synth-${name}-out`, '<out>');
      return { ...r, stdout, files: tree(out) };
    };
    const off = run('off', { NODE_DISABLE_COMPILE_CACHE: '1', NODE_COMPILE_CACHE: cache });
    expect(off.stdout).toMatch(/Synthesised \d+ stacks in <t> to \S*<out>$/m);
    expect(() => readdirSync(cache)).toThrow();

    const cold = run('cold', { NODE_COMPILE_CACHE: cache });
    expect(cold.stdout).toBe(off.stdout);
    expect(cold.files).toEqual(off.files);
    let entries: string | undefined;
    let names: string[] = [];
    const times = () => names.map((n) => statSync(join(entries!, n), { bigint: true }).mtimeNs);
    if (!nodeCachesItself) {
      // Entries for modules the synthesis loaded (cdktf, the stacks, this package's dist/).
      const [sub] = readdirSync(cache);
      entries = join(cache, sub!);
      names = readdirSync(entries);
      const synthesised = new Set(cold.loaded.map(entryName));
      expect(names.length).toBeGreaterThan(50);
      expect(names.filter((n) => !synthesised.has(n))).toEqual([]);
      expect(names).toContain(entryName(join(PKG_ROOT, 'dist', 'synth-fast-path.js')));
    }
    const written = times();

    const warm = run('warm', { NODE_COMPILE_CACHE: cache });
    expect(warm.stdout).toBe(off.stdout);
    expect(warm.files).toEqual(off.files);
    // Every entry was a hit: none rewritten.
    if (entries) expect(readdirSync(entries).sort()).toEqual([...names].sort());
    expect(times()).toEqual(written);
  });

  it('leaves oclif to Node: its modules have no entries, on the fallback path or without the fast path', () => {
    const cache = join(work, 'fallback-cache');
    const failed = synth(['synth', '--env', 'nowhere', '--out', join(work, 'none')], {
      NODE_COMPILE_CACHE: cache,
    });
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/env: got "nowhere", must be one of/);
    expect(failed.loaded.some(oclif)).toBe(true);
    if (!nodeCachesItself) {
      const [sub] = readdirSync(cache);
      const names = new Set(readdirSync(join(cache, sub!)));
      expect(names.size).toBeGreaterThan(0);
      expect(failed.loaded.filter(oclif).filter((f) => names.has(entryName(f)))).toEqual([]);
    }

    const viaOclif = join(work, 'oclif-cache');
    const r = synth(['synth', '--out', join(work, 'oclif-out')], {
      NODE_COMPILE_CACHE: viaOclif,
      AUTOMOCK_FAST_SYNTH: '0',
    });
    expect(r.status).toBe(0);
    expect(r.loaded.some(oclif)).toBe(true);
    // Node 22.1+ writes its own cache there (NODE_COMPILE_CACHE is its variable); the hook, none.
    if (nodeCachesItself) expect(hookDirs(viaOclif)).toEqual([]);
    else expect(() => readdirSync(viaOclif)).toThrow();
  });
});
