import { join } from 'node:path';
import type { default as AjvClass, ErrorObject, Options as AjvOptions } from 'ajv';

/** A JSON Schema embedded in an expectation (a matcher), and where it is. */
export interface SchemaSite {
  /** JSON path of the schema, e.g. `$[0].httpRequest.body.jsonSchema`. */
  readonly path: string;
  readonly schema: unknown;
}

/** Meta-schema ids MockServer's validator understands and ajv can check, by `$schema` value. */
const DRAFT_07 = [
  'http://json-schema.org/draft-07/schema#',
  'http://json-schema.org/draft-07/schema',
];
const DRAFT_06 = [
  'http://json-schema.org/draft-06/schema#',
  'http://json-schema.org/draft-06/schema',
];
const DRAFT_2019 = ['https://json-schema.org/draft/2019-09/schema'];
const DRAFT_2020 = ['https://json-schema.org/draft/2020-12/schema'];

/** A meta-schema ajv understands, as this module names it. */
export type Flavour = 'draft-07' | 'draft-06' | '2019-09' | '2020-12';

/**
 * ajv's options here. Unknown keywords and formats are MockServer's business (its validator
 * ignores them too); only the meta-schema, patterns and references are checked here.
 */
export const AJV_OPTIONS = {
  strict: false,
  validateFormats: false,
  logger: false as const,
  allErrors: false,
};

/**
 * Meta-schemas compiled to code at build time (scripts/build-meta-validators.js, with ajv's own
 * standalone code generation and {@link AJV_OPTIONS}): the id each is looked up by, per flavour.
 * Compiling a meta-schema is most of what checking one small schema costs.
 */
export const PRECOMPILED_META: Partial<Record<Flavour, string>> = {
  'draft-07': 'http://json-schema.org/draft-07/schema',
  'draft-06': 'http://json-schema.org/draft-06/schema',
};

/** Where the build writes the precompiled meta-schema validators (from `src` and from `dist`). */
export const PRECOMPILED_META_DIR = join(__dirname, '..', 'dist', 'json-schema-meta');

/**
 * A new ajv for `flavour` with `options` (draft-07's vocabulary for draft-06 and draft-07, with
 * draft-06's meta-schema added for draft-06). Loads ajv.
 */
export function createAjv(flavour: Flavour, options: AjvOptions): AjvClass {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (flavour === '2019-09') {
    const Ajv2019 = require('ajv/dist/2019').default as typeof AjvClass;
    return new Ajv2019(options);
  }
  if (flavour === '2020-12') {
    const Ajv2020 = require('ajv/dist/2020').default as typeof AjvClass;
    return new Ajv2020(options);
  }
  const Ajv = require('ajv').default as typeof AjvClass;
  const ajv = new Ajv(options);
  if (flavour === 'draft-06') ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  /* eslint-enable @typescript-eslint/no-require-imports */
  return ajv;
}

const engines = new Map<string, AjvClass>();

// ajv is loaded on first use: most expectations files have no schema matchers, and the CLI and
// the reaper use core without paying for a schema engine. `checksMeta: false` makes an engine
// that only compiles (the meta-schema check was done by the precompiled validator).
function engine(flavour: Flavour, checksMeta = true): AjvClass {
  const id = `${flavour} ${checksMeta}`;
  let ajv = engines.get(id);
  if (!ajv) {
    ajv = createAjv(flavour, checksMeta ? AJV_OPTIONS : { ...AJV_OPTIONS, validateSchema: false });
    engines.set(id, ajv);
  }
  return ajv;
}

type MetaValidator = ((schema: unknown) => boolean) & { errors?: ErrorObject[] | null };
const precompiled = new Map<Flavour, MetaValidator | null>();

/** The build's validator for `flavour`'s meta-schema, or undefined (none, or not built). */
function precompiledMeta(flavour: Flavour): MetaValidator | undefined {
  if (!precompiled.has(flavour)) {
    let validate: MetaValidator | null = null;
    if (PRECOMPILED_META[flavour]) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        validate = require(join(PRECOMPILED_META_DIR, `${flavour}.js`)) as MetaValidator;
      } catch {
        // Not built (a test run from source before `pnpm build`): ajv compiles it.
      }
    }
    precompiled.set(flavour, validate);
  }
  return precompiled.get(flavour) ?? undefined;
}

/**
 * Checks `schema` against `flavour`'s meta-schema as `ajv.validateSchema` does: true, or false
 * with ajv's errors. Uses the precompiled validator when there is one and `$schema` is absent or
 * a string (ajv itself throws for any other `$schema`).
 */
export function validateAgainstMeta(
  flavour: Flavour,
  schema: object,
): { valid: boolean; errors: ErrorObject[] | null | undefined; precompiled: boolean } {
  const declared = (schema as { $schema?: unknown }).$schema;
  const validate =
    declared === undefined || typeof declared === 'string' ? precompiledMeta(flavour) : undefined;
  if (validate) {
    const valid = validate(schema);
    return { valid, errors: validate.errors, precompiled: true };
  }
  const ajv = engine(flavour);
  const valid = ajv.validateSchema(schema) as boolean;
  return { valid, errors: ajv.errors, precompiled: false };
}

