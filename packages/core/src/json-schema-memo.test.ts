import {
  findJsonSchemaProblem,
  SchemaVerdict,
  SchemaVerdictMemo,
  withSchemaVerdictMemo,
} from './json-schema-check';

function mapMemo(): SchemaVerdictMemo & { readonly map: Map<string, SchemaVerdict> } {
  const map = new Map<string, SchemaVerdict>();
  return { map, get: (t) => map.get(t), put: (t, v) => void map.set(t, v) };
}

// Invalid against the meta-schema (deep inside), not compilable, fine, and remote.
const SCHEMAS: readonly unknown[] = [
  { type: 'object', properties: { id: { type: 'integer', minimum: 'zero' } } },
  { type: 'string', pattern: '(' },
  { $ref: '#/definitions/nope' },
  { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
  { $ref: 'https://example.com/x.json' },
  { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', items: false },
  { $schema: 'http://json-schema.org/draft-04/schema#', type: 42 },
];

describe('remembered JSON Schema verdicts', () => {
  it('give what a fresh check gives, at any site, on first sight and from the memo', () => {
    const memo = mapMemo();
    const sites = ['$[0].httpRequest.body.jsonSchema', '$[3].httpResponse.body.jsonSchema'];
    for (const path of sites) {
      for (const schema of SCHEMAS) {
        const fresh = findJsonSchemaProblem({ path, schema });
        expect(withSchemaVerdictMemo(memo, () => findJsonSchemaProblem({ path, schema }))).toEqual(
          fresh,
        );
      }
    }
    // draft-04 is left to MockServer and never checked, so never remembered.
    expect(memo.map.size).toBe(SCHEMAS.length - 1);
    const deep = findJsonSchemaProblem({ path: sites[1]!, schema: SCHEMAS[0] });
    expect(deep).toEqual({
      path: `${sites[1]}.properties.id.minimum`,
      value: 'zero',
      rule: expect.stringContaining('must be number') as string,
    });
  });

  it('are read from the memo instead of checking again, and only while it is set', () => {
    const memo = mapMemo();
    const schema = { type: 'string' };
    memo.put(JSON.stringify(schema), { rule: 'remembered', pointer: '/type' });
    const site = { path: '$.s', schema };
    expect(withSchemaVerdictMemo(memo, () => findJsonSchemaProblem(site))).toEqual({
      path: '$.s.type',
      value: 'string',
      rule: 'remembered',
    });
    expect(findJsonSchemaProblem(site)).toBeUndefined();
    expect(() =>
      withSchemaVerdictMemo(memo, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(findJsonSchemaProblem(site)).toBeUndefined();
  });
});
