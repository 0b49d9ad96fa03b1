import { defineEnvironment, type EnvironmentInput } from '../environment';
import { ConfigValidationError } from '../errors';
import { derivedRulePriority } from '../project';
import type { DatabaseResolved } from './database';
import { IssueCollector } from '../errors';
import {
  checkPgAdminAcrossWorkloads,
  PGADMIN_DEFAULTS,
  PGADMIN_IMAGE,
  PGADMIN_SCHEMA,
  pathPatternOverlaps,
  type PgAdminInput,
} from './pgadmin';
import type { ServiceInput } from './services';
import { defineWorkload, type WorkloadInput } from './workload';

const base: EnvironmentInput = {
  name: 'dev',
  accountId: '123456789012',
  region: 'eu-west-1',
  databaseSubnets: true,
};
const DEV = defineEnvironment(base);
const VPN = defineEnvironment({ ...base, controlPlaneCidrs: ['10.20.0.0/16'] });

const API: ServiceInput = {
  name: 'api',
  image: 'nginx:1.27',
  port: 8080,
  routing: { kind: 'shared', paths: ['/api/*'] },
};

function workload(pgAdmin: PgAdminInput, extra: Partial<WorkloadInput> = {}, env = DEV) {
  return defineWorkload(
    {
      name: 'ledger',
      environments: ['dev'],
      services: [API],
      database: { clients: ['api'], pgAdmin },
      ...extra,
    },
    env,
  );
}

const pgAdminOf = (w: ReturnType<typeof workload>) =>
  (w.sections.database as DatabaseResolved).pgAdmin!;

