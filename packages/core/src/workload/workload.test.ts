import { defineEnvironment, Environment } from '../environment';
import { ConfigValidationError } from '../errors';
import { findJsonSchemaProblem } from '../json-schema-check';
import { workloadJsonSchema } from './schema';
import type { WorkloadSection } from './section';
import { WORKLOAD_SECTIONS } from './sections';
import {
  defineWorkload,
  fieldPath,
  fieldSegments,
  loadWorkloadYaml,
  WorkloadInput,
} from './workload';

const env: Environment = defineEnvironment({
  name: 'dev',
  accountId: '123456789012',
  region: 'eu-west-1',
  vpcCidr: '10.10.0.0/16',
  maxTtlHours: 72,
});

interface WidgetsInput {
  readonly items: { readonly name: string; readonly uses?: string }[];
}

/** A test-only section: named items that may refer to each other or to gadgets. */
const widgets: WorkloadSection<WidgetsInput, { names: string[] }> = {
  key: 'widgets',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', pattern: '^[a-z]+$' },
            uses: { type: 'string' },
          },
        },
      },
    },
  },
  declares: (input, field) =>
    Array.isArray((input as WidgetsInput | undefined)?.items)
      ? (input as WidgetsInput).items.map((w, i) => ({
          kind: 'widget',
          name: String(w?.name),
          field: `${field}.items[${i}].name`,
        }))
      : [],
  resolve: (input, ctx) => {
    const before = ctx.issues.issues.length;
    input.items.forEach((w, i) => {
      if (w.uses !== undefined && !ctx.declared('gadget', w.uses))
        ctx.issues.add(
          `${ctx.field}.items[${i}].uses`,
          w.uses,
          'must name a gadget of the workload',
        );
    });
    return ctx.issues.issues.length === before
      ? { names: input.items.map((w) => w.name) }
      : undefined;
  },
};

const gadgets: WorkloadSection<string[], string[]> = {
  key: 'gadgets',
  schema: { type: 'array', items: { type: 'string' } },
  declares: (input, field) =>
    Array.isArray(input)
      ? input.map((n, i) => ({ kind: 'gadget', name: String(n), field: `${field}[${i}]` }))
      : [],
  resolve: (input) => [...input],
};

const sections = [widgets, gadgets];

function problems(fn: () => unknown): { field: string; value: unknown; rule: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

const valid = {
  name: 'shop',
  environments: ['dev', 'prod'],
  widgets: { items: [{ name: 'a', uses: 'g' }] },
  gadgets: ['g'],
} as unknown as WorkloadInput;

describe('defineWorkload', () => {
  it('fills in defaults and resolves each section', () => {
    const w = defineWorkload(valid, env, { sections });
    expect(w).toMatchObject({
      name: 'shop',
      env,
      environments: ['dev', 'prod'],
      network: 'shared',
      ephemeral: false,
      ttlHours: 0,
      tags: {},
      suppressions: [],
      sections: { widgets: { names: ['a'] }, gadgets: ['g'] },
    });
  });

  it('gives an ephemeral workload the environment TTL and holds it to the cap', () => {
    const input = { ...valid, ephemeral: true } as WorkloadInput;
    expect(defineWorkload(input, env, { sections }).ttlHours).toBe(env.defaultTtlHours);
    expect(problems(() => defineWorkload({ ...input, ttlHours: 0 }, env, { sections }))).toEqual([
      expect.objectContaining({ field: 'workload[dev/shop].ttlHours', value: 0 }),
    ]);
  });

  it('reports an unknown key at any level, with the allowed keys', () => {
    const issues = problems(() =>
      defineWorkload(
        {
          ...valid,
          colour: 'red',
          widgets: { items: [{ name: 'a', size: 3 }] },
        } as unknown as WorkloadInput,
        env,
        { sections },
      ),
    );
    expect(issues).toEqual([
      {
        field: 'workload[dev/shop].colour',
        value: 'red',
        rule: expect.stringMatching(
          /^is not a known key \(allowed: name, environments, .*widgets, gadgets\)$/,
        ),
      },
      {
        field: 'workload[dev/shop].widgets.items[0].size',
        value: 3,
        rule: 'is not a known key (allowed: name, uses)',
      },
    ]);
  });

  it('reports wrong types, missing keys, a duplicate name and a dangling reference at once', () => {
    const issues = problems(() =>
      defineWorkload(
        {
          name: 'shop',
          environments: ['dev'],
          network: 'private',
          ttlHours: 'soon',
          tags: { 'automock:owner': 'x' },
          widgets: { items: [{ name: 'a', uses: 'nothing' }, { name: 'a' }] },
          gadgets: ['a', 7],
        } as unknown as WorkloadInput,
        env,
        { sections },
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          field: 'workload[dev/shop].network',
          value: 'private',
          rule: 'must be one of "shared", "dedicated"',
        },
        { field: 'workload[dev/shop].ttlHours', value: 'soon', rule: 'must be of type integer' },
        expect.objectContaining({
          field: 'workload[dev/shop].tags.automock:owner',
          rule: expect.stringContaining('reserved'),
        }),
        { field: 'workload[dev/shop].gadgets[1]', value: 7, rule: 'must be of type string' },
        {
          field: 'workload[dev/shop].widgets.items[1].name',
          value: 'a',
          rule: 'must be unique: widget "a" is already declared at workload[dev/shop].widgets.items[0].name',
        },
        {
          field: 'workload[dev/shop].widgets.items[0].uses',
          value: 'nothing',
          rule: 'must name a gadget of the workload',
        },
      ]),
    );
    expect(issues).toHaveLength(6);
  });

  it('sees declarations of other kinds as distinct names', () => {
    // widget "a" and gadget "a" are different kinds: no duplicate.
    expect(() =>
      defineWorkload({ ...valid, gadgets: ['a', 'g'] } as unknown as WorkloadInput, env, {
        sections,
      }),
    ).not.toThrow();
  });

  it('requires the environment to be one of the workload environments, and a section', () => {
    const issues = problems(() =>
      defineWorkload({ name: 'shop', environments: ['prod'] }, env, { sections }),
    );
    expect(issues).toEqual([
      {
        field: 'workload[dev/shop].environments',
        value: ['prod'],
        rule: 'must include dev to be defined for environment dev',
      },
      {
        field: 'workload[dev/shop]',
        value: [],
        rule: expect.stringMatching(/^must declare at least one section \(widgets, gadgets\)/),
      },
    ]);
  });

  it('reports a missing name and environments and a name AWS names cannot carry', () => {
    expect(problems(() => defineWorkload({} as WorkloadInput, env, { sections }))).toEqual(
      expect.arrayContaining([
        { field: 'workload[dev/?].name', value: undefined, rule: 'is required' },
        { field: 'workload[dev/?].environments', value: undefined, rule: 'is required' },
      ]),
    );
    expect(
      problems(() =>
        defineWorkload({ ...valid, name: 'Shop_1' } as WorkloadInput, env, { sections }),
      ),
    ).toEqual([expect.objectContaining({ field: 'workload[dev/Shop_1].name', value: 'Shop_1' })]);
  });

  it('uses the registered sections by default, where a test-only key is unknown', () => {
    expect(WORKLOAD_SECTIONS.some((s) => s.key === 'widgets')).toBe(false);
    expect(problems(() => defineWorkload(valid, env))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'workload[dev/shop].widgets',
          rule: expect.stringMatching(/^is not a known key/),
        }),
      ]),
    );
  });
});

