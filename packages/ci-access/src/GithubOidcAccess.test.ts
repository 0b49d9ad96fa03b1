import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { EnvironmentInventory, packStatements, policySize } from './environment-policies';
import {
  GITHUB_OIDC_HOST,
  GithubOidcAccess,
  GithubOidcAccessProps,
  permissionsBoundaryArn,
} from './GithubOidcAccess';
import { PolicyDocument, PolicyStatement } from '@automock/core';
import { RESOURCE_ACTIONS } from './resource-actions';
import { decide, decideAssume, SimRequest } from '@automock/test-support/iam';

const ACCOUNT = '111111111111';
const REPO = 'acme/mock-infra';
const BUCKET = 'automock-tfstate-111111111111-us-east-1';
const inventory: EnvironmentInventory = {
  resources: [
    'aws_vpc',
    'aws_subnet',
    'aws_security_group',
    'aws_default_security_group',
    'aws_sqs_queue',
    'aws_lambda_function',
    'aws_lambda_function_event_invoke_config',
    'aws_iam_role',
    'aws_iam_role_policy',
    'aws_ecs_cluster',
    'aws_ecs_service',
    'aws_lb',
    'aws_lb_listener',
    'aws_s3_bucket',
    'aws_s3_object',
    'aws_service_discovery_private_dns_namespace',
    'terraform_data',
  ],
  dataSources: ['aws_availability_zones', 'terraform_remote_state'],
  roleActions: ['sqs:SendMessage', 'logs:PutLogEvents', 'ecs:RunTask', 'iam:PassRole'],
  roleServices: ['ecs-tasks.amazonaws.com', 'lambda.amazonaws.com'],
  attachedPolicyArns: [],
};
const prodInventory: EnvironmentInventory = {
  ...inventory,
  resources: [...inventory.resources, 'aws_acm_certificate', 'aws_route53_record'],
};
const env = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  stateBucket: BUCKET,
  lockTable: 'automock-terraform-locks',
  registryTable: 'automock-deployments',
  stateRegion: 'us-east-1',
  inventory,
  ...extra,
});
const base: GithubOidcAccessProps = {
  github: { owner: 'acme', repository: 'mock-infra' },
  accountId: ACCOUNT,
  environments: [
    env('dev'),
    env('prod', {
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      domainName: 'mocks.example.com',
      inventory: prodInventory,
    }),
  ],
};

interface Synth {
  resource: Record<string, Record<string, Record<string, any>>>;
}

function synth(props: Partial<GithubOidcAccessProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'bootstrap');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const access = new GithubOidcAccess(stack, 'ci', { ...base, ...props });
  const raw = Testing.synth(stack);
  return { json: JSON.parse(raw) as Synth, raw, access };
}

