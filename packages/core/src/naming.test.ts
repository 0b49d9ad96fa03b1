import { NAME_RULES, ResourceKind, resourceName } from './naming';

describe('resourceName', () => {
  it('keeps short names readable', () => {
    expect(resourceName('alb', { prefix: 'automock', env: 'dev', project: 'petstore' })).toBe(
      'automock-dev-petstore',
    );
    expect(
      resourceName('logGroup', {
        prefix: 'ecs',
        env: 'automock',
        project: 'petstore',
        kind: 'mockserver',
      }),
    ).toBe('/ecs/automock/petstore/mockserver');
  });

  it('lower-cases and cleans S3 names', () => {
    expect(
      resourceName('s3Bucket', {
        prefix: 'AutoMock',
        env: 'dev',
        project: 'Pet_Store',
        kind: 'config',
      }),
    ).toBe('automock-dev-pet-store-config');
  });

  it('keeps 200 random long names legal and distinct for every kind', () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const word = (n: number) =>
      Array.from(
        { length: n },
        () => 'abcdefghijklmnopqrstuvwxyz0123456789-'[Math.floor(rand() * 37)],
      ).join('');
    const inputs = Array.from({ length: 200 }, (_, i) => ({
      prefix: 'automock',
      env: `e${word(4 + (i % 8))}`,
      project: `p${word(30 + Math.floor(rand() * 40))}`,
      kind: ['alb', 'api-tg', 'config', 'task-role'][i % 4]!,
    }));
    for (const kind of Object.keys(NAME_RULES) as ResourceKind[]) {
      const rule = NAME_RULES[kind];
      const names = inputs.map((p) => resourceName(kind, p));
      for (const n of names) {
        expect(n.length).toBeLessThanOrEqual(rule.max);
        expect(n).not.toMatch(/^-|-$/);
        if (kind === 's3Bucket') expect(n).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
        if (kind === 'alb' || kind === 'targetGroup') expect(n).toMatch(/^[A-Za-z0-9-]+$/);
      }
      expect(new Set(names).size).toBe(names.length);
      // deterministic
      expect(inputs.map((p) => resourceName(kind, p))).toEqual(names);
    }
  });

  it('two long names that share a long prefix still differ', () => {
    const a = resourceName('targetGroup', {
      prefix: 'automock',
      env: 'staging',
      project: 'a-very-long-project-name-number-one',
      kind: 'api',
    });
    const b = resourceName('targetGroup', {
      prefix: 'automock',
      env: 'staging',
      project: 'a-very-long-project-name-number-one',
      kind: 'dash',
    });
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(32);
  });
});
