import type { WorkloadSection, WorkloadSectionContext } from './section';

/** Password rules of the user pool. */
export interface IdentityPasswordPolicyInput {
  /** Shortest password (8-99: AutoMock never accepts fewer than 8). @default 8 */
  readonly minLength?: number;
  /** Require a lowercase letter. @default true */
  readonly requireLowercase?: boolean;
  /** Require an uppercase letter. @default true */
  readonly requireUppercase?: boolean;
  /** Require a digit. @default true */
  readonly requireNumbers?: boolean;
  /** Require a symbol. @default true */
  readonly requireSymbols?: boolean;
  /** Days an administrator-set temporary password stays valid (1-365). @default 7 */
  readonly temporaryPasswordValidityDays?: number;
}

/** A user group of the pool (the seed's `test` and `admin`). */
export interface IdentityGroupInput {
  /** Group name (1-128 of `[A-Za-z0-9_.-]`). */
  readonly name: string;
  /** What the group is for. @default - none */
  readonly description?: string;
  /** Precedence when a user is in several groups (0 wins; 0-2147483647). @default - none */
  readonly precedence?: number;
}

/** OAuth 2.0 grants a web client may use with the hosted UI. */
export type IdentityOAuthFlow = 'code' | 'implicit';
/** Standard OIDC scopes a client may request. */
export type IdentityOAuthScope =
  'openid' | 'email' | 'phone' | 'profile' | 'aws.cognito.signin.user.admin';

/** An app client of the pool. */
export interface IdentityClientInput {
  /** Client name within the workload (`^[a-z][a-z0-9-]{0,31}$`). */
  readonly name: string;
  /**
   * A public client (browser or mobile app) has no secret; a confidential one (a server) has one.
   * @default true
   */
  readonly public?: boolean;
  /**
   * Where the hosted UI may send users after sign-in: `https://` URLs, or `http://localhost`
   * for development (Cognito refuses other plain-HTTP URLs). @default [] (no hosted UI sign-in)
   */
  readonly callbackUrls?: readonly string[];
  /** Where the hosted UI may send users after sign-out (same rules). @default [] */
  readonly logoutUrls?: readonly string[];
  /** OAuth flows, when the client has callback URLs. @default ['code'] */
  readonly oauthFlows?: readonly IdentityOAuthFlow[];
  /** OAuth scopes, when the client has callback URLs. @default ['openid', 'email', 'profile'] */
  readonly oauthScopes?: readonly IdentityOAuthScope[];
}

/** Multi-factor authentication with TOTP apps. */
export type IdentityMfa = 'off' | 'optional' | 'on';

/** The `identity` section as written: one Cognito user pool of the workload. */
export interface IdentityInput {
  /**
   * Name other sections use (`access: [{ userPool: users, mode: write }]`); the pool is created
   * as `<prefix>-<env>-<workload>-<name>`. @default 'users'
   */
  readonly name?: string;
  /** Password rules. @default - every default of {@link IdentityPasswordPolicyInput} */
  readonly passwordPolicy?: IdentityPasswordPolicyInput;
  /** TOTP multi-factor authentication: off, optional per user, or required. @default 'optional' */
  readonly mfa?: IdentityMfa;
  /** User groups. @default [{ name: 'test' }, { name: 'admin' }] */
  readonly groups?: readonly IdentityGroupInput[];
  /** App clients. @default [] */
  readonly clients?: readonly IdentityClientInput[];
  /**
   * Prefix of the hosted UI domain `<prefix>.auth.<region>.amazoncognito.com`: 1-63 lowercase
   * letters, digits and hyphens, not starting or ending with a hyphen, without the text `aws`,
   * `amazon` or `cognito`. @default - no hosted UI domain
   */
  readonly domainPrefix?: string;
  /**
   * Refuse to delete the pool (and its users) until this is turned off.
   * @default the environment's production or deletionProtection setting
   */
  readonly deletionProtection?: boolean;
}

/** An app client with every default filled in. */
export interface IdentityClient {
  readonly name: string;
  readonly public: boolean;
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /** Empty when the client has no callback URLs (no hosted UI sign-in). */
  readonly oauthFlows: readonly IdentityOAuthFlow[];
  readonly oauthScopes: readonly IdentityOAuthScope[];
}

/** The `identity` section with every default filled in. */
export interface Identity {
  readonly name: string;
  readonly passwordPolicy: Required<IdentityPasswordPolicyInput>;
  readonly mfa: IdentityMfa;
  readonly groups: readonly {
    readonly name: string;
    readonly description?: string;
    readonly precedence?: number;
  }[];
  readonly clients: readonly IdentityClient[];
  readonly domainPrefix?: string;
  readonly deletionProtection: boolean;
}

