import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { App, Manifest } from 'cdktf';
import { ConfigValidationError } from '@automock/core';
import { PolicyViolationError } from '@automock/guardrails';
import { buildApp } from '../app';
import { ENVIRONMENTS } from '../environments';
import { ProjectDeclaration } from '../projects';
import { synthesizeApp } from '../synthesize-app';
import { synthesizeStacks, SynthesizeStacksOptions } from '../synthesize-stacks';
import { newManifest } from './manifest';
import { SCHEMA_VERDICTS } from './schema-verdicts';
import {
  appCodeSources,
  canonicalJson,
  CODE_DIGESTS,
  fingerprintOf,
  SHIPPED_CODE_DIGESTS,
  StackCache,
} from './stack-cache';
import { tempDirs, fileTree } from '../testing/files';
import { withWorkers } from '../testing/workers';
import { ownStderr } from '../testing/stderr';

const dir = tempDirs();

const tree = fileTree;

const ALL_DEFAULT = [
  'dev',
  'staging',
  'prod',
  'dev-petstore',
  'staging-petstore',
  // the declared workloads (stacks/workloads/)
  'dev-ledger',
  'dev-myapp',
  'dev-orders',
  'staging-sandbox-broker',
  'prod-sandbox-broker',
  'bootstrap-us-east-1',
  'bootstrap-us-west-2',
];

describe('synthesizeStacks (one stack at a time)', () => {
  let plain: string;
  let streamed: string;
  let streamedReport: ReturnType<typeof synthesizeStacks>;
  beforeAll(() => {
    plain = dir('plain');
    streamed = join(dir('streamed'), 'out');
    buildApp({ outdir: plain }).synth();
    streamedReport = synthesizeStacks({ outdir: streamed, cache: false });
  });

  it("writes exactly what cdktf's own synth writes: every stack file, asset and the manifest", () => {
    expect(Object.keys(tree(streamed)).length).toBeGreaterThan(ALL_DEFAULT.length + 1);
    expect(tree(streamed)).toEqual(tree(plain));
  });

  it("counts each stack's resources as its written file holds them, built or restored", () => {
    const inFile = (out: string, name: string) => {
      const json = JSON.parse(readFileSync(join(out, 'stacks', name, 'cdk.tf.json'), 'utf8')) as {
        resource?: Record<string, object>;
      };
      return Object.values(json.resource ?? {}).reduce((n, t) => n + Object.keys(t).length, 0);
    };
    const expected = Object.fromEntries(ALL_DEFAULT.map((n) => [n, inFile(streamed, n)]));
    expect(streamedReport.resources).toEqual(expected);
    expect(Object.values(expected).every((n) => n > 0)).toBe(true);
    const cacheDir = join(dir('count-cache'), 'c');
    const out = join(dir('counted'), 'out');
    synthesizeStacks({ outdir: out, cache: { dir: cacheDir, fingerprint: 'count' } });
    const restored = synthesizeStacks({
      outdir: out,
      cache: { dir: cacheDir, fingerprint: 'count' },
    });
    expect(restored.built).toEqual([]);
    expect(restored.resources).toEqual(expected);
    // Built in a worker thread too.
    const parallel = withWorkers('1', () =>
      synthesizeStacks({ outdir: join(dir('counted-parallel'), 'out'), cache: false }),
    );
    expect(parallel.workers).toBe(1);
    expect(parallel.resources).toEqual(expected);
  });

  it('reports what the whole-app check reports, in the same order', () => {
    const whole = synthesizeApp({ outdir: dir('whole') }).policy;
    expect(streamedReport.policy).toEqual(whole);
    expect(streamedReport.built).toEqual(ALL_DEFAULT);
    expect(streamedReport.stacks.map((s) => s.name)).toEqual([
      'bootstrap-us-east-1',
      'bootstrap-us-west-2',
      'dev',
      'staging',
      'prod',
      'dev-petstore',
      'staging-petstore',
      'dev-ledger',
      'dev-myapp',
      'dev-orders',
      'staging-sandbox-broker',
      'prod-sandbox-broker',
    ]);
  });

  it('writes nothing, and leaves no staging directory, when a guardrail fails', () => {
    const parent = dir('policy');
    const outdir = join(parent, 'out');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'keep'), 'previous');
    const bad = ENVIRONMENTS.map((e) =>
      e.name === 'dev'
        ? { ...e, suppressions: [{ id: 'AM-NOPE-1', reason: 'no such rule here' }] }
        : e,
    );
    expect(() =>
      synthesizeStacks({ outdir, definitions: bad, environments: ['dev'], cache: false }),
    ).toThrow(PolicyViolationError);
    expect(readdirSync(parent)).toEqual(['out']);
    expect(tree(outdir)).toEqual({ keep: Buffer.from('previous').toString('base64') });
  });
});

