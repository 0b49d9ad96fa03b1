import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigValidationError, defineWorkload, Workload, WorkloadInput } from '@automock/core';
import { ENVIRONMENTS } from '../environments';
import { synthesizeStacks, SynthesizeStacksOptions } from '../synthesize-stacks';
import { WORKLOADS_DIR } from '../workloads';
import { WORKLOAD_DEFINITIONS, WorkloadDefinitionFile } from './workload-memo';
import { tempDirs, fileTree } from '../testing/files';
import { ownStderr } from '../testing/stderr';

const dir = tempDirs();

const tree = fileTree;

const dev = ENVIRONMENTS.find((e) => e.name === 'dev')!;
const staging = ENVIRONMENTS.find((e) => e.name === 'staging')!;

const NOTES_YAML = `name: notes
description: Notes inbox
environments: [dev]
queues:
  - name: inbox
    deadLetter: { maxReceiveCount: 3 }
`;

interface StoredFile {
  fingerprint: string;
  headers: Record<string, { json: string; frozen: unknown[] }>;
  definitions: Record<string, { json: string; frozen: unknown[] }>;
}

function errorOf(fn: () => unknown): ConfigValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError) return e;
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('YAML workload definitions in the synthesis cache', () => {
  const workloads = (files: Record<string, string>) => {
    const d = dir('workloads');
    for (const [n, text] of Object.entries(files)) writeFileSync(join(d, n), text);
    return d;
  };
  const run = (
    cacheDir: string | false,
    fingerprint: string,
    extra: SynthesizeStacksOptions = {},
  ) => {
    const outdir = join(dir('out'), 'out');
    const r = synthesizeStacks({
      environments: ['dev'],
      declaredProjects: false,
      cache: cacheDir === false ? false : { dir: cacheDir, fingerprint },
      outdir,
      ...extra,
    });
    return { ...r, outdir };
  };
  const stored = (cacheDir: string) =>
    JSON.parse(readFileSync(join(cacheDir, WORKLOAD_DEFINITIONS), 'utf8')) as StoredFile;

  it('are kept for the code fingerprint, read back instead of parsing, and dropped with it', () => {
    const cacheDir = join(dir('memo'), 'c');
    const workloadsDir = workloads({ 'notes.yaml': NOTES_YAML });
    run(cacheDir, 'wm-1', { workloadsDir });
    const kept = stored(cacheDir);
    expect(kept.fingerprint).toBe('wm-1');
    expect(Object.keys(kept.headers)).toHaveLength(1);
    expect(Object.keys(kept.definitions)).toHaveLength(1);
    const [entry] = Object.values(kept.definitions);
    expect(JSON.parse(entry!.json)).toMatchObject({ name: 'notes', env: null });

    // A forged definition is believed: the memo is what synthesis reads.
    const forged = JSON.parse(entry!.json) as Record<string, unknown>;
    forged.tags = { forged: 'yes' };
    entry!.json = JSON.stringify(forged);
    writeFileSync(join(cacheDir, WORKLOAD_DEFINITIONS), JSON.stringify(kept));
    const believed = run(cacheDir, 'wm-1', { workloadsDir });
    expect(believed.built).toContain('dev-notes');
    expect(
      readFileSync(join(believed.outdir, 'stacks', 'dev-notes', 'cdk.tf.json'), 'utf8'),
    ).toContain('"forged": "yes"');

    // Other code: defined afresh, and the file starts over.
    const fresh = run(cacheDir, 'wm-2', { workloadsDir });
    const full = run(false, '', { workloadsDir });
    expect(tree(fresh.outdir)).toEqual(tree(full.outdir));
    const again = stored(cacheDir);
    expect(again.fingerprint).toBe('wm-2');
    expect(JSON.parse(Object.values(again.definitions)[0]!.json)).not.toHaveProperty('tags.forged');
  });

  it('ignore a damaged file or entry, and write what a full synthesis writes', () => {
    const cacheDir = join(dir('damaged'), 'c');
    const workloadsDir = workloads({ 'notes.yaml': NOTES_YAML });
    const full = run(false, '', { workloadsDir });
    run(cacheDir, 'wm-3', { workloadsDir });
    const file = join(cacheDir, WORKLOAD_DEFINITIONS);
    const kept = stored(cacheDir);
    const damage: ((f: StoredFile) => unknown)[] = [
      () => '{"fingerprint": "wm-3", "headers": {',
      (f) => ({ ...f, definitions: [] }),
      (f) => {
        for (const e of Object.values(f.definitions)) e.json = e.json.slice(0, -10);
        for (const e of Object.values(f.headers)) e.json = '[1]';
        return f;
      },
      (f) => {
        for (const e of Object.values(f.definitions)) e.frozen = [['no', 'such', 'path']];
        return f;
      },
      (f) => {
        for (const e of Object.values(f.definitions)) e.json = JSON.stringify({ name: 'notes' });
        return f;
      },
    ];
    for (const d of damage) {
      const content = d(JSON.parse(JSON.stringify(kept)) as StoredFile);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      const r = run(cacheDir, 'wm-3', { workloadsDir });
      expect(tree(r.outdir)).toEqual(tree(full.outdir));
      // The damaged entries were replaced by good ones.
      expect(stored(cacheDir)).toEqual(kept);
    }
  });

  it('define a changed file afresh: only its stack is rebuilt, as a full synthesis writes it', () => {
    const cacheDir = join(dir('changed'), 'c');
    const workloadsDir = workloads({
      'notes.yaml': NOTES_YAML,
      'memos.yaml': NOTES_YAML.replace('name: notes', 'name: memos'),
    });
    run(cacheDir, 'wm-4', { workloadsDir });
    writeFileSync(
      join(workloadsDir, 'notes.yaml'),
      NOTES_YAML.replace('maxReceiveCount: 3', 'maxReceiveCount: 4'),
    );
    const changed = run(cacheDir, 'wm-4', { workloadsDir });
    // The bootstrap stack's CI permissions do not depend on a queue's receive count.
    expect(changed.built).toEqual(['dev-notes']);
    const full = run(false, '', { workloadsDir });
    expect(tree(changed.outdir)).toEqual(tree(full.outdir));
    expect(
      readFileSync(join(changed.outdir, 'stacks', 'dev-notes', 'cdk.tf.json'), 'utf8'),
    ).toContain('\\"maxReceiveCount\\" = 4');
  });

  it('report a bad file byte for byte as without them, and keep nothing of a failed run', () => {
    const cacheDir = join(dir('bad'), 'c');
    const workloadsDir = workloads({ 'notes.yaml': NOTES_YAML });
    run(cacheDir, 'wm-5', { workloadsDir });
    const file = join(cacheDir, WORKLOAD_DEFINITIONS);
    const before = { text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs };
    const bad = [
      // the schema: an unknown key, a wrong type
      NOTES_YAML.replace('description: Notes inbox', 'descripton: Notes inbox').replace(
        'maxReceiveCount: 3',
        'maxReceiveCount: three',
      ),
      // the YAML itself
      `${NOTES_YAML}queues: [again]\n`,
      // an environment that does not exist
      NOTES_YAML.replace('environments: [dev]', 'environments: [dev, nowhere]'),
    ];
    for (const text of bad) {
      writeFileSync(join(workloadsDir, 'notes.yaml'), text);
      const outdir = join(dir('bad-out'), 'out');
      const withMemo = errorOf(() => run(cacheDir, 'wm-5', { workloadsDir, outdir }));
      const without = errorOf(() => run(false, '', { workloadsDir }));
      expect(withMemo.message).toBe(without.message);
      expect(withMemo.issues).toEqual(without.issues);
      expect(existsSync(outdir)).toBe(false);
      expect({ text: readFileSync(file, 'utf8'), mtime: statSync(file).mtimeMs }).toEqual(before);
    }
  });

  it('serve the declared workloads of a warm synthesis without loading yaml or ajv', () => {
    // In a process of its own (the compiled package), so require.cache shows what was loaded.
    const cacheDir = join(dir('warm'), 'c');
    const go = (outdir: string) => {
      const options = { cache: { dir: cacheDir, fingerprint: 'wm-6' }, outdir };
      const script = `
        const { synthesizeStacks } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'synthesize-stacks.js'))});
        const r = synthesizeStacks(${JSON.stringify(options)});
        const loaded = Object.keys(require.cache).filter((k) => /[\\/]node_modules[\\/](yaml|ajv)[\\/]/.test(k));
        console.log(JSON.stringify({ built: r.built, loaded: loaded.length }));`;
      const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      expect(ownStderr(res.stderr)).toBe('');
      return JSON.parse(res.stdout) as { built: string[]; loaded: number };
    };
    const cold = go(join(dir('w1'), 'out'));
    expect(cold.loaded).toBeGreaterThan(0);
    const outdir = join(dir('w2'), 'out');
    expect(go(outdir)).toEqual({ built: [], loaded: 0 });
    const full = join(dir('w3'), 'out');
    synthesizeStacks({ cache: false, outdir: full });
    expect(tree(outdir)).toEqual(tree(full));
    expect(readdirSync(WORKLOADS_DIR).filter((n) => n.endsWith('.yaml')).length).toBeGreaterThan(0);
  });
});

