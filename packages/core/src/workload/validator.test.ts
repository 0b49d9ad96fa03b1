import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { workloadJsonSchema } from './schema';
import { WORKLOAD_SECTIONS } from './sections';
import {
  PRECOMPILED_WORKLOAD_VALIDATOR,
  type PrecompiledWorkloadValidator,
  splitWorkloadValidator,
  type SplitWorkloadValidator,
  WORKLOAD_AJV_OPTIONS,
  workloadSchemaDigest,
  workloadValidator,
} from './validator';

type Schema = Record<string, unknown>;

/** A deterministic pseudo-random source (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A value shaped by `schema` most of the time, with wrong types, out-of-range numbers, unknown
 * keys, missing required keys and values outside enums mixed in: inputs that pass, and inputs
 * that fail in every way the schema can report.
 */
function sample(schema: Schema, rnd: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const junk = () => pick<unknown>([null, 7, -1, 2.5, 'x', '', true, [], {}, ['a'], { zz: 1 }]);
  if (depth > 7 || rnd() < 0.06) return junk();
  if (schema.const !== undefined) return rnd() < 0.9 ? schema.const : 'not-the-const';
  if (Array.isArray(schema.enum)) return rnd() < 0.9 ? pick(schema.enum) : 'not-in-enum';
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) return sample(pick(branches), rnd, depth + 1);
  const type = Array.isArray(schema.type) ? pick(schema.type as string[]) : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(props))
        if ((required.includes(k) && rnd() < 0.95) || rnd() < 0.35)
          out[k] = sample(props[k]!, rnd, depth + 1);
      const extra = schema.additionalProperties;
      if (typeof extra === 'object' && extra !== null)
        for (let i = Math.floor(rnd() * 3); i > 0; i--)
          out[pick(['K', 'key-1', '', 'a'.repeat(130)])] = sample(extra as Schema, rnd, depth + 1);
      else if (rnd() < 0.08) out.unknownKey = 1;
      return out;
    }
    case 'array': {
      const items = (schema.items ?? {}) as Schema;
      const n = pick([0, 1, 1, 2, 3]);
      const out = Array.from({ length: n }, () => sample(items, rnd, depth + 1));
      if (schema.uniqueItems && n > 0 && rnd() < 0.1) out.push(out[0]);
      return out;
    }
    case 'string':
      return pick(['a', 'abc-1', 'Name_2', '', 'x'.repeat(300), '10:30', 'cron(0 8 * * ? *)']);
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 0;
      const max = typeof schema.maximum === 'number' ? schema.maximum : 100;
      return pick([min, max, min - 1, max + 1, Math.floor((min + max) / 2), 1.5]);
    }
    case 'boolean':
      return rnd() < 0.5;
    default:
      return junk();
  }
}