/** Cognito's rule for a prefix domain (its API's pattern, 1-63 characters). */
export const COGNITO_DOMAIN_PREFIX_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
/** Text Cognito refuses inside a domain prefix. */
export const COGNITO_DOMAIN_RESERVED = ['aws', 'amazon', 'cognito'] as const;
/** AutoMock's floor for passwords (Cognito itself accepts 6). */
export const MIN_PASSWORD_LENGTH = 8;
/** The seed's groups, when a workload names none. */
export const DEFAULT_IDENTITY_GROUPS = ['test', 'admin'] as const;

const NAME_PATTERN = '^[a-z][a-z0-9-]{0,31}$';
const OAUTH_FLOWS: readonly IdentityOAuthFlow[] = ['code', 'implicit'];
const OAUTH_SCOPES: readonly IdentityOAuthScope[] = [
  'openid',
  'email',
  'phone',
  'profile',
  'aws.cognito.signin.user.admin',
];

const bool = (def: boolean, description: string) => ({
  type: 'boolean',
  default: def,
  description,
});
const urls = (description: string) => ({
  type: 'array',
  default: [],
  maxItems: 100,
  uniqueItems: true,
  description,
  items: { type: 'string', minLength: 1, maxLength: 1024 },
});

const schema = {
  type: 'object',
  additionalProperties: false,
  description: 'A Cognito user pool for the workload: sign-in by email, verified email, groups.',
  properties: {
    name: {
      type: 'string',
      pattern: NAME_PATTERN,
      default: 'users',
      description: 'Name other sections use (access: [{ userPool: <name>, mode }]).',
    },
    passwordPolicy: {
      type: 'object',
      additionalProperties: false,
      description: 'Password rules.',
      properties: {
        minLength: {
          type: 'integer',
          minimum: MIN_PASSWORD_LENGTH,
          maximum: 99,
          default: MIN_PASSWORD_LENGTH,
          description: 'Shortest password (8-99).',
        },
        requireLowercase: bool(true, 'Require a lowercase letter.'),
        requireUppercase: bool(true, 'Require an uppercase letter.'),
        requireNumbers: bool(true, 'Require a digit.'),
        requireSymbols: bool(true, 'Require a symbol.'),
        temporaryPasswordValidityDays: {
          type: 'integer',
          minimum: 1,
          maximum: 365,
          default: 7,
          description: 'Days an administrator-set temporary password stays valid.',
        },
      },
    },
    mfa: {
      type: 'string',
      enum: ['off', 'optional', 'on'],
      default: 'optional',
      description: 'TOTP multi-factor authentication: off, optional per user, or required.',
    },
    groups: {
      type: 'array',
      description: 'User groups (default: test and admin).',
      default: DEFAULT_IDENTITY_GROUPS.map((name) => ({ name })),
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: {
            type: 'string',
            pattern: '^[A-Za-z0-9_.-]{1,128}$',
            description: 'Group name.',
          },
          description: {
            type: 'string',
            maxLength: 2048,
            description: 'What the group is for.',
          },
          precedence: {
            type: 'integer',
            minimum: 0,
            maximum: 2_147_483_647,
            description: 'Precedence when a user is in several groups (0 wins).',
          },
        },
      },
    },
    clients: {
      type: 'array',
      description: 'App clients of the pool.',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: NAME_PATTERN, description: 'Client name.' },
          public: bool(true, 'A public client (browser, mobile) has no secret.'),
          callbackUrls: urls('Hosted UI sign-in redirects: https, or http://localhost.'),
          logoutUrls: urls('Hosted UI sign-out redirects: https, or http://localhost.'),
          oauthFlows: {
            type: 'array',
            default: ['code'],
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', enum: OAUTH_FLOWS },
            description: 'OAuth flows (with callback URLs).',
          },
          oauthScopes: {
            type: 'array',
            default: ['openid', 'email', 'profile'],
            minItems: 1,
            uniqueItems: true,
            items: { type: 'string', enum: OAUTH_SCOPES },
            description: 'OAuth scopes (with callback URLs).',
          },
        },
      },
    },
    domainPrefix: {
      type: 'string',
      pattern: COGNITO_DOMAIN_PREFIX_PATTERN,
      description:
        'Hosted UI domain prefix (<prefix>.auth.<region>.amazoncognito.com): lowercase letters, digits, hyphens; not aws/amazon/cognito.',
    },
    deletionProtection: {
      type: 'boolean',
      description: "Refuse to delete the pool (default: the environment's production setting).",
    },
  },
};

/**
 * Why Cognito would refuse `url` as a redirect, or undefined: it takes absolute URLs without a
 * fragment, and HTTPS except `http://localhost` (for development).
 */
export function redirectUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (u.hash !== '' || url.includes('#')) return 'must not contain a fragment (#)';
  if (u.protocol === 'https:') return undefined;
  if (u.protocol === 'http:' && u.hostname === 'localhost') return undefined;
  return 'must use https:// (plain http:// only for localhost)';
}