describe('WorkloadDefinitionFile', () => {
  const input = {
    name: 'notes',
    environments: ['dev', 'staging'],
    queues: [{ name: 'inbox' }],
  } as unknown as WorkloadInput;
  const memo = () => new WorkloadDefinitionFile(join(dir('unit'), WORKLOAD_DEFINITIONS), 'f');
  /** `w` with one value changed, frozen as a definition is. */
  const variant = (w: Workload, change: (sections: Record<string, unknown>) => void) => {
    const sections = JSON.parse(JSON.stringify(w.sections)) as Record<string, unknown>;
    change(sections);
    return Object.freeze({ ...w, sections: Object.freeze(sections) });
  };

  it('gives back an equal definition: fresh objects, frozen where it was, with the caller’s environment', () => {
    const m = memo();
    const w = defineWorkload(input, dev);
    m.putDefinition('text', dev, w);
    const a = m.definition('text', dev)!;
    const b = m.definition('text', dev)!;
    expect(a).toEqual(w);
    expect(Object.keys(a)).toEqual(Object.keys(w));
    expect(a.env).toBe(dev);
    expect(a).not.toBe(b);
    expect(a.sections).not.toBe(b.sections);
    for (const k of ['environments', 'tags', 'suppressions', 'sections'] as const)
      expect(Object.isFrozen(a[k])).toBe(Object.isFrozen(w[k]));
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen((a.sections.queues as object[])[0])).toBe(
      Object.isFrozen((w.sections.queues as object[])[0]),
    );
    // Keyed by the text and the environment.
    expect(m.definition('other text', dev)).toBeUndefined();
    expect(m.definition('text', staging)).toBeUndefined();
  });

  it('keeps only what JSON gives back exactly', () => {
    const w = defineWorkload(input, dev);
    const shared = { a: 1 };
    const refused: [string, Workload][] = [
      ['an undefined value', variant(w, (s) => (s.extra = { a: undefined }))],
      ['a shared object', variant(w, (s) => ((s.one = shared), (s.two = shared)))],
      ['an environment object', variant(w, (s) => (s.env = dev.tags))],
      ['a Date', variant(w, (s) => (s.when = new Date(0)))],
      ['a Map', variant(w, (s) => (s.map = new Map()))],
      ['-0', variant(w, (s) => (s.zero = -0))],
      ['NaN', variant(w, (s) => (s.n = NaN))],
      ['a sparse array', variant(w, (s) => (s.list = Object.assign(new Array(3), { 0: 1, 2: 3 })))],
      ['a sealed object', variant(w, (s) => (s.sealed = Object.seal({ a: 1 })))],
      ['a getter', variant(w, (s) => Object.defineProperty(s, 'g', { get: () => 1 }))],
      ['a null-prototype object', variant(w, (s) => (s.bare = Object.create(null)))],
      ['a function', variant(w, (s) => (s.f = () => 1))],
    ];
    for (const [what, definition] of refused) {
      const m = memo();
      m.putDefinition('text', dev, definition);
      expect([what, m.definition('text', dev)]).toEqual([what, undefined]);
    }
    const m = memo();
    m.putDefinition(
      'text',
      dev,
      variant(w, (s) => (s.list = [1, { b: [null, 'x', false] }])),
    );
    expect(m.definition('text', dev)?.sections.list).toEqual([1, { b: [null, 'x', false] }]);
  });

  it('writes nothing until saved, and nothing when nothing was added', () => {
    const file = join(dir('save'), 'sub', WORKLOAD_DEFINITIONS);
    const m = new WorkloadDefinitionFile(file, 'f');
    m.putHeader('text', { name: 'notes', environments: ['dev'] });
    expect(existsSync(file)).toBe(false);
    m.save();
    const written = statSync(file).mtimeMs;
    const again = new WorkloadDefinitionFile(file, 'f');
    expect(again.header('text')).toEqual({ name: 'notes', environments: ['dev'] });
    again.save();
    expect(statSync(file).mtimeMs).toBe(written);
    expect(new WorkloadDefinitionFile(file, 'g').header('text')).toBeUndefined();
  });

  it('reads back what another process saved, from a copy of the cache (CI restores one)', () => {
    const from = dir('copy-from');
    const m = new WorkloadDefinitionFile(join(from, WORKLOAD_DEFINITIONS), 'f');
    m.putDefinition('text', dev, defineWorkload(input, dev));
    m.save();
    const to = join(dir('copy-to'), 'c');
    cpSync(from, to, { recursive: true });
    expect(
      new WorkloadDefinitionFile(join(to, WORKLOAD_DEFINITIONS), 'f').definition('text', dev),
    ).toEqual(defineWorkload(input, dev));
  });
});
