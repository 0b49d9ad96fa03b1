import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { default as AjvClass, ValidateFunction } from 'ajv';
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

type Precompiled = ValidateFunction & { readonly schemaDigest?: unknown };

// One validator per registry: compiling costs hundreds of milliseconds, validating microseconds.
const validators = new WeakMap<readonly WorkloadSection[], ValidateFunction>();
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
  v = precompiled(workloadSchemaDigest(schema));
  if (!v) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = require('ajv').default as typeof AjvClass;
    ajv ??= new Ajv(WORKLOAD_AJV_OPTIONS);
    v = ajv.compile(schema);
  }
  validators.set(sections, v);
  return v;
}

function precompiled(digest: string): ValidateFunction | undefined {
  let v: Precompiled;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    v = require(PRECOMPILED_WORKLOAD_VALIDATOR) as Precompiled;
  } catch {
    // Not built (a test run from source before `pnpm build`): ajv compiles it.
    return undefined;
  }
  // Made from other sections or an older schema: not this schema's validator.
  return v.schemaDigest === digest ? v : undefined;
}