/** The synthesised policies of a role, as IAM would hold them (inline and attached managed). */
function policiesOf(json: Synth, roleName: string): PolicyDocument[] {
  const [id] = Object.entries(json.resource.aws_iam_role).find(([, r]) => r.name === roleName)!;
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

const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

/** A role's trust policy as IAM would hold it: the provider's ARN in place of Terraform's reference. */
function trustOf(json: Synth, roleName: string): PolicyDocument {
  const role = Object.values(json.resource.aws_iam_role).find((r) => r.name === roleName)!;
  const text = String(role.assume_role_policy).replace(
    /\$\{aws_iam_openid_connect_provider\.[^.]+\.arn\}/g,
    PROVIDER_ARN,
  );
  return JSON.parse(text) as PolicyDocument;
}

const { json } = synth();
const providerId = Object.keys(json.resource.aws_iam_openid_connect_provider)[0]!;
const providerRef = `\${aws_iam_openid_connect_provider.${providerId}.arn}`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

async function assume(
  role: string,
  sub: string,
  aud = 'sts.amazonaws.com',
  provider = PROVIDER_ARN,
) {
  return decideAssume(
    trustOf(json, role),
    { providerArn: provider, host: GITHUB_OIDC_HOST, aud, sub },
    roleArn(role),
  );
}

async function apply(envName: string, request: SimRequest) {
  const role = `automock-${envName}-github-apply`;
  return decide({ accountId: ACCOUNT, roleArn: roleArn(role) }, policiesOf(json, role), request);
}

async function plan(envName: string, request: SimRequest) {
  const role = `automock-${envName}-github-plan`;
  return decide({ accountId: ACCOUNT, roleArn: roleArn(role) }, policiesOf(json, role), request);
}

async function drift(envName: string, request: SimRequest) {
  const role = `automock-${envName}-github-drift`;
  return decide({ accountId: ACCOUNT, roleArn: roleArn(role) }, policiesOf(json, role), request);
}

const devTags = { 'aws:ResourceTag/automock:env': 'dev' };
const newDev = { 'aws:RequestTag/automock:env': 'dev', 'aws:TagKeys': ['automock:env'] };
const BOUNDARY = permissionsBoundaryArn('aws', ACCOUNT, 'automock', 'dev');

describe('GithubOidcAccess: resources', () => {
  test('creates the GitHub OIDC provider with the STS audience and the documented thumbprints', () => {
    expect(Testing.synth(synth().access.node.scope as TerraformStack)).toHaveResourceWithProperties(
      IamOpenidConnectProvider,
      {
        url: 'https://token.actions.githubusercontent.com',
        client_id_list: ['sts.amazonaws.com'],
        thumbprint_list: [
          '6938fd4d98bab03faadb97b34396831e3780aea1',
          '1c58a3a8518e8759bf075b76b750d4f2df264fcd',
        ],
      },
    );
    for (const role of Object.values(json.resource.aws_iam_role))
      expect(role.assume_role_policy).toContain(providerRef);
  });

  test('three roles per environment; sessions long enough for the plan and drift (1 h) and apply (2 h) jobs', () => {
    const roles = Object.values(json.resource.aws_iam_role);
    expect(roles.map((r) => [r.name, r.max_session_duration]).sort()).toEqual([
      ['automock-dev-github-apply', 7200],
      ['automock-dev-github-drift', 3600],
      ['automock-dev-github-plan', 3600],
      ['automock-prod-github-apply', 7200],
      ['automock-prod-github-drift', 3600],
      ['automock-prod-github-plan', 3600],
    ]);
  });

  test('the drift role holds exactly the plan role’s permissions: the same managed policies and state policy', () => {
    const roleRef = (name: string) => {
      const [id] = Object.entries(json.resource.aws_iam_role).find(([, r]) => r.name === name)!;
      return `\${aws_iam_role.${id}.name}`;
    };
    const policiesFor = (name: string) =>
      Object.values(json.resource.aws_iam_role_policy_attachment ?? {})
        .filter((a) => a.role === roleRef(name))
        .map((a) => String(a.policy_arn))
        .sort();
    for (const env of ['dev', 'prod']) {
      const plan = policiesFor(`automock-${env}-github-plan`);
      expect(plan.length).toBeGreaterThan(0);
      expect(policiesFor(`automock-${env}-github-drift`)).toEqual(plan);
      expect(policiesOf(json, `automock-${env}-github-drift`)).toEqual(
        policiesOf(json, `automock-${env}-github-plan`),
      );
    }
  });

  test('the boundary the apply role requires has an ARN known in advance', () => {
    expect(BOUNDARY).toBe('arn:aws:iam::111111111111:policy/automock-dev-boundary');
    expect(synth().access.environments.dev!.boundaryArn).toBe(BOUNDARY);
  });

  test('no AWS managed policy on any CI role (ReadOnlyAccess read every object and parameter)', () => {
    for (const a of Object.values(json.resource.aws_iam_role_policy_attachment ?? {}))
      expect(String(a.policy_arn)).toMatch(/^\$\{aws_iam_policy\./);
    expect(JSON.stringify(json)).not.toContain('ReadOnlyAccess');
  });

  test('every managed policy fits IAM’s 6,144 characters, and no allow has a wildcard action', () => {
    for (const p of Object.values(json.resource.aws_iam_policy!)) {
      const doc = JSON.parse(p.policy as string) as PolicyDocument;
      expect(policySize(doc)).toBeLessThanOrEqual(6144);
      for (const s of doc.Statement.filter((x) => x.Effect === 'Allow'))
        for (const a of [s.Action].flat()) expect(a).not.toMatch(/^\*$|:\*$/);
    }
  });
});

describe('GithubOidcAccess: who may assume (trust, decided by iam-simulate)', () => {
  const sub = {
    pr: `repo:${REPO}:pull_request:ref:refs/pull/42/merge`,
    devMain: `repo:${REPO}:environment:dev:ref:refs/heads/main`,
    devBranch: `repo:${REPO}:environment:dev:ref:refs/heads/feature`,
    prodMain: `repo:${REPO}:environment:prod:ref:refs/heads/main`,
    mainPush: `repo:${REPO}:ref:refs/heads/main:ref:refs/heads/main`,
    defaultEnv: `repo:${REPO}:environment:dev`,
  };

  test('apply: only its GitHub environment on main', async () => {
    expect(await assume('automock-dev-github-apply', sub.devMain)).toBe('Allowed');
    expect(await assume('automock-dev-github-apply', sub.devBranch)).not.toBe('Allowed');
    expect(await assume('automock-dev-github-apply', sub.prodMain)).not.toBe('Allowed');
    expect(await assume('automock-dev-github-apply', sub.mainPush)).not.toBe('Allowed');
    expect(await assume('automock-dev-github-apply', sub.pr)).not.toBe('Allowed');
    // the default subject (no ref): the repository's subject customisation is missing
    expect(await assume('automock-dev-github-apply', sub.defaultEnv)).not.toBe('Allowed');
    expect(await assume('automock-prod-github-apply', sub.prodMain)).toBe('Allowed');
    expect(await assume('automock-prod-github-apply', sub.devMain)).not.toBe('Allowed');
  });

  test('apply: not from another repository, a wrong audience, or another identity provider', async () => {
    expect(
      await assume(
        'automock-dev-github-apply',
        `repo:mallory/mock-infra:environment:dev:ref:refs/heads/main`,
      ),
    ).not.toBe('Allowed');
    expect(
      await assume(
        'automock-dev-github-apply',
        `repo:ACME/mock-infra:environment:dev:ref:refs/heads/main`,
      ),
    ).not.toBe('Allowed');
    expect(
      await assume('automock-dev-github-apply', sub.devMain, 'https://github.com/acme'),
    ).not.toBe('Allowed');
    expect(
      await assume(
        'automock-dev-github-apply',
        sub.devMain,
        'sts.amazonaws.com',
        `arn:aws:iam::${ACCOUNT}:oidc-provider/example.com`,
      ),
    ).not.toBe('Allowed');
  });

  test('plan: pull requests of this repository only (a fork’s token names the fork)', async () => {
    expect(await assume('automock-dev-github-plan', sub.pr)).toBe('Allowed');
    expect(await assume('automock-dev-github-plan', sub.devMain)).not.toBe('Allowed');
    expect(await assume('automock-dev-github-plan', sub.mainPush)).not.toBe('Allowed');
    expect(
      await assume(
        'automock-dev-github-plan',
        'repo:mallory/mock-infra:pull_request:ref:refs/pull/42/merge',
      ),
    ).not.toBe('Allowed');
    expect(
      await assume('automock-dev-github-plan', `repo:${REPO}:pull_request:ref:refs/heads/main`),
    ).not.toBe('Allowed');
    expect(await assume('automock-dev-github-plan', sub.pr, 'https://github.com/acme')).not.toBe(
      'Allowed',
    );
  });

  test('drift: jobs on main outside any GitHub environment (the scheduled check), nothing else', async () => {
    const role = 'automock-dev-github-drift';
    expect(await assume(role, sub.mainPush)).toBe('Allowed');
    for (const s of [
      sub.pr,
      sub.devMain,
      sub.prodMain,
      sub.devBranch,
      `repo:${REPO}:ref:refs/heads/feature:ref:refs/heads/feature`,
      `repo:${REPO}:ref:refs/tags/v1.0.0:ref:refs/tags/v1.0.0`,
      `repo:${REPO}:ref:refs/heads/main`, // the default subject: customisation missing
      `repo:mallory/mock-infra:ref:refs/heads/main:ref:refs/heads/main`,
      `repo:${REPO}:ref:refs/heads/main:ref:refs/heads/main-old`,
    ])
      expect([s, await assume(role, s)]).not.toEqual([s, 'Allowed']);
    expect(await assume(role, sub.mainPush, 'https://github.com/acme')).not.toBe('Allowed');
    // the other roles do not accept the drift subject
    expect(await assume('automock-dev-github-plan', sub.mainPush)).not.toBe('Allowed');
    expect(await assume('automock-dev-github-apply', sub.mainPush)).not.toBe('Allowed');
    // nor does another environment's drift role trust anything else
    expect(await assume('automock-prod-github-drift', sub.mainPush)).toBe('Allowed');
    expect(await assume('automock-prod-github-drift', sub.prodMain)).not.toBe('Allowed');
  });

  test('immutable subjects (owner and repository ids) when the repository uses them', async () => {
    const { json: j } = synth({
      github: {
        owner: 'acme',
        repository: 'mock-infra',
        immutableIds: { ownerId: 123, repositoryId: 456 },
      },
    });
    const t = (s: string) =>
      decideAssume(
        trustOf(j, 'automock-dev-github-apply'),
        {
          providerArn: PROVIDER_ARN,
          host: GITHUB_OIDC_HOST,
          aud: 'sts.amazonaws.com',
          sub: s,
        },
        roleArn('automock-dev-github-apply'),
      );
    expect(await t('repo:acme@123/mock-infra@456:environment:dev:ref:refs/heads/main')).toBe(
      'Allowed',
    );
    expect(await t(sub.devMain)).not.toBe('Allowed');
  });

  test('mainBranch changes the branch the apply role requires', async () => {
    const { json: j } = synth({ mainBranch: 'trunk', oidcProvider: 'existing' });
    const arn = PROVIDER_ARN;
    const t = (s: string) =>
      decideAssume(
        trustOf(j, 'automock-dev-github-apply'),
        { providerArn: arn, host: GITHUB_OIDC_HOST, aud: 'sts.amazonaws.com', sub: s },
        roleArn('automock-dev-github-apply'),
      );
    expect(await t(`repo:${REPO}:environment:dev:ref:refs/heads/trunk`)).toBe('Allowed');
    expect(await t(sub.devMain)).not.toBe('Allowed');
    expect(j.resource.aws_iam_openid_connect_provider).toBeUndefined();
    const d = (s: string) =>
      decideAssume(
        trustOf(j, 'automock-dev-github-drift'),
        { providerArn: arn, host: GITHUB_OIDC_HOST, aud: 'sts.amazonaws.com', sub: s },
        roleArn('automock-dev-github-drift'),
      );
    expect(await d(`repo:${REPO}:ref:refs/heads/trunk:ref:refs/heads/trunk`)).toBe('Allowed');
    expect(await d(sub.mainPush)).not.toBe('Allowed');
  });
});

describe('GithubOidcAccess: what the apply role may do (decided by iam-simulate)', () => {
  const region = 'us-east-1';
  const at = (svc: string, rest: string) => `arn:aws:${svc}:${region}:${ACCOUNT}:${rest}`;

  test('first apply of the reaper: its dead-letter queue and invoke config', async () => {
    const queue = at('sqs', 'automock-dev-reaper-dlq');
    for (const action of ['sqs:CreateQueue', 'sqs:TagQueue'])
      expect([action, await apply('dev', { action, resource: queue, context: newDev })]).toEqual([
        action,
        'Allowed',
      ]);
    for (const action of ['sqs:SetQueueAttributes', 'sqs:GetQueueAttributes', 'sqs:DeleteQueue'])
      expect([action, await apply('dev', { action, resource: queue })]).toEqual([
        action,
        'Allowed',
      ]);
    const fn = at('lambda', 'function:automock-dev-reaper');
    for (const verb of ['Put', 'Get', 'Update', 'Delete']) {
      const action = `lambda:${verb}FunctionEventInvokeConfig`;
      expect([action, await apply('dev', { action, resource: fn })]).toEqual([action, 'Allowed']);
    }
  });

  test('the Cloud Map namespace: created tagged for the environment, its private zone created and read, no other DNS write', async () => {
    const ns = at('servicediscovery', 'namespace/ns-0123456789abcdef');
    expect(
      await apply('dev', {
        action: 'servicediscovery:CreatePrivateDnsNamespace',
        resource: '*',
        context: newDev,
      }),
    ).toBe('Allowed');
    expect(
      await apply('dev', {
        action: 'servicediscovery:CreatePrivateDnsNamespace',
        resource: '*',
        context: { 'aws:RequestTag/automock:env': 'prod' },
      }),
    ).not.toBe('Allowed');
    for (const action of ['route53:CreateHostedZone', 'route53:ListHostedZonesByName'])
      expect([action, await apply('dev', { action, resource: '*' })]).toEqual([action, 'Allowed']);
    const zone = 'arn:aws:route53:::hostedzone/Z0PRIVATE0123456789';
    expect(await apply('dev', { action: 'route53:GetHostedZone', resource: zone })).toBe('Allowed');
    // dev has no domain: no record changes and no zone deletion anywhere
    for (const action of ['route53:ChangeResourceRecordSets', 'route53:DeleteHostedZone'])
      expect([action, await apply('dev', { action, resource: zone })]).toEqual([
        action,
        'ImplicitlyDenied',
      ]);
    for (const action of [
      'servicediscovery:GetNamespace',
      'servicediscovery:GetOperation',
      'servicediscovery:DeleteNamespace',
    ]) {
      expect([action, await apply('dev', { action, resource: ns, context: devTags })]).toEqual([
        action,
        'Allowed',
      ]);
      expect([
        action,
        await apply('dev', {
          action,
          resource: ns,
          context: { 'aws:ResourceTag/automock:env': 'prod' },
        }),
      ]).toEqual([action, 'ImplicitlyDenied']);
    }
    // planning reads the namespace, never creates one
    expect(
      await plan('dev', {
        action: 'servicediscovery:GetNamespace',
        resource: ns,
        context: devTags,
      }),
    ).toBe('Allowed');
    expect(await plan('dev', { action: 'route53:CreateHostedZone', resource: '*' })).not.toBe(
      'Allowed',
    );
  });

  test('certificates are requested on "*", tagged for the environment', async () => {
    expect(
      await apply('prod', {
        action: 'acm:RequestCertificate',
        resource: '*',
        context: { 'aws:RequestTag/automock:env': 'prod' },
      }),
    ).toBe('Allowed');
    expect(
      await apply('prod', {
        action: 'acm:RequestCertificate',
        resource: '*',
        context: { 'aws:RequestTag/automock:env': 'dev' },
      }),
    ).not.toBe('Allowed');
  });

  test('roles only with the environment’s boundary; never AdministratorAccess; never the boundary or CI roles', async () => {
    const role = roleArn('automock-dev-reaper');
    expect(
      await apply('dev', {
        action: 'iam:CreateRole',
        resource: role,
        context: { 'iam:PermissionsBoundary': BOUNDARY, ...newDev },
      }),
    ).toBe('Allowed');
    expect(
      await apply('dev', { action: 'iam:CreateRole', resource: role, context: newDev }),
    ).not.toBe('Allowed');
    expect(
      await apply('dev', {
        action: 'iam:CreateRole',
        resource: role,
        context: {
          'iam:PermissionsBoundary': permissionsBoundaryArn('aws', ACCOUNT, 'automock', 'prod'),
        },
      }),
    ).not.toBe('Allowed');
    expect(
      await apply('dev', {
        action: 'iam:PutRolePolicy',
        resource: role,
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      }),
    ).toBe('Allowed');
    expect(await apply('dev', { action: 'iam:PutRolePolicy', resource: role })).not.toBe('Allowed');
    expect(
      await apply('dev', {
        action: 'iam:AttachRolePolicy',
        resource: role,
        context: {
          'iam:PermissionsBoundary': BOUNDARY,
          'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess',
        },
      }),
    ).toBe('ExplicitlyDenied');
    expect(
      await apply('dev', {
        action: 'iam:DeleteRolePermissionsBoundary',
        resource: role,
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      }),
    ).toBe('ExplicitlyDenied');
    // the CI roles (drift included) carry the environment's name but are never its to change
    for (const ci of ['plan', 'apply', 'drift'])
      for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRole'])
        expect([
          ci,
          action,
          await apply('dev', {
            action,
            resource: roleArn(`automock-dev-github-${ci}`),
            context: { 'iam:PermissionsBoundary': BOUNDARY },
          }),
        ]).toEqual([ci, action, 'ExplicitlyDenied']);
    for (const action of [
      'iam:DeletePolicy',
      'iam:CreatePolicyVersion',
      'iam:SetDefaultPolicyVersion',
    ])
      expect([action, await apply('dev', { action, resource: BOUNDARY })]).toEqual([
        action,
        'ExplicitlyDenied',
      ]);
    for (const ci of [
      'automock-dev-github-apply',
      'automock-dev-github-plan',
      'automock-prod-github-apply',
    ])
      for (const action of ['iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRole'])
        expect([
          ci,
          action,
          await apply('dev', {
            action,
            resource: roleArn(ci),
            context: { 'iam:PermissionsBoundary': BOUNDARY },
          }),
        ]).toEqual([ci, action, 'ExplicitlyDenied']);
  });

  test('passes its roles only to the services they trust', async () => {
    const role = roleArn('automock-dev-destroyer-task');
    expect(
      await apply('dev', {
        action: 'iam:PassRole',
        resource: role,
        context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      }),
    ).toBe('Allowed');
    expect(
      await apply('dev', {
        action: 'iam:PassRole',
        resource: role,
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      }),
    ).not.toBe('Allowed');
    expect(
      await apply('dev', {
        action: 'iam:PassRole',
        resource: roleArn('automock-prod-reaper'),
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      }),
    ).not.toBe('Allowed');
  });

  test('another environment’s state, objects, roles and services are out of reach', async () => {
    const cases: SimRequest[] = [
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/envs/prod/terraform.tfstate` },
      {
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${BUCKET}/projects/prod/petstore/terraform.tfstate`,
      },
      {
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${BUCKET}/bootstrap/us-east-1/terraform.tfstate`,
      },
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/tools/prod/destroyer-0123.js` },
      {
        action: 's3:PutObject',
        resource: `arn:aws:s3:::automock-tfstate-111111111111-eu-west-1/envs/dev/terraform.tfstate`,
      },
      {
        action: 's3:PutBucketPolicy',
        resource: `arn:aws:s3:::automock-tfstate-111111111111-eu-west-1`,
      },
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/ci/applied/prod.sha` },
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/ci/applied/prod/123/b001` },
      {
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${BUCKET}`,
        context: { 's3:prefix': 'ci/applied/prod/' },
      },
      {
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::automock-prod-petstore-config-111111111111/expectations.json',
      },
      {
        action: 'iam:UpdateAssumeRolePolicy',
        resource: roleArn('automock-prod-reaper'),
        context: { 'iam:PermissionsBoundary': BOUNDARY },
      },
      {
        action: 'ecs:DeleteService',
        resource: at('ecs', 'service/automock-prod/automock-prod-petstore-mockserver'),
      },
      {
        action: 'ec2:DeleteSubnet',
        resource: at('ec2', 'subnet/subnet-0123'),
        context: { 'aws:ResourceTag/automock:env': 'prod' },
      },
      {
        action: 'elasticloadbalancing:DeleteLoadBalancer',
        resource: at('elasticloadbalancing', 'loadbalancer/app/automock-prod-shared/0123'),
        context: { 'aws:ResourceTag/automock:env': 'prod' },
      },
      {
        action: 'lambda:UpdateFunctionCode',
        resource: at('lambda', 'function:automock-prod-reaper'),
      },
      {
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`,
        context: { 'dynamodb:LeadingKeys': [`${BUCKET}/envs/prod/terraform.tfstate`] },
      },
    ];
    for (const c of cases)
      expect([c.action, c.resource, await apply('dev', c)]).not.toEqual([
        c.action,
        c.resource,
        'Allowed',
      ]);
  });

  test('its own state, lock items and resources it may use', async () => {
    const cases: SimRequest[] = [
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/envs/dev/terraform.tfstate` },
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/ci/applied/dev.sha` },
      // each project job of an apply run notes it finished; the last one writes the marker
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/ci/applied/dev/123/b001` },
      { action: 's3:DeleteObject', resource: `arn:aws:s3:::${BUCKET}/ci/applied/dev/123/b001` },
      {
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${BUCKET}`,
        context: { 's3:prefix': 'ci/applied/dev/123/' },
      },
      {
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${BUCKET}`,
        context: { 's3:prefix': 'env:/' },
      },
      {
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`,
        context: { 'dynamodb:LeadingKeys': [`${BUCKET}/projects/dev/petstore/terraform.tfstate`] },
      },
      { action: 'ec2:CreateVpc', resource: at('ec2', 'vpc/*'), context: newDev },
      { action: 'ec2:CreateSubnet', resource: at('ec2', 'vpc/vpc-0123'), context: devTags },
      {
        action: 'ec2:CreateTags',
        resource: at('ec2', 'security-group/sg-0123'),
        context: { ...newDev },
      },
      {
        action: 'ecs:CreateService',
        resource: at('ecs', 'service/automock-dev/automock-dev-petstore-mockserver'),
        context: newDev,
      },
    ];
    for (const c of cases)
      expect([c.action, c.resource, await apply('dev', c)]).toEqual([
        c.action,
        c.resource,
        'Allowed',
      ]);
  });
});

