import { ACM_DOMAIN_NAME_MAX } from '../aws-limits';
import { LOG_RETENTION_DAYS } from '../environment';
import { albPathPatternRegex } from '../routing';
import type { WorkloadSection, WorkloadSectionContext } from './section';

/** A route of the HTTP API to one of the workload's services. */
export interface HttpApiRouteInput {
  /** A service of the workload routed on the environment's shared ALB (`routing.kind: shared`). */
  readonly service: string;
  /**
   * Path prefix the API answers on, e.g. `/orders`: the API gets the routes `ANY <path>` and
   * `ANY <path>/{proxy+}`. API Gateway forwards the request path unchanged to the shared ALB,
   * so the service's `routing.paths` must match `<path>` and `<path>/*`.
   * @default the head of the service's first ALB path of the form `/<prefix>/*` (`/myapp/*`
   * gives `/myapp`), else `/<service>`
   */
  readonly path?: string;
  /**
   * Also serve the service directly on the shared ALB, to any address: requests there skip the
   * API's authorizer and throttling. By default the service's listener rule admits only the
   * VPC's addresses (the API's VPC link, and callers inside the VPC), so the API is its one way
   * in from the internet. Every route of a service says the same. @default false
   */
  readonly direct?: boolean;
}

/** A JWT authorizer on every route, from the workload's Cognito user pool. */
export interface HttpApiAuthorizerInput {
  /** The workload's user pool (its `identity` section's `name`). */
  readonly userPool: string;
  /**
   * App clients of that pool whose tokens the API accepts (the JWT audience).
   * @default - every client of the pool
   */
  readonly clients?: readonly string[];
  /** OAuth scopes a token must carry on every route (any one of them). @default [] (none) */
  readonly scopes?: readonly string[];
}

/** Throttling of every route (the `$default` stage's default route settings). */
export interface HttpApiThrottlingInput {
  /** Requests allowed at once above the steady rate (1-5000). @default 100 */
  readonly burstLimit?: number;
  /** Steady requests per second (1-10000). @default 50 */
  readonly rateLimit?: number;
}

/** The API's access log. */
export interface HttpApiAccessLogsInput {
  /** Days CloudWatch keeps the log (one of its retention values). @default the environment's `logRetentionDays` */
  readonly retentionDays?: number;
}

/** The API's custom domain in the environment's hosted zone. */
export interface HttpApiDomainInput {
  /**
   * Serve the API at `<prefix>.<environment domain>` with a DNS-validated certificate (and turn
   * off the default `execute-api` endpoint). @default true when the environment has a domain
   */
  readonly enabled?: boolean;
  /** The label under the environment's domain. @default `<workload>-api` */
  readonly prefix?: string;
}

/** Cross-origin requests the API answers for browsers. */
export interface HttpApiCorsInput {
  /** Origins allowed (`https://app.example.com`, `http://localhost:3000`, or `*`). */
  readonly allowOrigins: readonly string[];
  /** Methods allowed. @default ['*'] */
  readonly allowMethods?: readonly string[];
  /** Request headers allowed. @default ['authorization', 'content-type'] */
  readonly allowHeaders?: readonly string[];
  /** Response headers a browser may read. @default [] */
  readonly exposeHeaders?: readonly string[];
  /** Seconds a browser caches the preflight answer (0-86400). @default 300 */
  readonly maxAgeSeconds?: number;
  /** Allow cookies and authorization headers (never with origin `*`). @default false */
  readonly allowCredentials?: boolean;
}

/** The `httpApi` section as written: an API Gateway HTTP API in front of the workload's services. */
export interface HttpApiInput {
  /**
   * Routes to services. @default - every service routed on the shared ALB by path only, at its
   * default {@link HttpApiRouteInput.path}
   */
  readonly routes?: readonly HttpApiRouteInput[];
  /** JWT authorizer from the workload's user pool. @default - none: routes are open (guardrail AM-APIGW-4 asks for a suppression with a reason) */
  readonly authorizer?: HttpApiAuthorizerInput;
  /** Throttling of every route. @default { burstLimit: 100, rateLimit: 50 } */
  readonly throttling?: HttpApiThrottlingInput;
  /** The access log. @default { retentionDays: the environment's } */
  readonly accessLogs?: HttpApiAccessLogsInput;
  /** Custom domain. @default - `<workload>-api.<domain>` when the environment has a domain, else none */
  readonly domain?: HttpApiDomainInput;
  /** CORS. @default - none: browsers on other origins cannot call the API */
  readonly cors?: HttpApiCorsInput;
}