describe('JSON Schema verdicts in the cache', () => {
  const schema = { type: 'object', required: ['name'] };
  const withSchema = (files: string) => {
    writeFileSync(
      join(files, 'gamma.json'),
      JSON.stringify([
        {
          httpRequest: {
            method: 'POST',
            path: '/g',
            body: { type: 'JSON_SCHEMA', jsonSchema: schema },
          },
          httpResponse: { statusCode: 201 },
        },
      ]),
    );
    return [
      {
        env: 'dev',
        project: { name: 'gamma', listenerPort: 11010, expectations: join(files, 'gamma.json') },
      },
    ];
  };

  it('are kept for the code fingerprint, read back instead of checking again, and dropped with it', () => {
    const projects = withSchema(dir('schema-projects'));
    const cacheDir = join(dir('schema-cache'), 'c');
    const run = (fingerprint: string, outdir: string) =>
      synthesizeStacks({
        projects,
        environments: ['dev'],
        outdir,
        cache: { dir: cacheDir, fingerprint },
      });
    run('code-s1', join(dir('s1'), 'out'));
    const file = join(cacheDir, SCHEMA_VERDICTS);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as {
      fingerprint: string;
      verdicts: Record<string, unknown>;
    };
    expect(kept.fingerprint).toBe('code-s1');
    expect(Object.values(kept.verdicts)).toContain(null);
    // A forged verdict is believed: the memo is what synthesis reads.
    const forged = Object.fromEntries(
      Object.keys(kept.verdicts).map((k) => [k, { rule: 'forged rule', pointer: '/required' }]),
    );
    writeFileSync(file, JSON.stringify({ ...kept, verdicts: forged }));
    const outdir = join(dir('s2'), 'out');
    const thrown = (() => {
      try {
        run('code-s1', outdir);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    expect((thrown as Error).message).toContain(
      'body.jsonSchema.required: got ["name"], forged rule',
    );
    expect(() => readdirSync(outdir)).toThrow();
    // Other code: judged afresh, and the file starts over.
    run('code-s2', join(dir('s3'), 'out'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      fingerprint: 'code-s2',
      verdicts: kept.verdicts,
    });
  });
});

describe('the per-stack cache', () => {
  const expectations = (path: string) => [
    { httpRequest: { method: 'GET', path }, httpResponse: { statusCode: 200, body: path } },
  ];
  let files: string;
  let cacheDir: string;
  let projects: ProjectDeclaration[];
  const options = (fingerprint: string, extra: SynthesizeStacksOptions = {}) => ({
    declaredProjects: true,
    projects,
    cache: { dir: cacheDir, fingerprint },
    ...extra,
  });
  beforeAll(() => {
    files = dir('projects');
    cacheDir = join(dir('cache'), 'c');
    for (const name of ['alpha', 'beta']) {
      writeFileSync(join(files, `${name}.json`), JSON.stringify(expectations(`/${name}`)));
    }
    projects = ['alpha', 'beta'].map((name, i) => ({
      env: 'dev',
      project: { name, listenerPort: 11000 + i, expectations: join(files, `${name}.json`) },
    }));
  });

  it('restores unchanged stacks, byte for byte what a full synthesis writes', () => {
    const first = synthesizeStacks({ ...options('code-1'), outdir: join(dir('a'), 'out') });
    expect(first.cached).toEqual([]);
    const outdir = join(dir('b'), 'out');
    const second = synthesizeStacks({ ...options('code-1'), outdir });
    expect(second.built).toEqual([]);
    expect(second.cached).toHaveLength(first.built.length);
    const full = join(dir('c'), 'out');
    synthesizeStacks({ ...options('code-1'), cache: false, outdir: full });
    expect(tree(outdir)).toEqual(tree(full));
    expect(second.policy).toEqual(first.policy);
  });

  it('rebuilds only the stack of a project whose expectations changed, and matches a full synthesis', () => {
    synthesizeStacks({ ...options('code-2'), outdir: join(dir('d'), 'out') });
    writeFileSync(join(files, 'beta.json'), JSON.stringify(expectations('/beta-v2')));
    const outdir = join(dir('e'), 'out');
    const changed = synthesizeStacks({ ...options('code-2'), outdir });
    expect(changed.built).toEqual(['dev-beta']);
    const full = join(dir('f'), 'out');
    synthesizeStacks({ ...options('code-2'), cache: false, outdir: full });
    expect(tree(outdir)).toEqual(tree(full));
    expect(readFileSync(join(outdir, 'stacks', 'dev-beta', 'cdk.tf.json'), 'utf8')).toContain(
      'beta-v2',
    );
  });

  it('serves a wholly cached synthesis without loading cdktf, constructs, a provider class or their bundle', () => {
    // In a process of its own (the compiled package), so require.cache shows what was loaded.
    const run = (outdir: string) => {
      const options = {
        declaredProjects: true,
        projects,
        cache: { dir: cacheDir, fingerprint: 'code-6' },
        outdir,
      };
      const script = `
        const { synthesizeStacks } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'synthesize-stacks.js'))});
        const r = synthesizeStacks(${JSON.stringify(options)});
        const loaded = Object.keys(require.cache).filter((k) => /[\\/]node_modules[\\/](cdktf|constructs|@cdktf)[\\/]|stack-builder[.]bundle[.]js$/.test(k));
        console.log(JSON.stringify({ built: r.built, loaded }));`;
      const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(ownStderr(res.stderr)).toBe('');
      return JSON.parse(res.stdout) as { built: string[]; loaded: string[] };
    };
    const cold = run(join(dir('n'), 'out'));
    expect(cold.built.length).toBeGreaterThan(0);
    expect(cold.loaded.length).toBeGreaterThan(0);
    const outdir = join(dir('o'), 'out');
    expect(run(outdir)).toEqual({ built: [], loaded: [] });
    const full = join(dir('p'), 'out');
    synthesizeStacks({ ...options('code-6'), cache: false, outdir: full });
    expect(tree(outdir)).toEqual(tree(full));
  });

  it('rebuilds every stack when the shared code changes', () => {
    synthesizeStacks({ ...options('code-3'), outdir: join(dir('g'), 'out') });
    const after = synthesizeStacks({ ...options('code-4'), outdir: join(dir('h'), 'out') });
    expect(after.cached).toEqual([]);
    expect([...after.built].sort()).toEqual([...ALL_DEFAULT, 'dev-alpha', 'dev-beta'].sort());
  });

  it('rebuilds every stack when the context changes, and keys the selection the same', () => {
    synthesizeStacks({ ...options('code-5'), outdir: join(dir('i'), 'out') });
    const dev = synthesizeStacks({
      ...options('code-5'),
      environments: ['dev'],
      outdir: join(dir('j'), 'out'),
    });
    expect(dev.built).toEqual([]);
    const other = synthesizeStacks({
      ...options('code-5'),
      context: { note: 'x' },
      environments: ['dev'],
      outdir: join(dir('k'), 'out'),
    });
    expect(other.cached).toEqual([]);
  });
});

describe('cache keys', () => {
  it('do not depend on key order, and refuse what they cannot key', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: null }] })).toBe(
      '{"a":[1,{"c":null,"d":2}],"b":1}',
    );
    expect(StackCache.key('f', { a: 1, b: 2 })).toBe(StackCache.key('f', { b: 2, a: 1 }));
    expect(StackCache.key('f', { a: 1 })).not.toBe(StackCache.key('g', { a: 1 }));
    expect(() => canonicalJson({ a: { f: () => 1 } })).toThrow(/\$\.a\.f: got a function/);
    expect(() => canonicalJson({ a: [new Map()] })).toThrow(/\$\.a\[0\]: got a Map/);
    expect(() => canonicalJson({ n: NaN })).toThrow(/\$\.n: got NaN/);
    // Plain data made in another realm (the bundled builder's, under jest) keys like ours.
    const foreign = runInNewContext('({ b: 1, a: [{ c: null }] })') as object;
    expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype);
    expect(canonicalJson(foreign)).toBe('{"a":[{"c":null}],"b":1}');
    expect(() => canonicalJson({ a: runInNewContext('new Map()') })).toThrow(/\$\.a: got a Map/);
  });

  it("cover this package's code, every workspace package it builds with, and the lockfile", () => {
    const { dirs, files } = appCodeSources();
    expect(dirs[0]).toBe(join(__dirname, '..'));
    for (const pkg of ['core', 'ecs-service', 'ci-access', 'guardrails', 'ttl-cleanup', 'network'])
      expect(dirs).toContain(join(__dirname, '..', '..', '..', 'packages', pkg, 'dist'));
    expect(files).toContain(join(__dirname, '..', '..', '..', 'pnpm-lock.yaml'));
  });

  it('change with any file of the code, not with typings or source maps', () => {
    const code = dir('code');
    mkdirSync(join(code, 'lib'));
    writeFileSync(join(code, 'lib', 'a.js'), 'exports.a = 1;');
    writeFileSync(join(code, 'lib', 'a.d.ts'), 'export declare const a = 1;');
    const lock = join(code, 'lock.yaml');
    writeFileSync(lock, 'a: 1');
    const sources = { dirs: [join(code, 'lib')], files: [lock] };
    const base = fingerprintOf(sources);
    expect(fingerprintOf(sources)).toBe(base);
    writeFileSync(join(code, 'lib', 'a.d.ts'), 'export declare const a = 2;');
    writeFileSync(join(code, 'lib', 'a.js.map'), '{}');
    expect(fingerprintOf(sources)).toBe(base);
    writeFileSync(join(code, 'lib', 'a.js'), 'exports.a = 2;');
    const changed = fingerprintOf(sources);
    expect(changed).not.toBe(base);
    writeFileSync(join(code, 'lib', 'b.js'), '');
    expect(fingerprintOf(sources)).not.toBe(changed);
    writeFileSync(lock, 'a: 2');
    expect(fingerprintOf(sources)).not.toBe(changed);
  });
});

