import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { build, Plugin } from 'esbuild';
import { join } from 'node:path';
import { ConfigValidationError } from '@automock/core';
import {
  PROVIDERS_DIR,
  PROVIDERS_EACH_MAX_STACKS,
  PROVIDERS_FILE,
  providersAllAtOnce,
} from './bundle';
import { ProviderLoader, ProviderModules } from './providers';
import { synthesizeStacks } from '../synthesize-stacks';
import { tempDirs } from '../testing/files';

const { lazyProvidersPlugin, unloadable, writeProviders } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../scripts/lazy-providers') as {
    lazyProvidersPlugin(options: {
      runtime: string;
      minify: (source: string) => Promise<string>;
    }): {
      plugin: Plugin;
      modules: Map<string, { code: string; out: string }>;
    };
    unloadable(code: string): string | undefined;
    writeProviders(
      modules: Map<string, { code: string; out: string }>,
      outdir: string,
      names: { providersDir: string; file: string },
    ): string[];
  };

const dir = tempDirs();

/** A directory of provider files, `<name>.js` each. */
function providerDir(files: Record<string, string>): string {
  const d = dir('providers');
  for (const [name, code] of Object.entries(files)) writeFileSync(join(d, `${name}.js`), code);
  return d;
}

const CDKTF = { marker: 'the bundle cdktf' };

describe('ProviderLoader', () => {
  it('loads a module when a property of its stub is first read, once, with the given cdktf', () => {
    const d = providerDir({
      thing: [
        '"use strict";',
        'Object.defineProperty(exports, "__esModule", { value: true });',
        'const cdktf = require("cdktf");',
        'cdktf.runs = (cdktf.runs ?? 0) + 1;',
        'class Thing { static cdktf = cdktf; }',
        'exports.Thing = Thing;',
        'exports.thingToTerraform = (x) => ({ x });',
      ].join('\n'),
    });
    // The module runs in Node's own context (as the bundle does), not in this test's: it counts
    // its runs on the cdktf it is given.
    const cdktf: { runs?: number } = {};
    const loader = new ProviderLoader(d, cdktf);
    const stub = loader.stub('thing', 'thing.js', ['Thing', 'thingToTerraform']);
    expect(loader.names()).toEqual([]);
    expect(cdktf.runs).toBeUndefined();
    expect(Object.keys(stub)).toEqual(['Thing', 'thingToTerraform']);
    expect((stub as { __esModule?: boolean }).__esModule).toBe(true);

    const Thing = stub.Thing as { cdktf: unknown };
    expect(Thing.cdktf).toBe(cdktf);
    expect((stub.thingToTerraform as (x: number) => unknown)(1)).toEqual({ x: 1 });
    expect(stub.Thing).toBe(Thing);
    // Another stub of the same module (another importer) gets the same classes.
    expect(loader.stub('thing', 'thing.js', ['Thing']).Thing).toBe(Thing);
    expect(loader.load('thing', 'thing.js').Thing).toBe(Thing);
    expect(cdktf.runs).toBe(1);
    expect(loader.names()).toEqual(['thing']);
  });

  it('refuses any require but cdktf, naming the module and the request, and keeps no half module', () => {
    const d = providerDir({
      greedy: '"use strict";\nexports.A = 1;\nrequire("./index-structs");\n',
    });
    const loader = new ProviderLoader(d, CDKTF);
    const stub = loader.stub('greedy', 'greedy.js', ['A']);
    const expected =
      'provider module greedy requires "./index-structs"; the builder bundle gives provider ' +
      'modules only "cdktf" (scripts/lazy-providers.js): rebuild, or load the modules ' +
      '(AUTOMOCK_SYNTH_BUNDLE=0)';
    expect(() => stub.A).toThrow(expected);
    expect(() => stub.A).toThrow(expected);
    expect(loader.names()).toEqual([]);
  });

  it('says a module file that is gone went with a rebuild, and to run again', () => {
    const d = providerDir({});
    const loader = new ProviderLoader(d, CDKTF);
    expect(() => loader.load('vpc', 'vpc.0123456789abcdef.js')).toThrow(
      `provider module vpc: ${join(d, 'vpc.0123456789abcdef.js')} is gone; \`pnpm build\` ran while ` +
        'this synthesis was loading provider modules (a changed module gets a new file): run it again',
    );
  });

  it("reports errors at the module file's own lines", () => {
    const d = providerDir({ broken: '"use strict";\n\nthrow new Error("line three");\n' });
    const loader = new ProviderLoader(d, CDKTF);
    let stack = '';
    try {
      loader.load('broken', 'broken.js');
    } catch (e) {
      stack = String((e as Error).stack);
    }
    expect(stack).toContain(`${join(d, 'broken.js')}:3:`);
  });

  it('takes modules not yet loaded from the module of them all once given, not from their files', () => {
    const d = providerDir({
      early: 'exports.from = "file";',
      late: 'exports.from = "file";',
      'other.new': 'exports.from = "file";',
    });
    const loader = new ProviderLoader(d, CDKTF);
    expect(loader.load('early', 'early.js').from).toBe('file');
    const all: ProviderModules = {
      'early.js': (exports) => void (exports.from = 'all'),
      'late.js': function (this: unknown, exports, require) {
        exports.from = 'all';
        exports.cdktf = require('cdktf');
        exports.thisIsExports = this === exports;
      },
      // Another build's file of the same module: not what a stub of this bundle names.
      'other.old.js': (exports) => void (exports.from = 'another build'),
    };
    loader.useModules(all);
    expect(loader.load('early', 'early.js').from).toBe('file');
    expect(loader.load('late', 'late.js')).toEqual({
      from: 'all',
      cdktf: CDKTF,
      thisIsExports: true,
    });
    expect(loader.load('other', 'other.new.js').from).toBe('file');
    expect(loader.names()).toEqual(['early', 'late', 'other']);
  });
});

