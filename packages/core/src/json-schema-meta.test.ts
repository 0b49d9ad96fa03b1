import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AJV_OPTIONS,
  createAjv,
  findJsonSchemaProblem,
  Flavour,
  PRECOMPILED_META,
  PRECOMPILED_META_DIR,
  validateAgainstMeta,
} from './json-schema-check';

/** Schemas ajv accepts and refuses, for every keyword family the meta-schemas constrain. */
const CORPUS: unknown[] = [
  {},
  true,
  false,
  { type: 'string' },
  { type: ['string', 'null'] },
  { type: 'object', required: ['name'], properties: { name: { type: 'string' }, tag: {} } },
  { properties: { a: { type: 'integer', minimum: 0, exclusiveMaximum: 10 } } },
  { $ref: '#/definitions/x', definitions: { x: { type: 'number' } } },
  { if: { type: 'string' }, then: { minLength: 1 }, else: { type: 'number' } },
  { enum: [1, 'a', null] },
  { const: 3 },
  { items: [{ type: 'string' }], additionalItems: false },
  { items: { type: 'string' }, uniqueItems: true, minItems: 0, maxItems: 3 },
  { pattern: '^a', format: 'email', contentMediaType: 'application/json' },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'string' },
  { $schema: 'http://json-schema.org/draft-06/schema#', type: 'string' },
  { dependencies: { a: ['b'], c: { required: ['d'] } } },
  { contains: { type: 'number' }, propertyNames: { maxLength: 3 } },
  { patternProperties: { '^x-': {} }, additionalProperties: { type: 'boolean' } },
  { allOf: [{}, { type: 'string' }], anyOf: [{ type: 'string' }], oneOf: [{}], not: {} },
  { unknownKeyword: 5, title: 'T', description: 'D', default: 1, examples: [1] },
  { $id: 'http://example.com/s.json', $comment: 'c', readOnly: true },
  { type: 'strin' },
  { type: 5 },
  { type: ['string', 'string'] },
  { type: [] },
  { required: 'a' },
  { required: ['a', 'a'] },
  { minimum: '1' },
  { properties: { a: { type: 'nope' } } },
  { properties: [] },
  { items: 5 },
  { enum: 'a' },
  { additionalProperties: 'no' },
  { $ref: 5 },
  { maxLength: -1 },
  { minItems: 1.5 },
  { multipleOf: 0 },
  { definitions: { a: { type: 'x' } } },
  { allOf: [] },
  { anyOf: {} },
  { dependencies: { a: 5 } },
  { pattern: 5 },
  { format: 1 },
  { title: 2 },
  { not: 'x' },
  { if: 1 },
  { $id: 7 },
  { propertyNames: { type: 'nope' } },
  'a string',
  5,
  [],
];

function fromFixtures(): unknown[] {
  const out: unknown[] = [];
  const collect = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'jsonSchema' || k === 'schema')
          out.push(typeof x === 'string' ? safeParse(x) : x);
        collect(x);
      }
    }
  };
  const file = join(
    __dirname,
    '..',
    '..',
    '..',
    'stacks',
    'projects',
    'petstore',
    'expectations.json',
  );
  if (existsSync(file)) collect(JSON.parse(readFileSync(file, 'utf8')));
  return out.filter((s) => s !== undefined);
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

const flavours = Object.keys(PRECOMPILED_META) as Flavour[];

const isObject = (s: unknown): s is Record<string, unknown> =>
  typeof s === 'object' && s !== null && !Array.isArray(s);

/** `schema` as the check would hand it to `flavour`'s validator, or nothing if it never would. */
function asFlavour(schema: unknown, flavour: Flavour): unknown[] {
  const id = PRECOMPILED_META[flavour]!;
  if (!isObject(schema) || schema.$schema === undefined)
    return flavour === 'draft-07' ? [schema] : isObject(schema) ? [{ ...schema, $schema: id }] : [];
  return typeof schema.$schema === 'string' && schema.$schema.replace(/#$/, '') === id
    ? [schema]
    : [];
}

describe('the meta-schema validators compiled at build time', () => {
  it('exist for draft-07 and draft-06 after `pnpm build`', () => {
    expect(flavours.sort()).toEqual(['draft-06', 'draft-07']);
    for (const f of flavours) expect(existsSync(join(PRECOMPILED_META_DIR, `${f}.js`))).toBe(true);
  });

  const corpus = [...CORPUS, ...fromFixtures()];
  it.each(flavours)('agree with ajv on every schema of the corpus (%s)', (flavour) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const standalone = require(join(PRECOMPILED_META_DIR, `${flavour}.js`)) as ((
      s: unknown,
    ) => boolean) & { errors?: unknown };
    const ajv = createAjv(flavour, AJV_OPTIONS);
    let refused = 0;
    // The check picks the flavour from `$schema` (draft-07 when there is none), as ajv picks the
    // meta-schema: each validator sees the schemas that name its draft, or name none for draft-07.
    for (const schema of corpus.flatMap((s) => asFlavour(s, flavour))) {
      const valid = ajv.validateSchema(schema as object) as boolean;
      expect({ schema, valid: standalone(schema), errors: standalone.errors }).toEqual({
        schema,
        valid,
        errors: ajv.errors,
      });
      if (!valid) refused++;
    }
    expect(refused).toBeGreaterThan(20);
    expect(corpus.length - refused).toBeGreaterThan(15);
  });

  it('are what the check uses, except where ajv itself must answer', () => {
    expect(validateAgainstMeta('draft-07', { type: 'string' }).precompiled).toBe(true);
    expect(
      validateAgainstMeta('draft-06', { $schema: 'http://json-schema.org/draft-06/schema' })
        .precompiled,
    ).toBe(true);
    expect(validateAgainstMeta('2020-12', { type: 'string' }).precompiled).toBe(false);
    // ajv throws for a $schema that is not a string; the check keeps ajv's answer for it.
    expect(() => validateAgainstMeta('draft-07', { $schema: 5 })).toThrow(
      /\$schema must be a string/,
    );
  });

  it('leave the problems found as they were with ajv alone: meta-schema, patterns, references', () => {
    const reference = (schema: Record<string, unknown>): string | undefined => {
      const ajv = createAjv(
        String(schema.$schema).includes('draft-06') ? 'draft-06' : 'draft-07',
        AJV_OPTIONS,
      );
      if (!ajv.validateSchema(schema as object)) return ajv.errors?.[0]?.message;
      try {
        ajv.compile(schema as object);
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    };
    const cases = [
      ...CORPUS.filter(isObject),
      { type: 'string', pattern: '(' },
      { $ref: '#/definitions/nope' },
      { properties: { a: { $ref: '#/properties/b' } } },
    ];
    let problems = 0;
    for (const schema of cases) {
      const expected = reference(schema);
      const found = findJsonSchemaProblem({ path: '$', schema });
      if (expected === undefined) expect({ schema, found }).toEqual({ schema, found: undefined });
      else {
        problems++;
        expect({ schema, rule: found?.rule }).toEqual({
          schema,
          rule: expect.stringContaining(expected) as string,
        });
      }
    }
    expect(problems).toBeGreaterThan(20);
    // A remote reference is MockServer's to fetch.
    expect(
      findJsonSchemaProblem({ path: '$', schema: { $ref: 'https://example.com/x.json' } }),
    ).toBe(undefined);
  });
});