describe('GithubOidcAccess: the drift role reads like the plan role, and writes nothing but its locks', () => {
  test('its own state and locks; no state writes, no apply marker, no other environment', async () => {
    const allowed: SimRequest[] = [
      { action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/envs/dev/terraform.tfstate` },
      {
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${BUCKET}/projects/dev/petstore/terraform.tfstate.tflock`,
      },
      {
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`,
        context: { 'dynamodb:LeadingKeys': [`${BUCKET}/envs/dev/terraform.tfstate`] },
      },
    ];
    const denied: SimRequest[] = [
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/envs/dev/terraform.tfstate` },
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/ci/applied/dev.sha` },
      { action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/envs/prod/terraform.tfstate` },
      {
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`,
        context: { 'dynamodb:LeadingKeys': [`${BUCKET}/envs/prod/terraform.tfstate`] },
      },
      {
        action: 'ssm:GetParameter',
        resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/db/password`,
      },
    ];
    for (const c of allowed)
      expect([c.action, c.resource, await drift('dev', c)]).toEqual([
        c.action,
        c.resource,
        'Allowed',
      ]);
    for (const c of denied) {
      expect([c.action, c.resource, await drift('dev', c)]).not.toEqual([
        c.action,
        c.resource,
        'Allowed',
      ]);
      // and the plan role decides the same
      expect([c.action, await plan('dev', c)]).toEqual([c.action, await drift('dev', c)]);
    }
  });
});

