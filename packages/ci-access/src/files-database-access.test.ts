import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { PolicyDocument } from '@automock/core';
import { decide, SimRequest } from '@automock/test-support/iam';
import { EnvironmentInventory } from './environment-policies';
import { GithubOidcAccess } from './GithubOidcAccess';
import { RESOURCE_ACTIONS } from './resource-actions';
import { TAG_SCOPED_SERVICES, TAGGED_WILDCARD_CREATES, UNTAG_ACTIONS } from './service-scopes';

// Issue 14 E: what the apply role of an environment with workload files (EFS) and a database
// (RDS, master password managed by RDS in Secrets Manager) may do, decided by iam-simulate.
const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const inventory: EnvironmentInventory = {
  resources: [
    'aws_vpc',
    'aws_subnet',
    'aws_security_group',
    'aws_efs_file_system',
    'aws_efs_mount_target',
    'aws_efs_access_point',
    'aws_db_subnet_group',
    'aws_db_instance',
    'aws_db_parameter_group',
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

async function apply(request: SimRequest, env = 'dev') {
  const role = `automock-${env}-github-apply`;
  return decide(
    { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}` },
    policiesOf(role),
    request,
  );
}

const at = (svc: string, rest: string) => `arn:aws:${svc}:${REGION}:${ACCOUNT}:${rest}`;
const fs = at('elasticfilesystem', 'file-system/fs-0123456789abcdef0');
const ap = at('elasticfilesystem', 'access-point/fsap-0123456789abcdef0');
const devTags = { 'aws:ResourceTag/automock:env': 'dev' };
const prodTags = { 'aws:ResourceTag/automock:env': 'prod' };
const newDev = { 'aws:RequestTag/automock:env': 'dev', 'aws:TagKeys': ['automock:env'] };

describe('EFS rows (issue 14 E)', () => {
  test('map create, read, update, delete and tags of file systems, mount targets and access points', () => {
    expect(RESOURCE_ACTIONS.aws_efs_file_system!.create).toEqual(
      expect.arrayContaining([
        'elasticfilesystem:CreateFileSystem',
        'elasticfilesystem:PutLifecycleConfiguration',
      ]),
    );
    expect(RESOURCE_ACTIONS.aws_efs_mount_target!.create).toContain('ec2:DescribeSubnets');
    expect(RESOURCE_ACTIONS.aws_efs_access_point!.delete).toContain(
      'elasticfilesystem:DeleteAccessPoint',
    );
    expect(TAGGED_WILDCARD_CREATES.has('elasticfilesystem:CreateFileSystem')).toBe(true);
    expect(TAG_SCOPED_SERVICES.elasticfilesystem).toBeDefined();
    expect(UNTAG_ACTIONS).toContain('elasticfilesystem:UntagResource');
  });

  test('a file system is created only tagged for the environment', async () => {
    expect(
      await apply({ action: 'elasticfilesystem:CreateFileSystem', resource: '*', context: newDev }),
    ).toBe('Allowed');
    expect(
      await apply({
        action: 'elasticfilesystem:CreateFileSystem',
        resource: '*',
        context: { 'aws:RequestTag/automock:env': 'prod' },
      }),
    ).not.toBe('Allowed');
    expect(await apply({ action: 'elasticfilesystem:CreateFileSystem', resource: '*' })).not.toBe(
      'Allowed',
    );
  });

  test("the environment's file systems are managed; another environment's are not", async () => {
    for (const action of [
      'elasticfilesystem:DescribeFileSystems',
      'elasticfilesystem:PutLifecycleConfiguration',
      'elasticfilesystem:CreateMountTarget',
      'elasticfilesystem:DeleteMountTarget',
      'elasticfilesystem:CreateAccessPoint',
      'elasticfilesystem:DeleteFileSystem',
    ]) {
      expect([action, await apply({ action, resource: fs, context: devTags })]).toEqual([
        action,
        'Allowed',
      ]);
      expect([action, await apply({ action, resource: fs, context: prodTags })]).not.toEqual([
        action,
        'Allowed',
      ]);
    }
    expect(
      await apply({
        action: 'elasticfilesystem:DeleteAccessPoint',
        resource: ap,
        context: devTags,
      }),
    ).toBe('Allowed');
    expect(
      await apply({
        action: 'elasticfilesystem:DeleteAccessPoint',
        resource: ap,
        context: prodTags,
      }),
    ).not.toBe('Allowed');
  });

  test('the tags sent with a create are allowed; removing the environment tag is not', async () => {
    expect(
      await apply({
        action: 'elasticfilesystem:TagResource',
        resource: fs,
        context: { ...newDev, 'elasticfilesystem:CreateAction': 'CreateFileSystem' },
      }),
    ).toBe('Allowed');
    expect(
      await apply({
        action: 'elasticfilesystem:UntagResource',
        resource: fs,
        context: { ...devTags, 'aws:TagKeys': ['automock:env'] },
      }),
    ).toBe('ExplicitlyDenied');
  });
});

describe("RDS-managed master password (issue 14 E, AWS's RDS user guide)", () => {
  const secret = at('secretsmanager', 'secret:rds!db-0123abcd-4567-89ef-0123-456789abcdef-AbCdEf');
  test('RDS may create, tag and rotate the rds!db- secret as the apply role', async () => {
    for (const action of [
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
      'secretsmanager:RotateSecret',
    ])
      expect([action, await apply({ action, resource: secret })]).toEqual([action, 'Allowed']);
    const key = at('kms', 'key/0123abcd-4567-89ef-0123-456789abcdef');
    // AWS managed keys' key policies (aws/s3, aws/lambda, aws/ebs, ... aws/secretsmanager) let the
    // account's principals read key metadata ("Allow direct access to key metadata to the
    // account"): the IAM policy decides.
    const keyPolicy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Allow direct access to key metadata to the account',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'],
          Resource: '*',
        },
      ],
    };
    expect([
      'kms:DescribeKey',
      await apply({ action: 'kms:DescribeKey', resource: key, resourcePolicy: keyPolicy }),
    ]).toEqual(['kms:DescribeKey', 'Allowed']);
    // ...but not another environment's key of the same account (its tags say whose it is)
    expect(
      await apply({
        action: 'kms:DescribeKey',
        resource: key,
        resourcePolicy: keyPolicy,
        context: prodTags,
      }),
    ).not.toBe('Allowed');
  });

  test('no other secret, and never its value', async () => {
    expect(
      await apply({
        action: 'secretsmanager:CreateSecret',
        resource: at('secretsmanager', 'secret:someone-else-AbCdEf'),
      }),
    ).not.toBe('Allowed');
    expect(await apply({ action: 'secretsmanager:GetSecretValue', resource: secret })).not.toBe(
      'Allowed',
    );
    expect(
      await apply({
        action: 'kms:Decrypt',
        resource: at('kms', 'key/0123abcd-4567-89ef-0123-456789abcdef'),
      }),
    ).not.toBe('Allowed');
  });
});
