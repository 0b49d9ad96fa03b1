import Ajv from 'ajv';
import { defineEnvironment, type Environment } from '../environment';
import { ConfigValidationError, IssueCollector } from '../errors';
import {
  albPathsCover,
  apiOnlyServices,
  corsOriginProblem,
  defaultApiPath,
  type HttpApi,
  type HttpApiAccessLogsInput,
  type HttpApiAuthorizerInput,
  type HttpApiCorsInput,
  type HttpApiDomainInput,
  type HttpApiInput,
  type HttpApiRouteInput,
  httpApiSection,
  type HttpApiThrottlingInput,
} from './http-api';
import type { IdentityInput } from './identity';
import type { ServiceInput } from './services';
import { defineWorkload, type WorkloadInput } from './workload';

const DEV = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'eu-west-1' });
const STAGE = defineEnvironment({
  name: 'stage',
  accountId: '123456789012',
  region: 'eu-west-1',
  logRetentionDays: 90,
  domain: { name: 'stage.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
});

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(httpApiSection.schema);
const schemaErrors = (v: unknown) =>
  validate(v) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);

const BACKEND: ServiceInput = {
  name: 'backend',
  image: 'nginx:1.27',
  port: 8080,
  routing: { kind: 'shared', paths: ['/myapp', '/myapp/*'] },
};
const ORDERS: ServiceInput = {
  name: 'orders',
  image: 'nginx:1.27',
  port: 8080,
  routing: { kind: 'shared', paths: ['/orders*'] },
};
const WORKER: ServiceInput = {
  name: 'worker',
  image: 'nginx:1.27',
  port: 3000,
  routing: { kind: 'internal' },
};
const IDENTITY: IdentityInput = { clients: [{ name: 'web' }, { name: 'cli' }] };

function define(
  httpApi: HttpApiInput,
  extra: Partial<WorkloadInput> = {},
  env: Environment = DEV,
): HttpApi {
  expect(schemaErrors(httpApi)).toEqual([]);
  const w = defineWorkload(
    {
      name: 'shop',
      environments: [env.name],
      services: [BACKEND, ORDERS, WORKER],
      httpApi,
      ...extra,
    },
    env,
  );
  return w.sections.httpApi as HttpApi;
}

