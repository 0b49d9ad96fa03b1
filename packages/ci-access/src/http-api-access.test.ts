import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { PolicyDocument } from '@automock/core';
import { decide, SimRequest } from '@automock/test-support/iam';
import { EnvironmentInventory } from './environment-policies';
import { GithubOidcAccess } from './GithubOidcAccess';
import { isReadAction, RESOURCE_ACTIONS } from './resource-actions';
import { WILDCARD_ONLY_ACTIONS } from './service-scopes';

// Issue 14, httpApi: what the CI roles of an environment with an HTTP API may do in API
// Gateway, decided by iam-simulate.
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const inventory: EnvironmentInventory = {
  resources: [
    'aws_apigatewayv2_api',
    'aws_apigatewayv2_vpc_link',
    'aws_apigatewayv2_integration',
    'aws_apigatewayv2_route',
    'aws_apigatewayv2_authorizer',
    'aws_apigatewayv2_stage',
    'aws_apigatewayv2_domain_name',
    'aws_apigatewayv2_api_mapping',
  ],
  dataSources: [],
  roleActions: [],
  roleServices: [],
  attachedPolicyArns: [],
};

const app = Testing.app();
const stack = new TerraformStack(app, 'bootstrap');
new AwsProvider(stack, 'aws', { region: REGION });
new GithubOidcAccess(stack, 'ci', {
  github: { owner: 'acme', repository: 'mock-infra' },
  accountId: ACCOUNT,
  environments: ['dev', 'prod'].map((name) => ({
    name,
    stateBucket: 'automock-tfstate-111111111111-us-east-1',
    lockTable: 'automock-terraform-locks',
    registryTable: 'automock-deployments',
    stateRegion: REGION,
    inventory,
  })),
});
const json = JSON.parse(Testing.synth(stack)) as {
  resource: Record<string, Record<string, Record<string, any>>>;
};

function policiesOf(roleName: string): PolicyDocument[] {
  const [id] = Object.entries(json.resource.aws_iam_role!).find(([, r]) => r.name === roleName)!;
  const ref = `aws_iam_role.${id}.`;
  const inline = Object.values(json.resource.aws_iam_role_policy ?? {})
    .filter((p) => String(p.role).includes(ref))
    .map((p) => JSON.parse(p.policy as string) as PolicyDocument);
  const managed = Object.values(json.resource.aws_iam_role_policy_attachment ?? {})
    .filter((a) => String(a.role).includes(ref))
    .map((a) => {
      const policyId = /aws_iam_policy\.([^.]+)\.arn/.exec(String(a.policy_arn))![1]!;
      return JSON.parse(
        json.resource.aws_iam_policy![policyId]!.policy as string,
      ) as PolicyDocument;
    });
  return [...inline, ...managed];
}