/** A route with every default filled in. */
export interface HttpApiRoute {
  readonly service: string;
  /** Path prefix, e.g. `/myapp`. */
  readonly path: string;
  /** `ANY <path>` and `ANY <path>/{proxy+}`. */
  readonly routeKeys: readonly [string, string];
  /** The service's ALB rule admits any address, not only the VPC's. */
  readonly direct: boolean;
}

/** The `httpApi` section with every default filled in. */
export interface HttpApi {
  /** The API's name, `<prefix>-<env>-<workload>` (API Gateway allows 128 characters). */
  readonly name: string;
  /** Always `$default`: the only stage whose name API Gateway leaves out of the forwarded path. */
  readonly stageName: typeof HTTP_API_STAGE;
  readonly routes: readonly HttpApiRoute[];
  /** @default - none */
  readonly authorizer?: {
    readonly userPool: string;
    readonly clients: readonly string[];
    readonly scopes: readonly string[];
  };
  readonly throttling: { readonly burstLimit: number; readonly rateLimit: number };
  readonly accessLogs: { readonly retentionDays: number };
  /** @default - none: the API is served at its `execute-api` endpoint */
  readonly domain?: { readonly name: string; readonly hostedZoneId: string };
  /** @default - none */
  readonly cors?: {
    readonly allowOrigins: readonly string[];
    readonly allowMethods: readonly string[];
    readonly allowHeaders: readonly string[];
    readonly exposeHeaders: readonly string[];
    readonly maxAgeSeconds: number;
    readonly allowCredentials: boolean;
  };
}

/**
 * The stage: for private integrations API Gateway adds a named stage to the path it forwards
 * (`/prod/orders/1`), which the ALB's path rules would not match; `$default` adds nothing.
 */
