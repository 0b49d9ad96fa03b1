import Ajv from 'ajv';
import { defineEnvironment, type Environment } from '../environment';
import { IssueCollector, type ValidationIssue } from '../errors';
import {
  type IdentityClientInput,
  type IdentityGroupInput,
  type IdentityInput,
  type IdentityPasswordPolicyInput,
  identitySection,
  redirectUrlProblem,
} from './identity';

const DEV = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'eu-west-1' });
const PROD = defineEnvironment({ name: 'prod', accountId: '210987654321', region: 'us-east-1' });

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(identitySection.schema);
function schemaErrors(value: unknown): string[] {
  return validate(value)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`.trim());
}

function run(
  input: IdentityInput,
  env: Environment = DEV,
): { resolved: ReturnType<typeof identitySection.resolve>; issues: readonly ValidationIssue[] } {
  expect(schemaErrors(input)).toEqual([]);
  const issues = new IssueCollector();
  const resolved = identitySection.resolve(input, {
    env,
    workload: 'shop',
    issues,
    field: `workload[${env.name}/shop].identity`,
    declared: () => false,
  });
  return { resolved, issues: issues.issues };
}

const props = (node: any, ...path: string[]) => {
  for (const p of path) {
    node = node.properties[p];
    if (node.type === 'array') node = node.items;
  }
  return Object.keys(node.properties).sort();
};

const WEB: IdentityClientInput = { name: 'web', callbackUrls: ['https://app.example.com/cb'] };

describe('identity section', () => {
  test('its schema names exactly the input type keys, each with a description', () => {
    const every: Required<IdentityInput> = {
      name: 'users',
      passwordPolicy: {},
      mfa: 'on',
      groups: [],
      clients: [],
      domainPrefix: 'shop-auth',
      deletionProtection: true,
    };
    const policy: Required<IdentityPasswordPolicyInput> = {
      minLength: 8,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
      temporaryPasswordValidityDays: 7,
    };
    const group: Required<IdentityGroupInput> = { name: 'a', description: 'd', precedence: 1 };
    const client: Required<IdentityClientInput> = {
      name: 'web',
      public: true,
      callbackUrls: [],
      logoutUrls: [],
      oauthFlows: ['code'],
      oauthScopes: ['openid'],
    };
    const schema = identitySection.schema as any;
    expect(props(schema)).toEqual(Object.keys(every).sort());
    expect(props(schema, 'passwordPolicy')).toEqual(Object.keys(policy).sort());
    expect(props(schema, 'groups')).toEqual(Object.keys(group).sort());
    expect(props(schema, 'clients')).toEqual(Object.keys(client).sort());
    for (const k of Object.keys(schema.properties))
      expect([k, typeof schema.properties[k].description]).toEqual([k, 'string']);
    expect(schemaErrors({ ...every, passwordPolicy: policy, groups: [group] })).toEqual([]);
  });

  test("defaults: min 8 with every class, optional MFA, the seed's groups, no protection in dev", () => {
    const { resolved, issues } = run({});
    expect(issues).toEqual([]);
    expect(resolved).toEqual({
      name: 'users',
      passwordPolicy: {
        minLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 7,
      },
      mfa: 'optional',
      groups: [{ name: 'test' }, { name: 'admin' }],
      clients: [],
      deletionProtection: false,
    });
  });

  test('deletion protection follows production; an explicit value wins', () => {
    expect(run({}, PROD).resolved!.deletionProtection).toBe(true);
    expect(run({ deletionProtection: false }, PROD).resolved!.deletionProtection).toBe(false);
    const guarded = defineEnvironment({
      name: 'stage',
      accountId: '123456789012',
      region: 'eu-west-1',
      deletionProtection: true,
    });
    expect(run({}, guarded).resolved!.deletionProtection).toBe(true);
  });

  test('a client with callback URLs gets the code flow and OIDC scopes; one without gets no OAuth', () => {
    const { resolved } = run({ clients: [WEB, { name: 'server', public: false }] });
    expect(resolved!.clients).toEqual([
      {
        name: 'web',
        public: true,
        callbackUrls: ['https://app.example.com/cb'],
        logoutUrls: [],
        oauthFlows: ['code'],
        oauthScopes: ['openid', 'email', 'profile'],
      },
      {
        name: 'server',
        public: false,
        callbackUrls: [],
        logoutUrls: [],
        oauthFlows: [],
        oauthScopes: [],
      },
    ]);
  });

  test('redirect URLs: https, or http only for localhost; never a fragment', () => {
    expect(redirectUrlProblem('https://app.example.com/cb')).toBeUndefined();
    expect(redirectUrlProblem('http://localhost:3000/cb')).toBeUndefined();
    expect(redirectUrlProblem('http://app.example.com/cb')).toMatch(/https/);
    expect(redirectUrlProblem('https://app.example.com/cb#x')).toMatch(/fragment/);
    expect(redirectUrlProblem('/cb')).toMatch(/absolute/);
    expect(redirectUrlProblem('myapp://cb')).toMatch(/https/);
  });

  test('bad input is reported per field with its value and rule', () => {
    const { resolved, issues } = run({
      domainPrefix: 'my-aws-login',
      groups: [{ name: 'admin' }, { name: 'admin' }],
      clients: [
        {
          name: 'web',
          callbackUrls: ['http://app.example.com/cb'],
          logoutUrls: ['https://app.example.com/#out'],
          oauthScopes: ['email'],
        },
        {
          name: 'web',
          public: false,
          callbackUrls: ['https://a.example.com'],
          oauthFlows: ['implicit'],
        },
        { name: 'bare', oauthFlows: ['code'], logoutUrls: ['https://a.example.com'] },
      ],
    });
    expect(resolved).toBeUndefined();
    const f = 'workload[dev/shop].identity';
    expect(issues.map((i) => [i.field, i.value])).toEqual([
      [`${f}.groups[1].name`, 'admin'],
      [`${f}.clients[1].name`, 'web'],
      [`${f}.clients[0].callbackUrls[0]`, 'http://app.example.com/cb'],
      [`${f}.clients[0].logoutUrls[0]`, 'https://app.example.com/#out'],
      [`${f}.clients[0].oauthScopes`, ['email']],
      [`${f}.clients[1].oauthFlows`, ['implicit']],
      [`${f}.clients[2].oauthFlows`, ['code']],
      [`${f}.clients[2].logoutUrls`, ['https://a.example.com']],
      [`${f}.domainPrefix`, 'my-aws-login'],
    ]);
    expect(issues.find((i) => i.field.endsWith('domainPrefix'))!.rule).toMatch(/aws/);
  });

  test('a hosted UI domain needs a client that can be redirected to', () => {
    const { issues } = run({ domainPrefix: 'shop-login', clients: [{ name: 'server' }] });
    expect(issues.map((i) => i.rule)).toEqual([expect.stringMatching(/callbackUrls/)]);
    expect(run({ domainPrefix: 'shop-login', clients: [WEB] }).issues).toEqual([]);
  });

  test('the schema refuses short passwords, unknown MFA modes, bad prefixes and unknown keys', () => {
    expect(schemaErrors({ passwordPolicy: { minLength: 6 } })).toEqual([
      '/passwordPolicy/minLength must be >= 8',
    ]);
    expect(schemaErrors({ mfa: 'sms' })).toHaveLength(1);
    for (const p of ['-shop', 'Shop', 'shop_auth', 'a'.repeat(64)])
      expect([p, schemaErrors({ domainPrefix: p }).length]).toEqual([p, 1]);
    expect(schemaErrors({ clients: [{ name: 'web', secret: true }] })).toHaveLength(1);
    expect(
      schemaErrors({ clients: [{ name: 'web', oauthFlows: ['client_credentials'] }] }),
    ).toHaveLength(1);
  });

  test('declares its pool as a userPool by name', () => {
    expect(identitySection.declares!({}, 'identity')).toEqual([
      { kind: 'userPool', name: 'users', field: 'identity.name' },
    ]);
    expect(identitySection.declares!({ name: 'staff' }, 'identity')[0]!.name).toBe('staff');
    expect(identitySection.declares!([], 'identity')).toEqual([]);
  });
});