describe('GithubOidcAccess: the plan role reads configuration, never data', () => {
  test('no objects outside the state bucket beyond its own environment’s, no parameters, secrets or items', async () => {
    const denied: SimRequest[] = [
      { action: 's3:GetObject', resource: 'arn:aws:s3:::some-team-data/customers.csv' },
      {
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::automock-prod-petstore-config-111111111111/expectations.json',
      },
      { action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/envs/prod/terraform.tfstate` },
      { action: 's3:PutObject', resource: `arn:aws:s3:::${BUCKET}/envs/dev/terraform.tfstate` },
      {
        action: 'ssm:GetParameter',
        resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/db/password`,
      },
      {
        action: 'secretsmanager:GetSecretValue',
        resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`,
      },
      {
        action: 'dynamodb:GetItem',
        resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-deployments`,
        context: { 'dynamodb:LeadingKeys': ['dev#petstore'] },
      },
      {
        action: 'dynamodb:DeleteItem',
        resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`,
        context: { 'dynamodb:LeadingKeys': [`${BUCKET}/envs/prod/terraform.tfstate`] },
      },
      {
        action: 's3:DeleteObject',
        resource: `arn:aws:s3:::${BUCKET}/envs/prod/terraform.tfstate.tflock`,
      },
      {
        action: 'lambda:GetFunction',
        resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:payments-api`,
      },
    ];
    for (const c of denied)
      expect([c.action, c.resource, await plan('dev', c)]).not.toEqual([
        c.action,
        c.resource,
        'Allowed',
      ]);
    const allowed: SimRequest[] = [
      { action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/envs/dev/terraform.tfstate` },
      {
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${BUCKET}/envs/dev/terraform.tfstate.tflock`,
      },
      {
        action: 'dynamodb:PutItem',
        resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`,
        context: { 'dynamodb:LeadingKeys': [`${BUCKET}/envs/dev/terraform.tfstate`] },
      },
      { action: 'ec2:DescribeVpcs', resource: '*' },
      {
        action: 'lambda:GetFunction',
        resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:automock-dev-reaper`,
      },
    ];
    for (const c of allowed)
      expect([c.action, c.resource, await plan('dev', c)]).toEqual([
        c.action,
        c.resource,
        'Allowed',
      ]);
  });
});