function resolveClient(
  c: IdentityClientInput,
  field: string,
  ctx: WorkloadSectionContext,
): IdentityClient {
  const callbackUrls = c.callbackUrls ?? [];
  const logoutUrls = c.logoutUrls ?? [];
  for (const [key, list] of [
    ['callbackUrls', callbackUrls],
    ['logoutUrls', logoutUrls],
  ] as const) {
    list.forEach((url, i) => {
      const problem = redirectUrlProblem(url);
      if (problem) ctx.issues.add(`${field}.${key}[${i}]`, url, problem);
    });
  }
  const hostedUi = callbackUrls.length > 0;
  for (const key of ['oauthFlows', 'oauthScopes'] as const) {
    if (!hostedUi && c[key] !== undefined)
      ctx.issues.add(
        `${field}.${key}`,
        c[key],
        'must be left out unless callbackUrls lists at least one URL (OAuth needs a redirect)',
      );
  }
  if (!hostedUi && logoutUrls.length > 0)
    ctx.issues.add(
      `${field}.logoutUrls`,
      logoutUrls,
      'must be left out unless callbackUrls lists at least one URL',
    );
  const oauthScopes = c.oauthScopes ?? ['openid', 'email', 'profile'];
  // Cognito only issues the email, phone and profile claims to a client that also asks for openid.
  if (
    hostedUi &&
    !oauthScopes.includes('openid') &&
    oauthScopes.some((s) => s === 'email' || s === 'phone' || s === 'profile')
  )
    ctx.issues.add(
      `${field}.oauthScopes`,
      oauthScopes,
      'must include openid when it asks for email, phone or profile',
    );
  const isPublic = c.public ?? true;
  const oauthFlows = c.oauthFlows ?? ['code'];
  // The implicit grant returns tokens in the URL and cannot keep a secret: only a browser uses it.
  if (hostedUi && !isPublic && oauthFlows.includes('implicit'))
    ctx.issues.add(
      `${field}.oauthFlows`,
      oauthFlows,
      'must not include implicit for a confidential client (public: false); use code',
    );
  return {
    name: c.name,
    public: isPublic,
    callbackUrls,
    logoutUrls,
    oauthFlows: hostedUi ? oauthFlows : [],
    oauthScopes: hostedUi ? oauthScopes : [],
  };
}

function duplicates(names: readonly string[], field: string, ctx: WorkloadSectionContext): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) ctx.issues.add(`${field}[${i}].name`, n, 'must be unique');
    seen.add(n);
  });
}

/** The `identity` section: the workload's Cognito user pool, groups, clients and hosted UI. */
export const identitySection: WorkloadSection<IdentityInput, Identity> = {
  key: 'identity',
  schema,
  declares(input, field) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return [];
    const name = (input as { name?: unknown }).name;
    if (name !== undefined && typeof name !== 'string') return [];
    return [{ kind: 'userPool', name: name ?? 'users', field: `${field}.name` }];
  },
  resolve(input, ctx) {
    const before = ctx.issues.issues.length;
    const groups = (input.groups ?? DEFAULT_IDENTITY_GROUPS.map((name) => ({ name }))).map((g) => ({
      ...g,
    }));
    duplicates(
      groups.map((g) => g.name),
      `${ctx.field}.groups`,
      ctx,
    );
    const clientsIn = input.clients ?? [];
    duplicates(
      clientsIn.map((c) => c.name),
      `${ctx.field}.clients`,
      ctx,
    );
    const clients = clientsIn.map((c, i) => resolveClient(c, `${ctx.field}.clients[${i}]`, ctx));
    const prefix = input.domainPrefix;
    if (prefix !== undefined) {
      const reserved = COGNITO_DOMAIN_RESERVED.find((w) => prefix.includes(w));
      if (reserved)
        ctx.issues.add(
          `${ctx.field}.domainPrefix`,
          prefix,
          `must not contain "${reserved}" (Cognito reserves aws, amazon and cognito)`,
        );
      if (!clients.some((c) => c.callbackUrls.length > 0))
        ctx.issues.add(
          `${ctx.field}.domainPrefix`,
          prefix,
          'needs a client with callbackUrls: the hosted UI has nowhere to send users otherwise',
        );
    }
    const p = input.passwordPolicy ?? {};
    const resolved: Identity = {
      name: input.name ?? 'users',
      passwordPolicy: {
        minLength: p.minLength ?? MIN_PASSWORD_LENGTH,
        requireLowercase: p.requireLowercase ?? true,
        requireUppercase: p.requireUppercase ?? true,
        requireNumbers: p.requireNumbers ?? true,
        requireSymbols: p.requireSymbols ?? true,
        temporaryPasswordValidityDays: p.temporaryPasswordValidityDays ?? 7,
      },
      mfa: input.mfa ?? 'optional',
      groups,
      clients,
      ...(prefix !== undefined ? { domainPrefix: prefix } : {}),
      deletionProtection:
        input.deletionProtection ?? (ctx.env.production || ctx.env.deletionProtection),
    };
    return ctx.issues.issues.length === before ? resolved : undefined;
  },
};