export const HTTP_API_STAGE = '$default';
/** API Gateway's limit on an API's name. */
export const HTTP_API_NAME_MAX = 128;
/** Defaults of the stage's route throttling: small enough that a runaway client is cut off early. */
export const HTTP_API_THROTTLING_DEFAULTS = { burstLimit: 100, rateLimit: 50 } as const;
/** API Gateway's default account quotas per region: route limits above them have no effect. */
export const HTTP_API_MAX_BURST = 5000;
export const HTTP_API_MAX_RATE = 10_000;
/** Condition values an ALB listener rule takes (paths, hosts, source CIDRs together). */
export const ALB_RULE_CONDITION_VALUES = 5;
/** Kind of the declaration the section makes (outputs and environment values name `${httpApi:url}`). */
export const HTTP_API_KIND = 'httpApi';
const CORS_METHODS = ['*', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const PATH_PATTERN = '^(/[A-Za-z0-9._~-]+)+$';
const LABEL_PATTERN = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';
const SCOPE_PATTERN = '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$';

const strings = (description: string, item: Record<string, unknown>, extra = {}) => ({
  type: 'array',
  uniqueItems: true,
  description,
  items: { type: 'string', ...item },
  ...extra,
});

const schema = {
  type: 'object',
  additionalProperties: false,
  description:
    "An API Gateway HTTP API in front of the workload's services: routes through a VPC link to the shared ALB, JWT authorizer, access log, throttling, custom domain.",
  properties: {
    routes: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      description:
        'Routes to services on the shared ALB (default: every such service routed by path only). The request path is forwarded unchanged, so the service must match it.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['service'],
        properties: {
          service: {
            type: 'string',
            minLength: 1,
            description: "A service of the workload with routing.kind 'shared'.",
          },
          path: {
            type: 'string',
            pattern: PATH_PATTERN,
            maxLength: 100,
            description:
              "Path prefix: routes ANY <path> and ANY <path>/{proxy+} (default: the head of the service's first /<prefix>/* ALB path, else /<service>).",
          },
          direct: {
            type: 'boolean',
            default: false,
            description:
              "Also serve the service directly on the shared ALB to any address, skipping the API's authorizer and throttling (default: its ALB rule admits only the VPC's addresses).",
          },
        },
      },
    },
    authorizer: {
      type: 'object',
      additionalProperties: false,
      required: ['userPool'],
      description: "A JWT authorizer on every route, from the workload's Cognito user pool.",
      properties: {
        userPool: {
          type: 'string',
          minLength: 1,
          description: "The workload's user pool (its identity section's name).",
        },
        clients: strings(
          'App clients whose tokens are accepted (default: every client of the pool).',
          { minLength: 1 },
          { minItems: 1, maxItems: 50 },
        ),
        scopes: strings(
          'OAuth scopes a token must carry (any one of them).',
          { pattern: SCOPE_PATTERN, maxLength: 256 },
          { maxItems: 25, default: [] },
        ),
      },
    },
    throttling: {
      type: 'object',
      additionalProperties: false,
      description: 'Throttling of every route.',
      properties: {
        burstLimit: {
          type: 'integer',
          minimum: 1,
          maximum: HTTP_API_MAX_BURST,
          default: HTTP_API_THROTTLING_DEFAULTS.burstLimit,
          description: 'Requests allowed at once above the steady rate.',
        },
        rateLimit: {
          type: 'number',
          minimum: 1,
          maximum: HTTP_API_MAX_RATE,
          default: HTTP_API_THROTTLING_DEFAULTS.rateLimit,
          description: 'Steady requests per second.',
        },
      },
    },
    accessLogs: {
      type: 'object',
      additionalProperties: false,
      description: 'The access log in CloudWatch Logs.',
      properties: {
        retentionDays: {
          type: 'integer',
          enum: [...LOG_RETENTION_DAYS],
          description: "Days the log is kept (default: the environment's logRetentionDays).",
        },
      },
    },
    domain: {
      type: 'object',
      additionalProperties: false,
      description:
        'Custom domain <prefix>.<environment domain> (default: on when the environment has a domain).',
      properties: {
        enabled: {
          type: 'boolean',
          description:
            'Serve the API at the custom domain (default: when the environment has a domain).',
        },
        prefix: {
          type: 'string',
          pattern: LABEL_PATTERN,
          description: 'Label under the environment domain (default: <workload>-api).',
        },
      },
    },
    cors: {
      type: 'object',
      additionalProperties: false,
      required: ['allowOrigins'],
      description: 'Cross-origin requests browsers may make.',
      properties: {
        allowOrigins: strings(
          'Origins: https://host[:port], http://localhost[:port], or *.',
          { minLength: 1, maxLength: 253 },
          { minItems: 1, maxItems: 50 },
        ),
        allowMethods: strings(
          'Methods allowed.',
          { enum: CORS_METHODS },
          { minItems: 1, default: ['*'] },
        ),
        allowHeaders: strings(
          'Request headers allowed.',
          { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
          { maxItems: 50, default: ['authorization', 'content-type'] },
        ),
        exposeHeaders: strings(
          'Response headers a browser may read.',
          { pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
          { maxItems: 50, default: [] },
        ),
        maxAgeSeconds: {
          type: 'integer',
          minimum: 0,
          maximum: 86400,
          default: 300,
          description: 'Seconds a browser caches the preflight answer.',
        },
        allowCredentials: {
          type: 'boolean',
          default: false,
          description: 'Allow cookies and authorization headers (never with origin *).',
        },
      },
    },
  },
};

/**
 * Whether ALB path patterns `paths` match both `prefix` itself and every path under it
 * (`<prefix>/...`): the two routes the API forwards unchanged.
 */
export function albPathsCover(paths: readonly string[], prefix: string): boolean {
  const exact = paths.some((p) => albPathPatternRegex(p).test(prefix));
  const under = `${prefix}/`;
  // A pattern ending in `*` matches everything under `prefix` when its head matches a prefix
  // of `<prefix>/`: the trailing `*` takes the rest, whatever it is.
  const tree = paths.some((p) => {
    if (!p.endsWith('*')) return false;
    const head = albPathPatternRegex(p.slice(0, -1));
    for (let k = 0; k <= under.length; k++) if (head.test(under.slice(0, k))) return true;
    return false;
  });
  return exact && tree;
}

/** The default API path of a service routed at ALB `paths`: see {@link HttpApiRouteInput.path}. */
export function defaultApiPath(service: string, paths: readonly string[]): string {
  const tree = paths.find((p) => /^(\/[A-Za-z0-9._~-]+)+\/\*$/.test(p));
  return tree ? tree.slice(0, -2) : `/${service}`;
}

/** Why `origin` is not a CORS origin API Gateway matches, or undefined. */
export function corsOriginProblem(origin: string): string | undefined {
  if (origin === '*') return undefined;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return 'must be * or an origin such as https://app.example.com';
  }
  if (u.origin !== origin)
    return `must be an origin only (scheme, host and port, no path or trailing slash): ${u.origin}`;
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && u.hostname === 'localhost') return undefined;
  return 'must use https:// (plain http:// only for localhost)';
}