describe('providersAllAtOnce', () => {
  it(`loads them one by one for up to ${PROVIDERS_EACH_MAX_STACKS} stacks, unless AUTOMOCK_SYNTH_PROVIDERS says`, () => {
    expect(providersAllAtOnce(0, {})).toBe(false);
    expect(providersAllAtOnce(PROVIDERS_EACH_MAX_STACKS, {})).toBe(false);
    expect(providersAllAtOnce(PROVIDERS_EACH_MAX_STACKS + 1, {})).toBe(true);
    expect(providersAllAtOnce(1, { AUTOMOCK_SYNTH_PROVIDERS: 'all' })).toBe(true);
    expect(providersAllAtOnce(1000, { AUTOMOCK_SYNTH_PROVIDERS: 'each' })).toBe(false);
    expect(providersAllAtOnce(1000, { AUTOMOCK_SYNTH_PROVIDERS: '' })).toBe(true);
  });

  it('is checked by a synthesis, with or without the bundle, before it writes anything', () => {
    const parent = dir('bad-providers');
    const before = process.env.AUTOMOCK_SYNTH_PROVIDERS;
    process.env.AUTOMOCK_SYNTH_PROVIDERS = 'some';
    try {
      expect(() => synthesizeStacks({ outdir: join(parent, 'out'), cache: false })).toThrow(
        'AUTOMOCK_SYNTH_PROVIDERS: got "some"',
      );
    } finally {
      if (before === undefined) delete process.env.AUTOMOCK_SYNTH_PROVIDERS;
      else process.env.AUTOMOCK_SYNTH_PROVIDERS = before;
    }
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses any other value, naming the variable, the value and the rule', () => {
    for (const bad of ['ALL', 'some', ' each']) {
      const call = () => providersAllAtOnce(1, { AUTOMOCK_SYNTH_PROVIDERS: bad });
      expect(call).toThrow(ConfigValidationError);
      expect(call).toThrow(
        `AUTOMOCK_SYNTH_PROVIDERS: got ${JSON.stringify(bad)}, must be "all" (load the provider modules at once) or "each" (one by one, as used)`,
      );
    }
  });
});