describe('the code digests kept between runs', () => {
  it('give the fingerprint a full read gives, and any change to a file still changes it', () => {
    const code = dir('memo');
    mkdirSync(join(code, 'lib'));
    const a = join(code, 'lib', 'a.js');
    writeFileSync(a, 'exports.a = 1;');
    const lock = join(code, 'lock.yaml');
    writeFileSync(lock, 'a: 1');
    const sources = { dirs: [join(code, 'lib')], files: [lock] };
    const memo = join(code, 'cache', CODE_DIGESTS);
    const full = fingerprintOf(sources);
    expect(fingerprintOf(sources, memo)).toBe(full);
    expect(Object.keys(JSON.parse(readFileSync(memo, 'utf8')).entries).sort()).toEqual(
      [a, lock].sort(),
    );
    expect(fingerprintOf(sources, memo)).toBe(full);

    // Same size: the file times tell.
    writeFileSync(a, 'exports.a = 2;');
    const changed = fingerprintOf(sources);
    expect(changed).not.toBe(full);
    expect(fingerprintOf(sources, memo)).toBe(changed);
    writeFileSync(join(code, 'lib', 'b.js'), '');
    expect(fingerprintOf(sources, memo)).toBe(fingerprintOf(sources));
    expect(fingerprintOf(sources, memo)).not.toBe(changed);
  });

  it('are what an unchanged file is taken for, and are not trusted once it is touched', () => {
    const code = dir('memo-used');
    const a = join(code, 'a.js');
    writeFileSync(a, 'exports.a = 1;');
    const sources = { dirs: [], files: [a] };
    const memo = join(code, CODE_DIGESTS);
    const truth = fingerprintOf(sources, memo);
    const stored = JSON.parse(readFileSync(memo, 'utf8')) as {
      entries: Record<string, unknown[]>;
    };
    stored.entries[a]![4] = '0'.repeat(64);
    writeFileSync(memo, JSON.stringify(stored));
    // The memo is read: a forged digest of an untouched file is believed.
    expect(fingerprintOf(sources, memo)).not.toBe(truth);
    utimesSync(a, new Date(), new Date(Date.now() + 5000));
    expect(fingerprintOf(sources, memo)).toBe(truth);
  });

  it("start from the build's when the cache has none, checked the same way, and are kept in the cache", () => {
    const code = dir('memo-shipped');
    const a = join(code, 'a.js');
    const b = join(code, 'b.js');
    writeFileSync(a, 'exports.a = 1;');
    writeFileSync(b, 'exports.b = 1;');
    const sources = { dirs: [], files: [a, b] };
    const shipped = join(code, 'shipped.json');
    const truth = fingerprintOf(sources, shipped);
    const forged = JSON.parse(readFileSync(shipped, 'utf8')) as {
      entries: Record<string, unknown[]>;
    };
    forged.entries[a]![4] = '0'.repeat(64);
    forged.entries[b]![4] = '0'.repeat(64);
    writeFileSync(shipped, JSON.stringify(forged));
    utimesSync(b, new Date(), new Date(Date.now() + 5000));

    // A fresh cache: the shipped digest of untouched a.js is taken (the forged one shows it),
    // touched b.js is read again; the cache keeps its own copy, which is read from then on.
    const memo = join(code, 'cache', CODE_DIGESTS);
    const first = fingerprintOf(sources, memo, shipped);
    expect(first).not.toBe(truth);
    const kept = JSON.parse(readFileSync(memo, 'utf8')) as { entries: Record<string, unknown[]> };
    expect(kept.entries[a]![4]).toBe('0'.repeat(64));
    expect(kept.entries[b]![4]).not.toBe('0'.repeat(64));
    writeFileSync(shipped, 'not json');
    expect(fingerprintOf(sources, memo, shipped)).toBe(first);
    // Without a cache of its own the shipped digests are not used; unreadable ones are ignored.
    expect(fingerprintOf(sources, undefined, memo)).toBe(fingerprintOf(sources));
    const other = join(code, 'other', CODE_DIGESTS);
    expect(fingerprintOf(sources, other, shipped)).toBe(fingerprintOf(sources));
  });

  it('leave out the V8 code and digests the build ships, which never change a stack', () => {
    const code = dir('memo-ignored');
    writeFileSync(join(code, 'a.js'), 'exports.a = 1;');
    const sources = { dirs: [code], files: [] };
    const before = fingerprintOf(sources);
    writeFileSync(join(code, 'stack-builder.bundle.v8-code.bin'), 'code');
    writeFileSync(join(code, 'stack-builder.bundle.v8-code.bin.json'), '{}');
    writeFileSync(join(code, SHIPPED_CODE_DIGESTS), '{}');
    expect(fingerprintOf(sources)).toBe(before);
    writeFileSync(join(code, 'b.js'), '');
    expect(fingerprintOf(sources)).not.toBe(before);
  });
});

describe('the cdktf internals streamed synthesis relies on', () => {
  it("cdktf/lib/manifest is cdktf's Manifest, made as an App makes it", () => {
    const a = dir('manifest-a');
    const b = dir('manifest-b');
    const ours = newManifest(a);
    const app = new App({ outdir: b });
    expect(ours).toBeInstanceOf(Manifest);
    expect(ours.version).toBe(app.manifest.version);
    expect(ours.hclOutput).toBe(app.manifest.hclOutput);
    ours.writeToFile();
    app.manifest.writeToFile();
    expect(readFileSync(join(a, 'manifest.json'), 'utf8')).toBe(
      readFileSync(join(b, 'manifest.json'), 'utf8'),
    );
  });
});