describe('loadWorkloadYaml', () => {
  const yaml = [
    '# yaml-language-server: $schema=./workload.schema.json',
    'name: shop',
    'environments: [dev]',
    'widgets:',
    '  items:',
    '    - name: a',
    '      uses: nothing',
    '      colour: red',
    'gadgets: [g]',
    '',
  ].join('\n');

  it('defines the same workload as its TypeScript twin', () => {
    const text =
      'name: shop\nenvironments: [dev, prod]\nwidgets:\n  items:\n    - { name: a, uses: g }\ngadgets: [g]\n';
    expect(loadWorkloadYaml({ text, path: 'shop.yaml' }, env, { sections })).toEqual(
      defineWorkload(valid, env, { sections }),
    );
  });

  it('reports every problem with its line, and nothing else', () => {
    expect(
      problems(() => loadWorkloadYaml({ text: yaml, path: 'shop.yaml' }, env, { sections })),
    ).toEqual([
      {
        field: 'workload[dev/shop].widgets.items[0].colour',
        value: 'red',
        rule: 'is not a known key (allowed: name, uses) (shop.yaml:8)',
      },
    ]);
    // Without the unknown key, the reference is resolved and reported.
    const fixed = yaml.replace('      colour: red\n', '');
    expect(
      problems(() => loadWorkloadYaml({ text: fixed, path: 'shop.yaml' }, env, { sections })),
    ).toEqual([
      {
        field: 'workload[dev/shop].widgets.items[0].uses',
        value: 'nothing',
        rule: 'must name a gadget of the workload (shop.yaml:7)',
      },
    ]);
  });

  it('reports a syntax error and an unreadable file', () => {
    expect(
      problems(() => loadWorkloadYaml({ text: 'name: [shop\n', path: 'bad.yaml' }, env)),
    ).toEqual([
      expect.objectContaining({
        field: 'workload file bad.yaml',
        rule: expect.stringMatching(/^must be valid YAML/),
      }),
    ]);
    expect(problems(() => loadWorkloadYaml('/nonexistent/shop.yaml', env))).toEqual([
      expect.objectContaining({ rule: 'must be a readable file (ENOENT)' }),
    ]);
  });

  it('rejects duplicate keys', () => {
    expect(
      problems(() =>
        loadWorkloadYaml({ text: 'name: a\nname: b\nenvironments: [dev]\n', path: 'd.yaml' }, env),
      ),
    ).toEqual([expect.objectContaining({ rule: expect.stringMatching(/unique/i) })]);
  });
});

describe('workloadJsonSchema', () => {
  it("is valid draft-07 with each section's schema under its key", () => {
    const schema = workloadJsonSchema(sections) as { properties: Record<string, unknown> };
    expect(findJsonSchemaProblem({ path: '$', schema })).toBeUndefined();
    expect(schema.properties.widgets).toBe(widgets.schema);
    expect(findJsonSchemaProblem({ path: '$', schema: workloadJsonSchema() })).toBeUndefined();
  });
});

describe('field paths', () => {
  it('round-trips segments', () => {
    const segs = ['a', 0, 'x y', 'b_c', 12];
    const f = fieldPath('workload[dev/x]', segs);
    expect(f).toBe('workload[dev/x].a[0]["x y"].b_c[12]');
    expect(fieldSegments('workload[dev/x]', f)).toEqual(segs);
  });
});