function problems(
  httpApi: HttpApiInput,
  extra: Partial<WorkloadInput> = {},
  env: Environment = DEV,
): { field: string; value: unknown; rule: string }[] {
  try {
    define(httpApi, extra, env);
  } catch (e) {
    if (e instanceof ConfigValidationError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

const F = 'workload[dev/shop].httpApi';

const props = (node: any, ...path: string[]) => {
  for (const p of path) {
    node = node.properties[p];
    if (node.type === 'array') node = node.items;
  }
  return Object.keys(node.properties).sort();
};

describe('httpApi section', () => {
  test('its schema names exactly the input type keys, each with a description', () => {
    const every: Required<HttpApiInput> = {
      routes: [],
      authorizer: { userPool: 'users' },
      throttling: {},
      accessLogs: {},
      domain: {},
      cors: { allowOrigins: ['*'] },
    };
    const route: Required<HttpApiRouteInput> = { service: 'a', path: '/a', direct: true };
    const authorizer: Required<HttpApiAuthorizerInput> = {
      userPool: 'users',
      clients: ['web'],
      scopes: [],
    };
    const throttling: Required<HttpApiThrottlingInput> = { burstLimit: 1, rateLimit: 1 };
    const logs: Required<HttpApiAccessLogsInput> = { retentionDays: 30 };
    const domain: Required<HttpApiDomainInput> = { enabled: true, prefix: 'api' };
    const cors: Required<HttpApiCorsInput> = {
      allowOrigins: ['*'],
      allowMethods: ['GET'],
      allowHeaders: [],
      exposeHeaders: [],
      maxAgeSeconds: 0,
      allowCredentials: false,
    };
    const schema = httpApiSection.schema as any;
    expect(props(schema)).toEqual(Object.keys(every).sort());
    expect(props(schema, 'routes')).toEqual(Object.keys(route).sort());
    expect(props(schema, 'authorizer')).toEqual(Object.keys(authorizer).sort());
    expect(props(schema, 'throttling')).toEqual(Object.keys(throttling).sort());
    expect(props(schema, 'accessLogs')).toEqual(Object.keys(logs).sort());
    expect(props(schema, 'domain')).toEqual(Object.keys(domain).sort());
    expect(props(schema, 'cors')).toEqual(Object.keys(cors).sort());
    for (const k of Object.keys(schema.properties))
      expect([k, typeof schema.properties[k].description]).toEqual([k, 'string']);
  });

  test('defaults: every path-routed shared service at its ALB prefix, throttled 100/50, logs kept as the environment keeps them', () => {
    const api = define({});
    expect(api).toEqual({
      name: 'automock-dev-shop',
      stageName: '$default',
      routes: [
        {
          service: 'backend',
          path: '/myapp',
          routeKeys: ['ANY /myapp', 'ANY /myapp/{proxy+}'],
          direct: false,
        },
        // `/orders*` is no `/<prefix>/*` path: the default is /<service>, which it matches
        {
          service: 'orders',
          path: '/orders',
          routeKeys: ['ANY /orders', 'ANY /orders/{proxy+}'],
          direct: false,
        },
      ],
      throttling: { burstLimit: 100, rateLimit: 50 },
      accessLogs: { retentionDays: DEV.logRetentionDays },
    });
  });

  test('an explicit route names the path; its service must match it on the ALB', () => {
    expect(define({ routes: [{ service: 'orders', path: '/orders/v1' }] }).routes).toEqual([
      {
        service: 'orders',
        path: '/orders/v1',
        routeKeys: ['ANY /orders/v1', 'ANY /orders/v1/{proxy+}'],
        direct: false,
      },
    ]);
    const [p] = problems({ routes: [{ service: 'backend', path: '/backend' }] });
    expect(p).toEqual({
      field: `${F}.routes[0].path`,
      value: '/backend',
      rule: expect.stringMatching(/forwards the request path unchanged/),
    });
  });

  test('a route may leave its service open on the ALB (direct); routes of one service agree', () => {
    const api = define({
      routes: [
        { service: 'orders', path: '/orders', direct: true },
        { service: 'orders', path: '/orders/v2', direct: true },
        { service: 'backend' },
      ],
    });
    expect(api.routes.map((r) => [r.service, r.direct])).toEqual([
      ['orders', true],
      ['orders', true],
      ['backend', false],
    ]);
    expect([...apiOnlyServices(api)]).toEqual(['backend']);
    expect(
      problems({
        routes: [
          { service: 'orders', path: '/orders' },
          { service: 'orders', path: '/orders/v2', direct: true },
        ],
      }),
    ).toEqual([
      {
        field: `${F}.routes[1].direct`,
        value: true,
        rule: expect.stringMatching(/must be false like the other route of service orders/),
      },
    ]);
  });

  test('a VPC-only service leaves room in its ALB rule for the source-ip value (5 condition values)', () => {
    const many: ServiceInput = {
      ...ORDERS,
      routing: { kind: 'shared', paths: ['/orders', '/orders/*', '/o1', '/o2', '/o3'] },
    };
    expect(problems({ routes: [{ service: 'orders' }] }, { services: [many] })).toEqual([
      {
        field: `${F}.routes[0].direct`,
        value: undefined,
        rule: expect.stringMatching(/at most 4 routing\.paths.*it has 5 paths/),
      },
    ]);
    expect(
      define({ routes: [{ service: 'orders', direct: true }] }, { services: [many] }).routes,
    ).toHaveLength(1);
  });

  test('a route to an internal service or a worker is refused, naming the rule', () => {
    expect(problems({ routes: [{ service: 'worker' }] })).toEqual([
      {
        field: `${F}.routes[0].service`,
        value: 'worker',
        rule: expect.stringMatching(/routed on the environment's shared ALB.*worker is internal/),
      },
    ]);
  });

  test('a route to a service with host rules is refused (API Gateway rewrites the Host header)', () => {
    const hosted: ServiceInput = {
      ...ORDERS,
      routing: { kind: 'shared', hosts: ['orders.example.com'], paths: ['/orders*'] },
    };
    expect(problems({ routes: [{ service: 'orders' }] }, { services: [BACKEND, hosted] })).toEqual([
      {
        field: `${F}.routes[0].service`,
        value: 'orders',
        rule: expect.stringMatching(/Host header/),
      },
    ]);
    // ...and left out of the default routes
    expect(define({}, { services: [BACKEND, hosted] }).routes.map((r) => r.service)).toEqual([
      'backend',
    ]);
  });

  test('a route to an undeclared service is refused', () => {
    expect(problems({ routes: [{ service: 'nope' }] })).toEqual([
      {
        field: `${F}.routes[0].service`,
        value: 'nope',
        rule: 'must name a service of the workload',
      },
    ]);
  });

  test('two routes on one path are refused', () => {
    expect(
      problems({
        routes: [
          { service: 'orders', path: '/orders' },
          { service: 'orders', path: '/orders' },
        ],
      }),
    ).toEqual([
      {
        field: `${F}.routes[1].path`,
        value: '/orders',
        rule: 'must be unique: routes[0] already answers on /orders',
      },
    ]);
  });

  test('without routes, a workload with nothing on the shared ALB is told to name them', () => {
    expect(problems({}, { services: [WORKER] })).toEqual([
      { field: `${F}.routes`, value: undefined, rule: expect.stringMatching(/must be given/) },
    ]);
  });

  test('a default route whose ALB paths miss the default API path is reported', () => {
    const odd: ServiceInput = { ...ORDERS, routing: { kind: 'shared', paths: ['/api/orders'] } };
    expect(problems({}, { services: [odd] })).toEqual([
      {
        field: `${F}.routes`,
        value: undefined,
        rule: expect.stringMatching(/must be given for service orders.*\/orders and \/orders\/\*/),
      },
    ]);
  });

  test('the authorizer takes every client of the pool by default, or the ones named', () => {
    expect(
      define({ authorizer: { userPool: 'users' } }, { identity: IDENTITY }).authorizer,
    ).toEqual({ userPool: 'users', clients: ['web', 'cli'], scopes: [] });
    expect(
      define(
        { authorizer: { userPool: 'users', clients: ['web'], scopes: ['openid'] } },
        { identity: IDENTITY },
      ).authorizer,
    ).toEqual({ userPool: 'users', clients: ['web'], scopes: ['openid'] });
  });

  test('an authorizer needs the workload to declare the pool', () => {
    expect(problems({ authorizer: { userPool: 'users' } })).toEqual([
      {
        field: `${F}.authorizer.userPool`,
        value: 'users',
        rule: "must name the workload's user pool (its identity section's name)",
      },
    ]);
    expect(
      problems({ authorizer: { userPool: 'people' } }, { identity: IDENTITY }).map((i) => i.field),
    ).toEqual([`${F}.authorizer.userPool`]);
  });

  test('an authorizer client must be a client of the pool', () => {
    expect(
      problems(
        { authorizer: { userPool: 'users', clients: ['web', 'mobile'] } },
        { identity: IDENTITY },
      ),
    ).toEqual([
      {
        field: `${F}.authorizer.clients[1]`,
        value: 'mobile',
        rule: 'must be a client of user pool users (web, cli)',
      },
    ]);
  });

  test('an authorizer on a pool without clients has no audience and is refused', () => {
    expect(problems({ authorizer: { userPool: 'users' } }, { identity: {} })).toEqual([
      {
        field: `${F}.authorizer.clients`,
        value: undefined,
        rule: expect.stringMatching(/needs an audience/),
      },
    ]);
  });

  test("throttling stays inside API Gateway's account quotas", () => {
    expect(define({ throttling: { burstLimit: 5000, rateLimit: 0.5 + 9999 } }).throttling).toEqual({
      burstLimit: 5000,
      rateLimit: 9999.5,
    });
    expect(schemaErrors({ throttling: { burstLimit: 5001 } })).toEqual([
      '/throttling/burstLimit must be <= 5000',
    ]);
    expect(schemaErrors({ throttling: { rateLimit: 10_001 } })).toEqual([
      '/throttling/rateLimit must be <= 10000',
    ]);
    expect(schemaErrors({ throttling: { burstLimit: 0 } })).toEqual([
      '/throttling/burstLimit must be >= 1',
    ]);
    expect(schemaErrors({ throttling: { burstLimit: 1.5 } })).toEqual([
      '/throttling/burstLimit must be integer',
    ]);
  });

  test('access log retention is a CloudWatch value, by default the environment’s', () => {
    expect(define({}, {}, STAGE).accessLogs).toEqual({ retentionDays: 90 });
    expect(define({ accessLogs: { retentionDays: 365 } }).accessLogs).toEqual({
      retentionDays: 365,
    });
    expect(schemaErrors({ accessLogs: { retentionDays: 31 } })).toEqual([
      '/accessLogs/retentionDays must be equal to one of the allowed values',
    ]);
  });

  test('with an environment domain the API gets <workload>-api.<domain>, or the prefix given, or none', () => {
    expect(define({}, {}, STAGE).domain).toEqual({
      name: 'shop-api.stage.example.com',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    });
    expect(define({ domain: { prefix: 'api' } }, {}, STAGE).domain!.name).toBe(
      'api.stage.example.com',
    );
    expect(define({ domain: { enabled: false } }, {}, STAGE).domain).toBeUndefined();
    expect(define({}).domain).toBeUndefined();
  });

  test('a custom domain in an environment without a domain is refused', () => {
    expect(problems({ domain: { enabled: true } })).toEqual([
      {
        field: `${F}.domain.enabled`,
        value: true,
        rule: expect.stringMatching(/environment dev has no domain/),
      },
    ]);
    expect(problems({ domain: { prefix: 'api' } }).map((i) => [i.field, i.value])).toEqual([
      [`${F}.domain.prefix`, 'api'],
    ]);
  });

  test("the default custom domain longer than ACM's 64 characters is refused, saying how to fix it", () => {
    const long = defineEnvironment({
      name: 'stage',
      accountId: '123456789012',
      region: 'eu-west-1',
      domain: { name: `${'d'.repeat(50)}.example.com`, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
    });
    expect(problems({}, {}, long)).toEqual([
      {
        field: 'workload[stage/shop].httpApi.domain',
        value: `shop-api.${'d'.repeat(50)}.example.com`,
        rule: expect.stringMatching(
          /at most 64 characters.*shorter domain\.prefix, or domain\.enabled: false/,
        ),
      },
    ]);
    expect(define({ domain: { prefix: 'a' } }, {}, long).domain!.name).toHaveLength(64);
  });

  test("a custom domain longer than ACM's 64 characters is refused", () => {
    const p = problems({ domain: { prefix: 'a'.repeat(50) } }, {}, STAGE);
    expect(p).toEqual([
      {
        field: 'workload[stage/shop].httpApi.domain.prefix',
        value: 'a'.repeat(50),
        rule: expect.stringMatching(/at most 64 characters/),
      },
    ]);
  });

  test('CORS: origins are https (or localhost) origins or *, never * with credentials', () => {
    expect(define({ cors: { allowOrigins: ['https://app.example.com'] } }).cors).toEqual({
      allowOrigins: ['https://app.example.com'],
      allowMethods: ['*'],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: [],
      maxAgeSeconds: 300,
      allowCredentials: false,
    });
    expect(
      problems({
        cors: {
          allowOrigins: ['*', 'http://app.example.com', 'https://app.example.com/x'],
          allowCredentials: true,
        },
      }).map((i) => [i.field, i.value]),
    ).toEqual([
      [`${F}.cors.allowOrigins[1]`, 'http://app.example.com'],
      [`${F}.cors.allowOrigins[2]`, 'https://app.example.com/x'],
      [`${F}.cors.allowCredentials`, true],
    ]);
    expect(corsOriginProblem('http://localhost:3000')).toBeUndefined();
    expect(corsOriginProblem('app.example.com')).toMatch(/origin/);
  });

  test('the schema refuses bad paths, scopes and unknown keys', () => {
    for (const path of ['orders', '/orders/', '/{proxy+}', '/a b', `/${'a'.repeat(100)}`])
      expect([path, schemaErrors({ routes: [{ service: 'a', path }] }).length]).toEqual([path, 1]);
    expect(schemaErrors({ authorizer: { userPool: 'u', scopes: ['a b'] } })).toHaveLength(1);
    expect(schemaErrors({ stage: 'prod' })).toHaveLength(1);
    expect(schemaErrors({ cors: { allowOrigins: ['*'], allowMethods: ['FETCH'] } })).toHaveLength(
      1,
    );
  });

  test("an API name over API Gateway's 128 characters is refused", () => {
    // prefix, env and workload names are each limited so the name fits today; the check guards
    // the rule should any of those limits grow (an environment object built by hand here).
    const issues = new IssueCollector();
    const env = { ...DEV, prefix: 'p'.repeat(120) } as Environment;
    const r = httpApiSection.resolve(
      {},
      {
        env,
        workload: 'shop',
        issues,
        field: F,
        declared: () => true,
        sectionInput: (k) => (k === 'services' ? [BACKEND] : undefined),
      },
    );
    expect(r).toBeUndefined();
    expect(issues.issues).toEqual([
      {
        field: F,
        value: `${'p'.repeat(120)}-dev-shop`,
        rule: 'must make an API name of at most 128 characters (<prefix>-<env>-<workload> has 129)',
      },
    ]);
  });

  test('ALB path coverage: the exact path and everything under it', () => {
    expect(albPathsCover(['/myapp', '/myapp/*'], '/myapp')).toBe(true);
    expect(albPathsCover(['/myapp*'], '/myapp')).toBe(true);
    expect(albPathsCover(['/*'], '/myapp')).toBe(true);
    expect(albPathsCover(['/my?pp', '/m*'], '/myapp')).toBe(true);
    expect(albPathsCover(['/myapp/*'], '/myapp')).toBe(false);
    expect(albPathsCover(['/myapp'], '/myapp')).toBe(false);
    expect(albPathsCover(['/myapp', '/myapp/v1/*'], '/myapp')).toBe(false);
    expect(albPathsCover(['/*/x'], '/myapp')).toBe(false);
    expect(defaultApiPath('backend', ['/myapp', '/myapp/*'])).toBe('/myapp');
    expect(defaultApiPath('backend', ['/api*'])).toBe('/backend');
  });

  test('declares the API for references such as ${httpApi:api:url}', () => {
    const w = defineWorkload(
      {
        name: 'shop',
        environments: ['dev'],
        services: [BACKEND],
        httpApi: {},
        outputs: { api_url: '${httpApi:api:url}' },
      },
      DEV,
    );
    expect(w.sections.outputs).toEqual([{ name: 'api_url', value: '${httpApi:api:url}' }]);
    expect(() =>
      defineWorkload(
        {
          name: 'shop',
          environments: ['dev'],
          services: [BACKEND],
          outputs: { u: '${httpApi:api:url}' },
        },
        DEV,
      ),
    ).toThrow(/must name a httpApi of this workload/);
  });
});