function flavourOf(schema: unknown): Flavour | undefined {
  const declared =
    typeof schema === 'object' && schema !== null && '$schema' in schema
      ? (schema as { $schema: unknown }).$schema
      : undefined;
  if (declared === undefined) return 'draft-07'; // MockServer's default for matchers
  if (typeof declared !== 'string') return 'draft-07'; // the meta-schema check reports it
  if (DRAFT_07.includes(declared)) return 'draft-07';
  if (DRAFT_06.includes(declared)) return 'draft-06';
  if (DRAFT_2019.includes(declared)) return '2019-09';
  if (DRAFT_2020.includes(declared)) return '2020-12';
  return undefined;
}

function pointerToPath(base: string, pointer: string): string {
  if (!pointer) return base;
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (p, k) =>
        /^\d+$/.test(k)
          ? `${p}[${k}]`
          : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)
            ? `${p}.${k}`
            : `${p}[${JSON.stringify(k)}]`,
      base,
    );
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'is not a valid schema';
  const allowed =
    e.keyword === 'enum' && Array.isArray((e.params as { allowedValues?: unknown[] }).allowedValues)
      ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')})`
      : '';
  return `${e.message ?? 'is invalid'}${allowed}`;
}

/**
 * What {@link findJsonSchemaProblem} found for one schema, wherever it sits: nothing (`null`), or
 * the rule it broke and, for a meta-schema error, the JSON pointer of the offending value.
 */
export type SchemaVerdict = { readonly rule: string; readonly pointer?: string } | null;

/**
 * Verdicts kept between runs, by the schema's JSON text. Whoever keeps them must drop them when
 * this code or ajv changes (synthesis keys them with its code fingerprint).
 */
export interface SchemaVerdictMemo {
  get(schemaText: string): SchemaVerdict | undefined;
  put(schemaText: string, verdict: SchemaVerdict): void;
}

let verdictMemo: SchemaVerdictMemo | undefined;

/**
 * Runs `fn` with {@link findJsonSchemaProblem}'s verdicts read from and added to `memo`: a schema
 * seen before is neither checked against its meta-schema nor compiled (nor is ajv loaded).
 * `fn` must be synchronous; the memo is unset when it returns.
 */
export function withSchemaVerdictMemo<T>(memo: SchemaVerdictMemo | undefined, fn: () => T): T {
  const outer = verdictMemo;
  verdictMemo = memo;
  try {
    return fn();
  } finally {
    verdictMemo = outer;
  }
}

/**
 * Checks an embedded JSON Schema the way MockServer will use it: valid against its meta-schema
 * (draft-07 unless `$schema` names draft-06, 2019-09 or 2020-12), with compilable patterns and
 * resolvable local references. Schemas naming another `$schema` (e.g. draft-04) are left to
 * MockServer. Returns the first problem, with its JSON path, or undefined.
 */
export function findJsonSchemaProblem(
  site: SchemaSite,
): { path: string; value: unknown; rule: string } | undefined {
  const flavour = flavourOf(site.schema);
  if (!flavour) return undefined;
  const memo = verdictMemo;
  const text = memo && jsonText(site.schema);
  let verdict = text === undefined ? undefined : memo!.get(text);
  if (verdict === undefined) {
    verdict = checkSchema(flavour, site.schema as object);
    if (text !== undefined) memo!.put(text, verdict);
  }
  if (!verdict) return undefined;
  if (verdict.pointer === undefined)
    return { path: site.path, value: undefined, rule: verdict.rule };
  return {
    path: pointerToPath(site.path, verdict.pointer),
    value: valueAt(site.schema, verdict.pointer),
    rule: verdict.rule,
  };
}

/** The schema's JSON text, or undefined when it has none (then it is not remembered). */
function jsonText(schema: unknown): string | undefined {
  try {
    return JSON.stringify(schema);
  } catch {
    return undefined;
  }
}

function checkSchema(flavour: Flavour, schema: object): SchemaVerdict {
  const meta = validateAgainstMeta(flavour, schema);
  if (!meta.valid) {
    return {
      pointer: meta.errors?.[0]?.instancePath ?? '',
      rule: `must be a valid JSON Schema (${flavour}): ${describe(meta.errors)}`,
    };
  }
  const ajv = engine(flavour, !meta.precompiled);
  try {
    ajv.compile(schema);
  } catch (err) {
    const e = err as Error & { missingRef?: string };
    // A remote reference is fetched by MockServer when it loads the schema; it cannot be
    // checked here without the network.
    if (e.missingRef && /^https?:\/\//.test(e.missingRef)) return null;
    return { rule: `must be a usable JSON Schema (${flavour}): ${e.message}` };
  } finally {
    // Two matchers may share an $id; each is checked on its own.
    ajv.removeSchema(schema);
  }
  return null;
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof cur !== 'object' || cur === null || !Object.prototype.hasOwnProperty.call(cur, k))
      return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}