interface RawService {
  readonly name?: unknown;
  readonly routing?: {
    readonly kind?: unknown;
    readonly hosts?: unknown;
    readonly paths?: unknown;
  };
}

function rawServices(ctx: WorkloadSectionContext): readonly RawService[] {
  const v = ctx.sectionInput?.('services');
  return Array.isArray(v) ? (v as RawService[]) : [];
}

function routingOf(s: RawService | undefined): { kind: string; hosts: string[]; paths: string[] } {
  const r = s?.routing;
  const list = (x: unknown) => (Array.isArray(x) ? x.filter((v) => typeof v === 'string') : []);
  return {
    kind: typeof r?.kind === 'string' ? r.kind : 'worker',
    hosts: list(r?.hosts),
    paths: list(r?.paths),
  };
}

function resolveRoutes(input: HttpApiInput, ctx: WorkloadSectionContext): HttpApiRoute[] {
  const services = rawServices(ctx);
  const byName = new Map(
    services.filter((s) => typeof s.name === 'string').map((s) => [s.name as string, s]),
  );
  const field = `${ctx.field}.routes`;
  const out: HttpApiRoute[] = [];
  const route = (service: string, path: string, direct = false): HttpApiRoute => ({
    service,
    path,
    routeKeys: [`ANY ${path}`, `ANY ${path}/{proxy+}`],
    direct,
  });
  // An ALB rule takes at most 5 condition values; a rule that admits only the VPC spends one on
  // the VPC's CIDR.
  const conditionRoom = (name: string, paths: readonly string[], f: string, value: unknown) => {
    if (paths.length + 1 <= ALB_RULE_CONDITION_VALUES) return true;
    ctx.issues.add(
      f,
      value,
      `must be direct: true for service ${name}, or the service must have at most ${ALB_RULE_CONDITION_VALUES - 1} routing.paths: admitting only the VPC's addresses adds a source-ip value to its ALB rule, which takes at most ${ALB_RULE_CONDITION_VALUES} condition values (it has ${paths.length} paths)`,
    );
    return false;
  };

  if (input.routes === undefined) {
    const routable = [...byName.values()].filter((s) => {
      const r = routingOf(s);
      return r.kind === 'shared' && r.hosts.length === 0 && r.paths.length > 0;
    });
    if (routable.length === 0)
      ctx.issues.add(
        field,
        undefined,
        "must be given: no service of the workload is routed on the shared ALB by paths only (routing.kind 'shared' with paths and no hosts), so there is nothing to route to by default",
      );
    for (const s of routable) {
      const name = s.name as string;
      const paths = routingOf(s).paths;
      const path = defaultApiPath(name, paths);
      if (!albPathsCover(paths, path))
        ctx.issues.add(
          field,
          undefined,
          `must be given for service ${name}: its ALB paths ${JSON.stringify(paths)} do not match ${path} and ${path}/*, the default API path the request is forwarded on unchanged`,
        );
      else if (conditionRoom(name, paths, field, undefined)) out.push(route(name, path));
    }
    return out;
  }

  const seen = new Map<string, number>();
  input.routes.forEach((r, i) => {
    const f = `${field}[${i}]`;
    const s = byName.get(r.service);
    if (!ctx.declared('service', r.service) || !s) {
      ctx.issues.add(`${f}.service`, r.service, 'must name a service of the workload');
      return;
    }
    const routing = routingOf(s);
    if (routing.kind !== 'shared') {
      ctx.issues.add(
        `${f}.service`,
        r.service,
        `must be a service routed on the environment's shared ALB (routing.kind 'shared'): ${r.service} is ${routing.kind}, and the API reaches services through the shared ALB's listener`,
      );
      return;
    }
    if (routing.hosts.length > 0) {
      ctx.issues.add(
        `${f}.service`,
        r.service,
        `must be routed by paths only: ${r.service} has routing.hosts ${JSON.stringify(routing.hosts)}, and API Gateway replaces the Host header of the requests it forwards, so a host rule never matches them`,
      );
      return;
    }
    const path = r.path ?? defaultApiPath(r.service, routing.paths);
    if (!albPathsCover(routing.paths, path)) {
      ctx.issues.add(
        r.path !== undefined ? `${f}.path` : f,
        r.path ?? r,
        `must be a path service ${r.service}'s ALB paths ${JSON.stringify(routing.paths)} match as ${path} and ${path}/*: API Gateway forwards the request path unchanged to the shared ALB`,
      );
      return;
    }
    const first = seen.get(path);
    if (first !== undefined) {
      ctx.issues.add(
        `${f}.path`,
        path,
        `must be unique: routes[${first}] already answers on ${path}`,
      );
      return;
    }
    seen.set(path, i);
    const direct = r.direct ?? false;
    const other = out.find((o) => o.service === r.service && o.direct !== direct);
    if (other) {
      ctx.issues.add(
        `${f}.direct`,
        direct,
        `must be ${other.direct} like the other route of service ${r.service} (${other.path}): the service has one ALB rule, open to any address or to the VPC only`,
      );
      return;
    }
    if (!direct && !conditionRoom(r.service, routing.paths, `${f}.direct`, r.direct)) return;
    out.push(route(r.service, path, direct));
  });
  return out;
}

