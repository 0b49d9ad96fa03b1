import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { default as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import type { WorkloadSection } from './section';
import { workloadJsonSchema } from './schema';

/** ajv's options for the workload schema, live or compiled at build time. */
export const WORKLOAD_AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: false,
  logger: false,
} as const;

/**
 * Where the build writes the validator of the default sections' schema, compiled to code with
 * ajv's standalone code generation (scripts/build-workload-validator.js); from `src` and `dist`.
 * It validates the workload's own keys and names, in `sectionFiles`, a file per section (paths
 * relative to its directory) with that section's validator ({@link splitWorkloadValidator}).
 */
export const PRECOMPILED_WORKLOAD_VALIDATOR = join(
  __dirname,
  '..',
  '..',
  'dist',
  'workload',
  'precompiled-validator.js',
);

/** What the compiled validator was made from: the SHA-256 of the schema's JSON text. */
export function workloadSchemaDigest(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

/**
 * The workload schema with `true` in place of every section's schema: what the build compiles
 * for the workload's own keys (type, required and unknown keys at the top, then each own key).
 */
export function workloadOwnKeysSchema(
  sections: readonly WorkloadSection[],
): Record<string, unknown> {
  const schema = workloadJsonSchema(sections);
  const properties = { ...(schema.properties as Record<string, unknown>) };
  for (const s of sections) properties[s.key] = true;
  return { ...schema, properties };
}

/**
 * The schema the build compiles for one section: only that key's property, so its errors carry
 * the paths (`#/properties/<key>/…`, `/<key>/…`) and schema objects the whole schema gives them.
 */
export function workloadSectionSchema(section: WorkloadSection): Record<string, unknown> {
  return { properties: { [section.key]: section.schema } };
}

/** The module the build writes: the own keys' validator, its schema's digest, the section files. */
export type PrecompiledWorkloadValidator = ValidateFunction & {
  readonly schemaDigest?: unknown;
  readonly sectionFiles?: Readonly<Record<string, string>>;
};

/** The workload validator {@link splitWorkloadValidator} makes, with the digest of its schema. */
export type SplitWorkloadValidator = ValidateFunction & {
  readonly schemaDigest: string;
  /** The sections whose files were loaded so far, in the order they were. */
  loadedSections(): readonly string[];
  /** Whether a section file could not be used and the whole schema was compiled instead. */
  usesWholeSchema(): boolean;
};

// One validator per schema: compiling costs hundreds of milliseconds, validating microseconds.
const validators = new WeakMap<readonly WorkloadSection[], ValidateFunction>();
const precompiledByDigest = new Map<string, SplitWorkloadValidator>();
let ajv: AjvClass | undefined;

/**
 * The validator of the workload schema of `sections`: the one the build compiled when it was made
 * from the same schema (whatever registry object holds the sections), else one ajv compiles now.
 * ajv is loaded only for the latter, so importing core (the CLI, the reaper) never pays for it.
 */
export function workloadValidator(sections: readonly WorkloadSection[]): ValidateFunction {
  let v = validators.get(sections);
  if (v) return v;
  const schema = workloadJsonSchema(sections);
  const digest = workloadSchemaDigest(schema);
  v = precompiledByDigest.get(digest);
  if (!v) {
    const built = precompiled(digest);
    if (built) {
      const dir = dirname(PRECOMPILED_WORKLOAD_VALIDATOR);
      v = splitWorkloadValidator({
        ownKeys: built,
        sectionFiles: built.sectionFiles!,
        schema,
        digest,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        load: (file) => require(join(dir, file)) as PrecompiledWorkloadValidator,
        whole: () => compileWithAjv(schema),
      });
      precompiledByDigest.set(digest, v as SplitWorkloadValidator);
    } else {
      v = compileWithAjv(schema);
    }
  }
  validators.set(sections, v);
  return v;
}

function compileWithAjv(schema: Record<string, unknown>): ValidateFunction {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require('ajv').default as typeof AjvClass;
  ajv ??= new Ajv(WORKLOAD_AJV_OPTIONS);
  return ajv.compile(schema);
}

function precompiled(digest: string): PrecompiledWorkloadValidator | undefined {
  let v: PrecompiledWorkloadValidator;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    v = require(PRECOMPILED_WORKLOAD_VALIDATOR) as PrecompiledWorkloadValidator;
  } catch {
    // Not built (a test run from source before `pnpm build`): ajv compiles it.
    return undefined;
  }
  // Made from other sections or an older schema (or before sections had files of their own): not
  // this schema's validator.
  const files = v.sectionFiles;
  return v.schemaDigest === digest && typeof files === 'object' && files !== null ? v : undefined;
}