function problems(fn: () => unknown): { field: string; value: unknown; rule: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

const F = 'workload[dev/ledger].database.pgAdmin';

describe("the database section's pgAdmin", () => {
  test('its schema names exactly the input type keys, each with a description', () => {
    const every: Required<PgAdminInput> = {
      path: '/pgadmin',
      image: PGADMIN_IMAGE,
      email: 'dba@example.com',
      cpu: 256,
      memory: 512,
      priority: 100,
      access: { controlPlaneCidrs: [] },
    };
    const props = PGADMIN_SCHEMA.properties as Record<string, { description?: string }>;
    expect(Object.keys(props).sort()).toEqual(Object.keys(every).sort());
    for (const k of Object.keys(props))
      expect([k, typeof props[k]!.description]).toEqual([k, 'string']);
  });

  test('defaults: /pgadmin, a pinned release tag, 256/512, the environment CIDRs, derived priority', () => {
    expect(PGADMIN_IMAGE).toMatch(/^dpage\/pgadmin4:\d+\.\d+$/);
    const p = pgAdminOf(workload({ email: 'dba@example.com' }, {}, VPN));
    expect(p).toEqual({
      path: '/pgadmin',
      pathPatterns: ['/pgadmin', '/pgadmin/*'],
      healthCheckPath: '/pgadmin/misc/ping',
      image: PGADMIN_IMAGE,
      email: 'dba@example.com',
      cpu: PGADMIN_DEFAULTS.cpu,
      memory: PGADMIN_DEFAULTS.memory,
      priority: derivedRulePriority('ledger#pgadmin'),
      controlPlaneCidrs: ['10.20.0.0/16'],
      passwordSecretName: 'automock/dev/ledger/pgadmin/login-password',
      tokenSecretName: 'automock/dev/ledger/pgadmin/control-token',
      targetGroupName: 'automock-dev-ledger-pgadmin',
    });
  });

  test('its own path, size and CIDRs; the longest workload name still makes a 32-character target group', () => {
    const p = pgAdminOf(
      workload({
        email: 'dba@example.com',
        path: '/ops/db-admin',
        cpu: 512,
        memory: 1024,
        access: { controlPlaneCidrs: ['192.0.2.0/24'] },
      }),
    );
    expect(p).toEqual(
      expect.objectContaining({
        pathPatterns: ['/ops/db-admin', '/ops/db-admin/*'],
        healthCheckPath: '/ops/db-admin/misc/ping',
        cpu: 512,
        memory: 1024,
        controlPlaneCidrs: ['192.0.2.0/24'],
      }),
    );
    const long = defineWorkload(
      {
        name: 'a'.repeat(24),
        environments: ['dev'],
        database: { pgAdmin: { email: 'dba@example.com' } },
      },
      DEV,
    );
    expect(
      (long.sections.database as DatabaseResolved).pgAdmin!.targetGroupName.length,
    ).toBeLessThanOrEqual(32);
  });

  test('email is required and must be an address', () => {
    expect(problems(() => workload({} as PgAdminInput))).toEqual([
      { field: `${F}.email`, value: undefined, rule: 'is required' },
    ]);
    expect(problems(() => workload({ email: 'dba-at-example' }))).toEqual([
      {
        field: `${F}.email`,
        value: 'dba-at-example',
        rule: expect.stringMatching(/must be an email address/),
      },
    ]);
  });

  test('a workload on a dedicated network has no shared ALB: field/value/rule', () => {
    expect(
      problems(() => workload({ email: 'dba@example.com' }, { network: 'dedicated' })),
    ).toEqual(
      expect.arrayContaining([
        {
          field: F,
          value: 'pgAdmin',
          rule: expect.stringMatching(/needs the environment's shared ALB.*network 'dedicated'/),
        },
      ]),
    );
  });

  test('the path is a prefix like an ALB path pattern: wildcards, trailing slash, upper case refused', () => {
    for (const path of ['/pg*', '/pgadmin/', 'pgadmin', '/PgAdmin', '/a//b', `/${'a'.repeat(126)}`])
      expect([path, problems(() => workload({ email: 'dba@example.com', path }))]).toEqual([
        path,
        [expect.objectContaining({ field: `${F}.path`, value: path })],
      ]);
  });

  test("the path must not overlap a shared service's path", () => {
    const services: ServiceInput[] = [
      API,
      {
        name: 'web',
        image: 'nginx:1.27',
        port: 80,
        routing: { kind: 'shared', paths: ['/static/*', '/pgadmin*'] },
      },
    ];
    expect(problems(() => workload({ email: 'dba@example.com' }, { services }))).toEqual([
      {
        field: `${F}.path`,
        value: '/pgadmin',
        rule: expect.stringMatching(
          /must not overlap service web's path \/pgadmin\* \(workload\[dev\/ledger\]\.services\[1\]\.routing\.paths\[1\]\)/,
        ),
      },
    ]);
    // A service at another path, or a catch-all, is fine.
    expect(() => workload({ email: 'dba@example.com', path: '/db' })).not.toThrow();
    expect(pathPatternOverlaps('/*', '/pgadmin')).toBe(false);
    expect(pathPatternOverlaps('/pgadmin/browser/*', '/pgadmin')).toBe(true);
    expect(pathPatternOverlaps('/pgadmin', '/pgadmin')).toBe(true);
    expect(pathPatternOverlaps('/pgadmin2/*', '/pgadmin')).toBe(false);
    expect(pathPatternOverlaps('/p?admin/*', '/pgadmin')).toBe(true);
  });

  test("the rule priority must stay a block away from the services' priorities", () => {
    const priority = derivedRulePriority('ledger/api');
    expect(problems(() => workload({ email: 'dba@example.com', priority: priority + 3 }))).toEqual([
      {
        field: `${F}.priority`,
        value: priority + 3,
        rule: expect.stringMatching(/must be at least 10 away from service api's rule priority/),
      },
    ]);
  });

  test('the image must name a tag or a digest (a bare repository floats to latest)', () => {
    for (const image of ['dpage/pgadmin4', 'registry.example.com:5000/pgadmin4'])
      expect([image, problems(() => workload({ email: 'dba@example.com', image }))]).toEqual([
        image,
        [expect.objectContaining({ field: `${F}.image`, value: image })],
      ]);
    const digest = `dpage/pgadmin4:9.11@sha256:${'ab'.repeat(32)}`;
    expect(pgAdminOf(workload({ email: 'dba@example.com', image: digest })).image).toBe(digest);
  });

  test('the Fargate size must be a valid pair', () => {
    expect(problems(() => workload({ email: 'dba@example.com', cpu: 256, memory: 4096 }))).toEqual([
      {
        field: `${F}.memory`,
        value: 4096,
        rule: "must be one of 512, 1024, 2048 MiB with cpu 256 (Fargate's task sizes)",
      },
    ]);
  });

  test('control-plane CIDRs: never the internet, network addresses only', () => {
    expect(
      problems(() =>
        workload({ email: 'dba@example.com', access: { controlPlaneCidrs: ['0.0.0.0/0'] } }),
      ),
    ).toEqual([
      expect.objectContaining({
        field: `${F}.access.controlPlaneCidrs[0]`,
        value: '0.0.0.0/0',
        rule: expect.stringMatching(/must not cover the internet/),
      }),
    ]);
    expect(
      problems(() =>
        workload({ email: 'dba@example.com', access: { controlPlaneCidrs: ['10.0.0.1/16'] } }),
      ),
    ).toEqual([expect.objectContaining({ field: `${F}.access.controlPlaneCidrs[0]` })]);
  });

  test("a service named pgadmin or a secret of pgAdmin's names is refused", () => {
    const services: ServiceInput[] = [{ name: 'pgadmin', image: 'nginx:1.27' }];
    expect(problems(() => workload({ email: 'dba@example.com' }, { services }))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: F,
          value: 'pgadmin',
          rule: expect.stringMatching(/rename the service pgadmin/),
        }),
      ]),
    );
    expect(
      problems(() =>
        workload({ email: 'dba@example.com' }, { secrets: [{ name: 'pgadmin/login-password' }] }),
      ),
    ).toEqual([expect.objectContaining({ field: F, value: 'pgadmin/login-password' })]);
  });

  describe('against the other workloads of the environment (one shared listener)', () => {
    const define = (name: string, extra: Partial<WorkloadInput>) =>
      defineWorkload({ name, environments: ['dev'], ...extra } as WorkloadInput, DEV);
    const across = (...ws: ReturnType<typeof define>[]) => {
      const issues = new IssueCollector();
      checkPgAdminAcrossWorkloads(issues, ws);
      return issues.issues.map((i) => [i.field, i.value, i.rule]);
    };

    test("the same path as another workload's pgAdmin, or one under it, is refused on both sides", () => {
      const a = define('ledger', { database: { pgAdmin: { email: 'a@example.com' } } });
      const b = define('books', { database: { pgAdmin: { email: 'b@example.com' } } });
      expect(across(a, b)).toEqual([
        [
          'workload[dev/ledger].database.pgAdmin.path',
          '/pgadmin',
          expect.stringMatching(
            /must not overlap workload books's pgAdmin path \/pgadmin on dev's shared ALB/,
          ),
        ],
        [
          'workload[dev/books].database.pgAdmin.path',
          '/pgadmin',
          expect.stringMatching(/workload ledger's pgAdmin/),
        ],
      ]);
      const nested = define('books', {
        database: { pgAdmin: { email: 'b@example.com', path: '/pgadmin/books' } },
      });
      expect(across(a, nested).map(([f]) => f)).toEqual([
        'workload[dev/ledger].database.pgAdmin.path',
        'workload[dev/books].database.pgAdmin.path',
      ]);
      const apart = define('books', {
        database: { pgAdmin: { email: 'b@example.com', path: '/books/pgadmin' } },
      });
      expect(across(a, apart)).toEqual([]);
    });

    test("a path another workload's shared service takes, or a rule priority in its block, is refused", () => {
      const a = define('ledger', { database: { pgAdmin: { email: 'a@example.com' } } });
      const shop = define('shop', {
        services: [
          {
            name: 'admin',
            image: 'img:1',
            port: 80,
            routing: { kind: 'shared', paths: ['/pgadmin/*'] },
          },
        ],
      });
      expect(across(a, shop)).toEqual([
        [
          'workload[dev/ledger].database.pgAdmin.path',
          '/pgadmin',
          expect.stringMatching(/workload shop's service admin path \/pgadmin\/\*/),
        ],
      ]);
      const p = pgAdminOf(a).priority;
      const close = define('shop', {
        services: [
          {
            name: 'api',
            image: 'img:1',
            port: 80,
            routing: { kind: 'shared', paths: ['/shop/*'], priority: p + 5 },
          },
        ],
      });
      expect(across(a, close)).toEqual([
        [
          'workload[dev/ledger].database.pgAdmin.priority',
          p,
          expect.stringMatching(
            /must be at least 10 away from workload shop's service api rule priority/,
          ),
        ],
      ]);
      // Another environment's listener, or a workload on a network of its own, is not shared.
      const staging = defineWorkload(
        {
          name: 'shop',
          environments: ['staging'],
          services: [
            {
              name: 'admin',
              image: 'img:1',
              port: 80,
              routing: { kind: 'shared', paths: ['/pgadmin/*'] },
            },
          ],
        },
        defineEnvironment({ ...base, name: 'staging' }),
      );
      expect(across(a, staging)).toEqual([]);
    });
  });
});