describe('the workload validator compiled at build time', () => {
  const schema = workloadJsonSchema(WORKLOAD_SECTIONS);

  it("is the build's, made from today's schema of the default sections", () => {
    expect(existsSync(PRECOMPILED_WORKLOAD_VALIDATOR)).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built = require(PRECOMPILED_WORKLOAD_VALIDATOR) as PrecompiledWorkloadValidator;
    const digest = workloadSchemaDigest(schema);
    expect(built.schemaDigest).toBe(digest);
    // A file for every section, and only those, in a directory of this schema's, each stamped.
    expect(Object.keys(built.sectionFiles!)).toEqual(WORKLOAD_SECTIONS.map((s) => s.key));
    for (const [key, file] of Object.entries(built.sectionFiles!)) {
      expect(file).toBe(`precompiled-sections/${digest.slice(0, 16)}/${key}.js`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const part = require(join(dirname(PRECOMPILED_WORKLOAD_VALIDATOR), file)) as {
        schemaDigest: string;
      };
      expect(part.schemaDigest).toBe(digest);
    }
    expect(
      readdirSync(join(dirname(PRECOMPILED_WORKLOAD_VALIDATOR), 'precompiled-sections')),
    ).toEqual([digest.slice(0, 16)]);
    const v = workloadValidator(WORKLOAD_SECTIONS) as SplitWorkloadValidator;
    expect(v.schemaDigest).toBe(built.schemaDigest);
    // Any registry making the same schema gets it; another schema is compiled by ajv.
    expect(workloadValidator([...WORKLOAD_SECTIONS])).toBe(v);
    const other = workloadValidator(WORKLOAD_SECTIONS.slice(1)) as Partial<SplitWorkloadValidator>;
    expect(other).not.toBe(v);
    expect(other.schemaDigest).toBeUndefined();
  });

  it("loads a section's validator the first time a workload has that section, and no other", () => {
    // A fresh core, so that no other test has loaded a section yet.
    let fresh!: typeof import('./validator');
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      fresh = require('./validator') as typeof import('./validator');
    });
    const v = fresh.workloadValidator(WORKLOAD_SECTIONS) as SplitWorkloadValidator;
    expect(v.loadedSections()).toEqual([]);
    const ledger = {
      name: 'ledger',
      environments: ['dev'],
      database: { engine: 'postgres', nope: 1 },
    };
    expect(v(ledger)).toBe(false);
    expect(v.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toContain(
      '/database additionalProperties',
    );
    expect(v.loadedSections()).toEqual(['database']);
    // Own keys alone, and a second workload with the same section, load nothing more.
    expect(v({ name: 'a', environments: ['dev'] })).toBe(true);
    expect(v.errors).toBeNull();
    v({ ...ledger, name: 'other' });
    expect(v({ name: 7, environments: [] })).toBe(false);
    expect(v.loadedSections()).toEqual(['database']);
    v({ name: 'q', environments: ['dev'], queues: [{ name: 'jobs' }] });
    expect(v.loadedSections()).toEqual(['database', 'queues']);
    expect(v.usesWholeSchema()).toBe(false);
  });

  it('compiles the whole schema once a section file is missing or from another build', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const built = require(PRECOMPILED_WORKLOAD_VALIDATOR) as PrecompiledWorkloadValidator;
    const digest = workloadSchemaDigest(schema);
    const live = new Ajv(WORKLOAD_AJV_OPTIONS).compile(schema);
    const load = (file: string) =>
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(dirname(PRECOMPILED_WORKLOAD_VALIDATOR), file)) as PrecompiledWorkloadValidator;
    const broken: Record<string, (file: string) => PrecompiledWorkloadValidator> = {
      missing: (file) => {
        if (file.endsWith('/queues.js')) throw new Error(`Cannot find module '${file}'`);
        return load(file);
      },
      'another build': (file) =>
        file.endsWith('/queues.js')
          ? Object.assign((() => true) as unknown as ValidateFunction, { schemaDigest: 'other' })
          : load(file),
    };
    for (const [why, loader] of Object.entries(broken)) {
      let compiled = 0;
      const v = splitWorkloadValidator({
        ownKeys: built,
        sectionFiles: built.sectionFiles!,
        schema,
        digest,
        load: loader,
        whole: () => (compiled++, live),
      });
      const bad = { name: 'q', environments: ['dev'], queues: [{ name: 'jobs', nope: 1 }] };
      expect(v({ name: 'a', environments: ['dev'], database: { engine: 'postgres' } })).toBe(
        live({ name: 'a', environments: ['dev'], database: { engine: 'postgres' } }),
      );
      expect(v.usesWholeSchema()).toBe(false);
      expect([why, v(bad)]).toEqual([why, false]);
      expect(JSON.stringify(v.errors)).toBe(JSON.stringify(live(bad) ? null : live.errors));
      expect(v.usesWholeSchema()).toBe(true);
      v({ name: 'b', environments: ['dev'] });
      expect(compiled).toBe(1);
    }
  });

  it('agrees with ajv on what passes and on every error, field by field', () => {
    const live = new Ajv(WORKLOAD_AJV_OPTIONS).compile(schema);
    const built = workloadValidator(WORKLOAD_SECTIONS);
    expect(built).not.toBe(live);
    const rnd = random(16);
    let passed = 0;
    let errors = 0;
    const inputs: unknown[] = [
      { name: 'shop', environments: ['dev'], queues: [{ name: 'jobs' }] },
      // A section that is present but undefined, inherited, or on an object without a prototype.
      { name: 'shop', environments: ['dev'], database: undefined },
      Object.assign(Object.create({ database: { engine: 1 } }) as object, {
        name: 'shop',
        environments: ['dev'],
      }),
      Object.assign(Object.create(null) as object, { name: 'x', queues: [{ nope: 1 }] }),
      null,
      [],
      'shop',
      { name: 'shop', environments: ['dev'], topics: [{ name: 't' }], buckets: [{ name: 'b' }] },
      ...Array.from({ length: 600 }, () => sample(schema, rnd)),
    ];
    for (const input of inputs) {
      const ok = live(input);
      expect(built(input)).toBe(ok);
      // As JSON: values, order and the schema objects errors carry (verbose) all count.
      expect(JSON.stringify(built.errors)).toBe(JSON.stringify(live.errors));
      if (ok) passed++;
      errors += live.errors?.length ?? 0;
    }
    // The corpus exercises both sides.
    expect(passed).toBeGreaterThan(1);
    expect(errors).toBeGreaterThan(1000);
  });
});