describe('GithubOidcAccess: sizes and validation', () => {
  test('a statement too large for one policy is split by its actions, in order', () => {
    const big: PolicyStatement = {
      Sid: 'Big',
      Effect: 'Allow',
      Action: Array.from({ length: 400 }, (_, i) => `ec2:DescribeThing${i}`),
      Resource: '*',
    };
    const docs = packStatements([big], 6144);
    expect(docs.length).toBeGreaterThan(1);
    for (const d of docs) expect(policySize(d)).toBeLessThanOrEqual(6144);
    expect(docs.flatMap((d) => d.Statement.flatMap((s) => [s.Action].flat()))).toEqual(big.Action);
  });

  test('an environment whose stacks hold an unmapped type fails naming it, and nothing is created', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    expect(
      () =>
        new GithubOidcAccess(stack, 'ci', {
          ...base,
          environments: [
            env('dev', { inventory: { ...inventory, resources: ['aws_rds_cluster'] } }),
          ],
        }),
    ).toThrow(/No IAM actions known for "aws_rds_cluster"/);
    expect(stack.node.children).toHaveLength(0);
  });

  test('invalid configuration names field, value and rule, and creates nothing', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    expect(
      () =>
        new GithubOidcAccess(stack, 'ci', {
          ...base,
          github: { owner: 'acme*', repository: 'repo/x' },
          accountId: '123',
          mainBranch: 'releases/*',
          applySessionSeconds: 600,
          environments: [env('dev'), env('dev', { stateRegion: 'mars' })],
        }),
    ).toThrow(
      /githubOidcAccess\.github\.owner: got "acme\*"[\s\S]*github\.repository: got "repo\/x"[\s\S]*accountId: got "123"[\s\S]*mainBranch: got "releases\/\*"[\s\S]*applySessionSeconds: got 600[\s\S]*environments\[1\]\.name: got "dev", must be unique[\s\S]*environments\[1\]\.stateRegion: got "mars"/,
    );
    expect(stack.node.children).toHaveLength(0);
  });

  test('the mapping covers every type of the fixture inventory', () => {
    for (const t of inventory.resources) expect(RESOURCE_ACTIONS[t]).toBeDefined();
  });
});