const isObject = (data: unknown): data is Record<string, unknown> =>
  typeof data === 'object' && data !== null && !Array.isArray(data);

/** What {@link splitWorkloadValidator} is made of. */
export interface SplitWorkloadValidatorParts {
  /** The validator of {@link workloadOwnKeysSchema}. */
  readonly ownKeys: ValidateFunction;
  /** Each section's file ({@link workloadSectionSchema} compiled), by key. */
  readonly sectionFiles: Readonly<Record<string, string>>;
  /** The whole schema ({@link workloadJsonSchema}). */
  readonly schema: Record<string, unknown>;
  /** {@link workloadSchemaDigest} of `schema`, which every section file must carry. */
  readonly digest: string;
  /** Loads a section's file. */
  readonly load: (file: string) => PrecompiledWorkloadValidator;
  /**
   * The whole schema's validator compiled now (ajv), taken from the first section file that
   * cannot be loaded or comes from another build: a rebuild replaces the files while a process
   * that loaded the own keys' part may still be running.
   */
  readonly whole: () => ValidateFunction;
}

/**
 * The whole workload schema's validator, from the validator of its own keys
 * ({@link workloadOwnKeysSchema}) and one per section ({@link workloadSectionSchema}), each loaded
 * from its file the first time a workload has that section. Compiled whole, the schema is one
 * function of ~650 KB that V8 parses and compiles in full on the first workload (~100 ms, ~45 ms
 * from a code cache) although a workload uses a few of its 16 sections.
 *
 * Errors are those of the whole schema, in its order: ajv reports the top level's type, required
 * and unknown keys, then each property in the schema's order, and every own key comes before the
 * sections. An error about the top level names the whole schema as its `parentSchema`, as the
 * whole schema's validator does (the own keys' schema holds `true` for the sections).
 */
export function splitWorkloadValidator(parts: SplitWorkloadValidatorParts): SplitWorkloadValidator {
  const { ownKeys, sectionFiles, schema, digest } = parts;
  const properties = Object.keys(schema.properties as object);
  const order = properties.filter((key) => Object.hasOwn(sectionFiles, key));
  const firstSection = properties.indexOf(order[0]!);
  if (order.length > 0 && properties.slice(firstSection).some((k) => !order.includes(k)))
    throw new Error('workload schema: every section must come after the own keys');
  const loaded = new Map<string, ValidateFunction>();
  let whole: ValidateFunction | undefined;
  /** The section's validator, or undefined when its file is missing or from another build. */
  const section = (key: string): ValidateFunction | undefined => {
    let v = loaded.get(key);
    if (v) return v;
    try {
      const file = parts.load(sectionFiles[key]!);
      if (file.schemaDigest !== digest) return undefined;
      v = file;
    } catch {
      return undefined;
    }
    loaded.set(key, v);
    return v;
  };
  const check = (data: unknown): ErrorObject[] | undefined => {
    const errors: ErrorObject[] = [];
    if (!ownKeys(data))
      for (const e of ownKeys.errors ?? [])
        errors.push(
          /^#\/[^/]+$/.test(e.schemaPath) && e.parentSchema !== undefined
            ? { ...e, parentSchema: schema }
            : e,
        );
    if (isObject(data))
      for (const key of order) {
        if (data[key] === undefined) continue;
        const v = section(key);
        if (!v) return undefined;
        if (!v(data)) errors.push(...(v.errors ?? []));
      }
    return errors;
  };
  const validate = (data: unknown): boolean => {
    const errors = whole ? undefined : check(data);
    if (!errors) {
      whole ??= parts.whole();
      const valid = whole(data);
      validate.errors = whole.errors ?? null;
      return valid;
    }
    validate.errors = errors.length > 0 ? errors : null;
    return errors.length === 0;
  };
  validate.errors = null as ErrorObject[] | null;
  validate.schemaDigest = digest;
  /** The sections whose files were loaded so far, in the order they were (diagnostics, tests). */
  validate.loadedSections = (): readonly string[] => [...loaded.keys()];
  /** Whether a section file could not be used and the whole schema was compiled instead. */
  validate.usesWholeSchema = (): boolean => whole !== undefined;
  return validate as unknown as SplitWorkloadValidator;
}
