import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { TerraformStack, Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';
import { EnvironmentBoundary, EnvironmentBoundaryProps } from './EnvironmentBoundary';
import { PolicyDocument } from '@automock/core';
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