async function as(kind: 'apply' | 'plan', request: SimRequest, env = 'dev') {
  const role = `automock-${env}-github-${kind}`;
  return decide(
    { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}` },
    policiesOf(role),
    request,
  );
}
const apply = (r: SimRequest, env = 'dev') => as('apply', r, env);

const gw = (path: string) => `arn:aws:apigateway:${REGION}::${path}`;
const tagged = (env: string) => ({ 'aws:ResourceTag/automock:env': env });
const creating = (env: string) => ({
  'aws:RequestTag/automock:env': env,
  'aws:TagKeys': ['automock:env'],
});

describe('API Gateway HTTP API rows (issue 14, httpApi)', () => {
  test('map the REST verbs of every HTTP API resource, and the log delivery of a stage', () => {
    for (const type of inventory.resources) {
      const row = RESOURCE_ACTIONS[type]!;
      expect([type, row.create]).toEqual([type, expect.arrayContaining(['apigateway:POST'])]);
      expect([type, row.read]).toEqual([type, ['apigateway:GET']]);
      expect([type, row.delete]).toEqual([type, expect.arrayContaining(['apigateway:DELETE'])]);
    }
    expect(RESOURCE_ACTIONS.aws_apigatewayv2_stage!.create).toContain('logs:CreateLogDelivery');
    expect(WILDCARD_ONLY_ACTIONS.has('logs:CreateLogDelivery')).toBe(true);
    expect(RESOURCE_ACTIONS.aws_apigatewayv2_vpc_link!.serviceLinkedRoles).toEqual([
      'ops.apigateway.amazonaws.com',
    ]);
    expect(isReadAction('apigateway:GET')).toBe(true);
    expect(isReadAction('apigateway:POST')).toBe(false);
  });

  test('an API, a VPC link or a domain name is created only tagged for the environment', async () => {
    for (const collection of ['/apis', '/vpclinks', '/domainnames']) {
      const resource = gw(collection);
      expect([
        collection,
        await apply({ action: 'apigateway:POST', resource, context: creating('dev') }),
      ]).toEqual([collection, 'Allowed']);
      expect(
        await apply({ action: 'apigateway:POST', resource, context: creating('prod') }),
      ).not.toBe('Allowed');
      expect(await apply({ action: 'apigateway:POST', resource })).not.toBe('Allowed');
      expect(
        await apply({ action: 'apigateway:POST', resource, context: creating('dev') }, 'prod'),
      ).not.toBe('Allowed');
    }
  });

  test("the environment's APIs and everything under them are managed; another environment's are not", async () => {
    const cases: [string, string][] = [
      ['apigateway:POST', '/apis/a1b2c3/routes'],
      ['apigateway:POST', '/apis/a1b2c3/integrations'],
      ['apigateway:POST', '/apis/a1b2c3/authorizers'],
      ['apigateway:PATCH', '/apis/a1b2c3'],
      ['apigateway:DELETE', '/apis/a1b2c3/routes/r1'],
      ['apigateway:GET', '/apis/a1b2c3/stages/$default'],
      ['apigateway:DELETE', '/vpclinks/v1'],
      ['apigateway:POST', '/domainnames/api.dev.example.com/apimappings'],
    ];
    for (const [action, path] of cases) {
      const resource = gw(path);
      expect([action, path, await apply({ action, resource, context: tagged('dev') })]).toEqual([
        action,
        path,
        'Allowed',
      ]);
      expect([action, path, await apply({ action, resource, context: tagged('prod') })]).toEqual([
        action,
        path,
        'ImplicitlyDenied',
      ]);
      expect([
        action,
        path,
        await apply({ action, resource, context: tagged('dev') }, 'prod'),
      ]).toEqual([action, path, 'ImplicitlyDenied']);
    }
  });

  test('plan reads the environment’s APIs and their tags, and writes nothing', async () => {
    const api = gw('/apis/a1b2c3');
    expect(
      await as('plan', { action: 'apigateway:GET', resource: api, context: tagged('dev') }),
    ).toBe('Allowed');
    expect(
      await as('plan', { action: 'apigateway:GET', resource: api, context: tagged('prod') }),
    ).toBe('ImplicitlyDenied');
    expect(
      await as('plan', { action: 'apigateway:PATCH', resource: api, context: tagged('dev') }),
    ).toBe('ImplicitlyDenied');
    expect(
      await as('plan', {
        action: 'apigateway:POST',
        resource: gw('/apis'),
        context: creating('dev'),
      }),
    ).toBe('ImplicitlyDenied');
    expect(
      await as('plan', {
        action: 'apigateway:GET',
        resource: gw(`/tags/${encodeURIComponent(api)}`),
      }),
    ).toBe('Allowed');
  });

  test('tags change, but never an automock:* tag: no environment takes over or hides another’s API', async () => {
    const tags = gw(`/tags/${encodeURIComponent(gw('/apis/a1b2c3'))}`);
    const user = { 'aws:RequestTag/owner': 'platform', 'aws:TagKeys': ['owner'] };
    expect(await apply({ action: 'apigateway:POST', resource: tags, context: user })).toBe(
      'Allowed',
    );
    expect(
      await apply({
        action: 'apigateway:DELETE',
        resource: tags,
        context: { 'aws:TagKeys': ['owner'] },
      }),
    ).toBe('Allowed');
    expect(
      await apply({
        action: 'apigateway:POST',
        resource: tags,
        context: { 'aws:RequestTag/automock:env': 'dev', 'aws:TagKeys': ['automock:env'] },
      }),
    ).toBe('ExplicitlyDenied');
    expect(
      await apply({
        action: 'apigateway:DELETE',
        resource: tags,
        context: { 'aws:TagKeys': ['automock:ttl'] },
      }),
    ).toBe('ExplicitlyDenied');
  });
});