function resolveAuthorizer(
  a: HttpApiAuthorizerInput,
  ctx: WorkloadSectionContext,
): HttpApi['authorizer'] {
  const field = `${ctx.field}.authorizer`;
  if (!ctx.declared('userPool', a.userPool)) {
    ctx.issues.add(
      `${field}.userPool`,
      a.userPool,
      "must name the workload's user pool (its identity section's name)",
    );
    return undefined;
  }
  const identity = ctx.sectionInput?.('identity') as { clients?: { name?: unknown }[] } | undefined;
  const poolClients = (identity?.clients ?? [])
    .map((c) => c.name)
    .filter((n): n is string => typeof n === 'string');
  const clients = a.clients ?? poolClients;
  if (clients.length === 0) {
    ctx.issues.add(
      `${field}.clients`,
      a.clients,
      `must name at least one client: user pool ${a.userPool} has none, and a JWT authorizer needs an audience`,
    );
    return undefined;
  }
  let ok = true;
  clients.forEach((c, i) => {
    if (!poolClients.includes(c)) {
      ok = false;
      ctx.issues.add(
        `${field}.clients[${i}]`,
        c,
        `must be a client of user pool ${a.userPool} (${poolClients.join(', ') || 'it has none'})`,
      );
    }
  });
  return ok ? { userPool: a.userPool, clients, scopes: a.scopes ?? [] } : undefined;
}