describe("the build's check of a provider module (scripts/lazy-providers.js)", () => {
  it('takes code that requires only cdktf, and names what else a module requires or locates', () => {
    expect(unloadable('"use strict";var t=require("cdktf");exports.A=1;')).toBeUndefined();
    expect(unloadable('var t=require("cdktf"),s=require("./index-structs");')).toBe(
      'it requires "./index-structs", not only "cdktf"',
    );
    expect(unloadable('var t=require(name);')).toBe('it requires name, not only "cdktf"');
    expect(unloadable('var f=require("path").join(__dirname,"x");')).toBe(
      'it requires "path", not only "cdktf"',
    );
    expect(unloadable('var f=__filename;')).toBe('it locates files by its own path');
    for (const loads of ['require.resolve("x")', 'import("x")'])
      expect(unloadable(`var t=require("cdktf");${loads};`)).toBe(
        'it resolves or imports modules itself',
      );
  });

  it("passes every provider module the build left out of the bundle, in both of the build's forms", () => {
    const synthesis = join(__dirname, '..', '..', 'dist', 'synthesis');
    const files = readdirSync(join(synthesis, PROVIDERS_DIR)).sort();
    expect(files.length).toBeGreaterThan(50);
    const all = readFileSync(join(synthesis, PROVIDERS_FILE), 'latin1');
    for (const file of files) {
      const code = readFileSync(join(synthesis, PROVIDERS_DIR, file), 'latin1');
      expect([file, unloadable(code)]).toEqual([file, undefined]);
      // Named after its content.
      const [, name, digest] = /^([a-z0-9-]+)\.([0-9a-f]{16})\.js$/.exec(file)!;
      expect(createHash('sha256').update(code).digest('hex').slice(0, 16)).toBe(digest);
      expect(name).toBeTruthy();
      // The module of them all holds the same text by the same name, wrapped as CommonJS wraps a
      // module.
      expect(all).toContain(
        `exports[${JSON.stringify(file)}] = function (exports, require, module, __filename, __dirname) {\n${code}\n};\n`,
      );
    }
  });

  it('fails the build for the package root, two copies of a module, or a module with its own cdktf', async () => {
    const root = dir('plugin');
    const write = (rel: string, text: string) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    const provider = 'exports.__esModule = true; exports.Foo = class Foo {};';
    for (const copy of ['a', 'b', 'c']) {
      write(`${copy}/node_modules/@cdktf/provider-aws/lib/foo/index.js`, provider);
      write(`${copy}/index.js`, 'module.exports = require("@cdktf/provider-aws/lib/foo");');
    }
    // c's provider resolves a cdktf of its own, not the bundle's.
    write('c/node_modules/cdktf/package.json', '{"name":"cdktf","main":"index.js"}');
    write('c/node_modules/cdktf/index.js', '');
    write('root.js', 'require("@cdktf/provider-aws");');
    write('two.js', 'require("./a/index.js"); require("./b/index.js");');
    write('own.js', 'require("./c/index.js");');
    const bundle = async (entry: string) => {
      const lazy = lazyProvidersPlugin({
        runtime: join(__dirname, '..', '..', 'dist', 'synthesis', 'providers.js'),
        minify: async (source) => source,
      });
      await build({
        entryPoints: [join(root, entry)],
        bundle: true,
        platform: 'node',
        write: false,
        logLevel: 'silent',
        plugins: [lazy.plugin],
      });
    };
    await expect(bundle('root.js')).rejects.toThrow(
      'import provider classes by path (lib/<name>), not @cdktf/provider-aws',
    );
    await expect(bundle('two.js')).rejects.toThrow(
      /two provider modules named foo: \S+\/[ab]\/node_modules\/\S+, \S+\/[ab]\/node_modules\//,
    );
    await expect(bundle('own.js')).rejects.toThrow(
      /provider module \S+\/c\/node_modules\/\S+ resolves cdktf \S+\/c\/node_modules\/cdktf\/index.js, not the bundle's/,
    );
  });

  it('leaves unchanged module files alone on a rebuild, writes a changed one anew, removes the rest', () => {
    const out = dir('write-providers');
    const names = { providersDir: PROVIDERS_DIR, file: PROVIDERS_FILE };
    const modules = new Map([
      ['a', { code: 'exports.a = 1;', out: 'a.1111.js' }],
      ['b', { code: 'exports.b = 1;', out: 'b.2222.js' }],
    ]);
    expect(writeProviders(modules, out, names)).toEqual(['a', 'b']);
    const at = (f: string) => join(out, PROVIDERS_DIR, f);
    const before = statSync(at('a.1111.js'));
    const allBefore = statSync(join(out, PROVIDERS_FILE));

    // The same modules again: no file is touched (a synthesis reading them meanwhile is safe).
    writeProviders(modules, out, names);
    expect(statSync(at('a.1111.js'))).toMatchObject({ ino: before.ino, mtimeMs: before.mtimeMs });
    expect(statSync(join(out, PROVIDERS_FILE))).toMatchObject({
      ino: allBefore.ino,
      mtimeMs: allBefore.mtimeMs,
    });

    // b changed, a gone, c new: the old b file goes once no stub names it.
    const next = new Map([
      ['b', { code: 'exports.b = 2;', out: 'b.3333.js' }],
      ['c', { code: 'exports.c = 1;', out: 'c.4444.js' }],
    ]);
    expect(writeProviders(next, out, names)).toEqual(['b', 'c']);
    expect(readdirSync(join(out, PROVIDERS_DIR)).sort()).toEqual(['b.3333.js', 'c.4444.js']);
    expect(readFileSync(at('b.3333.js'), 'utf8')).toBe('exports.b = 2;');
    const all = readFileSync(join(out, PROVIDERS_FILE), 'utf8');
    expect(all).toContain('exports["b.3333.js"] = function');
    expect(all).not.toContain('b.2222.js');
    expect(all).not.toContain('exports["a');

    // The providers kept in the bundle: nothing of them is left beside it.
    expect(writeProviders(new Map(), out, names)).toEqual([]);
    expect(readdirSync(out)).toEqual([]);
  });
});