// ---- Workloads (issue 13): their state keys and lock items, and the secrets their stacks write.
describe('GithubOidcAccess: workload stacks (state, locks and generated secrets)', () => {
  const devSecrets = [
    'automock/dev/orders/api-token',
    'automock/dev/orders/signing-key',
    'automock/dev/petstore/control-plane-token',
  ];
  const prodSecrets = ['automock/prod/sandbox-broker/broker-api-token'];
  const secretTypes = ['aws_secretsmanager_secret', 'aws_secretsmanager_secret_version'];
  const withSecrets = (inv: EnvironmentInventory, names: string[]): EnvironmentInventory => ({
    ...inv,
    resources: [...inv.resources, ...secretTypes],
    secretVersionNames: names,
  });
  const w = synth({
    environments: [
      env('dev', { inventory: withSecrets(inventory, devSecrets) }),
      env('prod', {
        hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        domainName: 'mocks.example.com',
        inventory: withSecrets(prodInventory, prodSecrets),
      }),
    ],
  }).json;
  const as = (kind: 'plan' | 'apply' | 'drift', envName: string) => (request: SimRequest) => {
    const role = `automock-${envName}-github-${kind}`;
    return decide({ accountId: ACCOUNT, roleArn: roleArn(role) }, policiesOf(w, role), request);
  };
  const key = (k: string) => `arn:aws:s3:::${BUCKET}/${k}`;
  const locks = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/automock-terraform-locks`;
  const lockItem = (k: string): SimRequest => ({
    action: 'dynamodb:PutItem',
    resource: locks,
    context: { 'dynamodb:LeadingKeys': [`${BUCKET}/${k}`] },
  });
  const secret = (name: string): SimRequest => ({
    action: 'secretsmanager:GetSecretValue',
    resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${name}-AbCdEf`,
  });
  const decisions = async (
    decide1: (r: SimRequest) => Promise<string>,
    requests: readonly SimRequest[],
  ) => Promise.all(requests.map(async (r) => [r.action, r.resource, await decide1(r)]));
  const expectAll = async (
    decide1: (r: SimRequest) => Promise<string>,
    requests: readonly SimRequest[],
    allowed: boolean,
  ) => {
    for (const [action, resource, d] of await decisions(decide1, requests))
      expect([action, resource, d === 'Allowed']).toEqual([action, resource, allowed]);
  };
  const STATE = 'workloads/dev/orders/terraform.tfstate';

  test("the apply role reads, writes and locks its environment's workload state, and no other", async () => {
    await expectAll(
      as('apply', 'dev'),
      [
        { action: 's3:GetObject', resource: key(STATE) },
        { action: 's3:PutObject', resource: key(STATE) },
        { action: 's3:DeleteObject', resource: key(`${STATE}.tflock`) },
        {
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${BUCKET}`,
          context: { 's3:prefix': 'workloads/dev/orders/' },
        },
        lockItem(STATE),
        lockItem(`${STATE}-md5`),
      ],
      true,
    );
    await expectAll(
      as('apply', 'dev'),
      [
        { action: 's3:PutObject', resource: key('workloads/prod/orders/terraform.tfstate') },
        { action: 's3:GetObject', resource: key('workloads/prod/orders/terraform.tfstate') },
        // the `/` after the environment keeps `dev-eu` out of `dev`
        { action: 's3:PutObject', resource: key('workloads/dev-eu/orders/terraform.tfstate') },
        { action: 's3:PutObject', resource: key('workload/dev/orders/terraform.tfstate') },
        { action: 's3:PutObject', resource: key('other/dev/orders/terraform.tfstate') },
        // old versions of a workload's state are kept like every other state's
        { action: 's3:DeleteObjectVersion', resource: key(STATE) },
        {
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${BUCKET}`,
          context: { 's3:prefix': 'workloads/prod/' },
        },
        lockItem('workloads/prod/orders/terraform.tfstate'),
        lockItem('other/dev/orders/terraform.tfstate'),
      ],
      false,
    );
  });

  test('the plan and drift roles read and lock it, and write no state', async () => {
    for (const kind of ['plan', 'drift'] as const) {
      await expectAll(
        as(kind, 'dev'),
        [
          { action: 's3:GetObject', resource: key(STATE) },
          { action: 's3:PutObject', resource: key(`${STATE}.tflock`) },
          lockItem(STATE),
        ],
        true,
      );
      await expectAll(
        as(kind, 'dev'),
        [
          { action: 's3:PutObject', resource: key(STATE) },
          { action: 's3:GetObject', resource: key('workloads/prod/orders/terraform.tfstate') },
          lockItem('workloads/prod/orders/terraform.tfstate'),
        ],
        false,
      );
    }
  });

  test("the CI roles read the values of the secrets their environment's stacks write, and of no other secret", async () => {
    for (const kind of ['plan', 'drift', 'apply'] as const) {
      // the tokens of any project of the environment (a token's value is in its listener rules)
      await expectAll(
        as(kind, 'dev'),
        [...devSecrets.map(secret), secret('automock/dev/billing/control-plane-token')],
        true,
      );
      await expectAll(
        as(kind, 'dev'),
        [
          // a secret of the same workload whose value a person puts (no version in Terraform)
          secret('automock/dev/orders/csp-token'),
          // a workload that is not declared for dev, and a name that only starts like one
          secret('automock/dev/payments/api-token'),
          secret('automock/dev/orders/api-token-old'),
          // another environment's workload secret and token
          secret('automock/prod/sandbox-broker/broker-api-token'),
          secret('automock/prod/petstore/control-plane-token'),
          secret('automock/dev/db-password'),
          // and still no state write through any of this
          { action: 's3:PutObject', resource: key('envs/prod/terraform.tfstate') },
        ],
        false,
      );
    }
    await expectAll(as('plan', 'prod'), prodSecrets.map(secret), true);
    // prod's stacks hold no project, so no token is readable there
    await expectAll(
      as('plan', 'prod'),
      [...devSecrets.map(secret), secret('automock/prod/petstore/control-plane-token')],
      false,
    );
  });

  test('the value reads are exact names, never the environment’s whole secret path', () => {
    const reads = policiesOf(w, 'automock-dev-github-plan')
      .flatMap((d) => d.Statement)
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => [s.Resource].flat());
    expect(reads.sort()).toEqual(
      [
        'automock/dev/*/control-plane-token',
        'automock/dev/orders/api-token',
        'automock/dev/orders/signing-key',
      ].map((n) => `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:${n}-??????`),
    );
  });

  test('a secret name outside the environment, or a pattern, is refused', () => {
    for (const bad of ['automock/prod/orders/api-token', 'automock/dev/orders/*']) {
      const stack = new TerraformStack(Testing.app(), 's');
      expect(
        () =>
          new GithubOidcAccess(stack, 'ci', {
            ...base,
            environments: [env('dev', { inventory: withSecrets(inventory, [bad]) })],
          }),
      ).toThrow(`secret ${JSON.stringify(bad)} of environment dev must be a literal name`);
      expect(stack.node.children).toHaveLength(0);
    }
  });

  test('many secrets spread over more managed policies; past IAM’s ten per role the error says why', () => {
    const names = (n: number) =>
      Array.from({ length: n }, (_, i) => `automock/dev/${'w'.repeat(40)}${i}/${'s'.repeat(60)}`);
    const fits = synth({
      environments: [env('dev', { inventory: withSecrets(inventory, names(150)) })],
    });
    const docs = fits.access.environments.dev!.planPolicies;
    expect(docs.length).toBeGreaterThan(2);
    for (const d of docs) expect(policySize(d)).toBeLessThanOrEqual(6144);
    const read = docs
      .flatMap((d) => d.Statement)
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => [s.Resource].flat());
    expect(read).toHaveLength(150);
    const stack = new TerraformStack(Testing.app(), 's');
    expect(
      () =>
        new GithubOidcAccess(stack, 'ci', {
          ...base,
          environments: [env('dev', { inventory: withSecrets(inventory, names(600)) })],
        }),
    ).toThrow(
      /environments\[dev\]: the (apply|plan) role needs \d+ managed policies, over the 10 IAM allows a role by default \(its stacks write 600 secret values/,
    );
    expect(stack.node.children).toHaveLength(0);
  });
});