function resolveDomain(input: HttpApiInput, ctx: WorkloadSectionContext): HttpApi['domain'] {
  const d = input.domain ?? {};
  const zone = ctx.env.domain;
  const field = `${ctx.field}.domain`;
  if (!zone) {
    if (d.enabled === true || d.prefix !== undefined)
      ctx.issues.add(
        d.enabled === true ? `${field}.enabled` : `${field}.prefix`,
        d.enabled === true ? true : d.prefix,
        `must be left out: environment ${ctx.env.name} has no domain (and hosted zone) to serve the API's custom domain and validate its certificate in`,
      );
    return undefined;
  }
  if (d.enabled === false) return undefined;
  const name = `${d.prefix ?? `${ctx.workload}-api`}.${zone.name}`;
  if (name.length > ACM_DOMAIN_NAME_MAX) {
    ctx.issues.add(
      d.prefix !== undefined ? `${field}.prefix` : field,
      d.prefix ?? name,
      `must make a domain name of at most ${ACM_DOMAIN_NAME_MAX} characters (${name} has ${name.length}): ACM limits a certificate's first domain name to ${ACM_DOMAIN_NAME_MAX}; set a shorter domain.prefix, or domain.enabled: false`,
    );
    return undefined;
  }
  return { name, hostedZoneId: zone.hostedZoneId };
}

function resolveCors(c: HttpApiCorsInput, ctx: WorkloadSectionContext): HttpApi['cors'] {
  const field = `${ctx.field}.cors`;
  c.allowOrigins.forEach((o, i) => {
    const problem = corsOriginProblem(o);
    if (problem) ctx.issues.add(`${field}.allowOrigins[${i}]`, o, problem);
  });
  const allowCredentials = c.allowCredentials ?? false;
  if (allowCredentials && c.allowOrigins.includes('*'))
    ctx.issues.add(
      `${field}.allowCredentials`,
      true,
      'must be false when allowOrigins has *: browsers refuse credentials for any origin, and API Gateway refuses the configuration',
    );
  return {
    allowOrigins: c.allowOrigins,
    allowMethods: c.allowMethods ?? ['*'],
    allowHeaders: c.allowHeaders ?? ['authorization', 'content-type'],
    exposeHeaders: c.exposeHeaders ?? [],
    maxAgeSeconds: c.maxAgeSeconds ?? 300,
    allowCredentials,
  };
}

/** The `httpApi` section: the workload's API Gateway HTTP API. */
export const httpApiSection: WorkloadSection<HttpApiInput, HttpApi> = {
  key: 'httpApi',
  schema,
  declares(input, field) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
    return [{ kind: HTTP_API_KIND, name: 'api', field }];
  },
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const name = `${ctx.env.prefix}-${ctx.env.name}-${ctx.workload}`;
    if (name.length > HTTP_API_NAME_MAX)
      ctx.issues.add(
        ctx.field,
        name,
        `must make an API name of at most ${HTTP_API_NAME_MAX} characters (<prefix>-<env>-<workload> has ${name.length})`,
      );
    const routes = resolveRoutes(input, ctx);
    const authorizer = input.authorizer ? resolveAuthorizer(input.authorizer, ctx) : undefined;
    const domain = resolveDomain(input, ctx);
    const cors = input.cors ? resolveCors(input.cors, ctx) : undefined;
    if (ctx.issues.issues.length !== before) return undefined;
    return {
      name,
      stageName: HTTP_API_STAGE,
      routes,
      ...(authorizer ? { authorizer } : {}),
      throttling: {
        burstLimit: input.throttling?.burstLimit ?? HTTP_API_THROTTLING_DEFAULTS.burstLimit,
        rateLimit: input.throttling?.rateLimit ?? HTTP_API_THROTTLING_DEFAULTS.rateLimit,
      },
      accessLogs: { retentionDays: input.accessLogs?.retentionDays ?? ctx.env.logRetentionDays },
      ...(domain ? { domain } : {}),
      ...(cors ? { cors } : {}),
    };
  },
};

/**
 * Services whose shared-ALB rule admits only the VPC's addresses because the HTTP API fronts
 * them (every route of the service without `direct`).
 */
export function apiOnlyServices(api: HttpApi | undefined): ReadonlySet<string> {
  return new Set((api?.routes ?? []).filter((r) => !r.direct).map((r) => r.service));
}
