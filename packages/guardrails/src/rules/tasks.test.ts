import { policyJson, PolicyStatement, serviceTrustStatement } from '@automock/core';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue, SqsQueueConfig } from '@cdktf/provider-aws/lib/sqs-queue';
import { TerraformStack } from 'cdktf';
import { check, findings, testStack } from '../testing/fixtures';

const CLUSTER = 'arn:aws:ecs:us-east-1:111111111111:cluster/automock-dev';
const FAMILY = 'automock-dev-shop-cleanup-scheduled';
const PASS: PolicyStatement = {
  Effect: 'Allow',
  Action: 'iam:PassRole',
  Resource: ['arn:aws:iam::111111111111:role/automock-dev-shop-cleanup-task'],
  Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
};
const RUN: PolicyStatement = {
  Effect: 'Allow',
  Action: 'ecs:RunTask',
  Resource: `arn:aws:ecs:us-east-1:111111111111:task-definition/${FAMILY}:*`,
};

function taskDefinition(stack: TerraformStack): EcsTaskDefinition {
  return new EcsTaskDefinition(stack, 'td', {
    family: FAMILY,
    containerDefinitions: '[]',
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
  });
}

/** A schedule whose role has these statements. */
function scheduled(statements: PolicyStatement[]) {
  const { app, stack } = testStack();
  const td = taskDefinition(stack);
  const role = new IamRole(stack, 'role', {
    name: 'automock-dev-shop-cleanup-scheduler',
    assumeRolePolicy: policyJson([serviceTrustStatement('scheduler.amazonaws.com')]),
  });
  new IamRolePolicy(stack, 'policy', {
    role: role.id,
    name: 'run-task',
    policy: policyJson(statements),
  });
  new SchedulerSchedule(stack, 'schedule', {
    name: 'cleanup',
    scheduleExpression: 'rate(1 day)',
    flexibleTimeWindow: { mode: 'OFF' },
    target: {
      arn: CLUSTER,
      roleArn: role.arn,
      ecsParameters: { taskDefinitionArn: td.arn },
    },
  });
  return check(app);
}

/** A rule target whose role has these statements and whose DLQ is this queue. */
function eventDriven(
  statements: PolicyStatement[],
  queue: Partial<SqsQueueConfig> = { sqsManagedSseEnabled: true },
) {
  const { app, stack } = testStack();
  const td = taskDefinition(stack);
  const role = new IamRole(stack, 'role', {
    name: 'automock-dev-shop-orders-invoke',
    assumeRolePolicy: policyJson([serviceTrustStatement('events.amazonaws.com')]),
  });
  new IamRolePolicy(stack, 'policy', {
    role: role.id,
    name: 'run-task',
    policy: policyJson(statements),
  });
  const rule = new CloudwatchEventRule(stack, 'rule', {
    name: 'orders',
    eventPattern: '{"source":["a"]}',
  });
  const dlq = new SqsQueue(stack, 'dlq', { name: 'orders-dlq', ...queue });
  new CloudwatchEventTarget(stack, 'target', {
    rule: rule.name,
    arn: CLUSTER,
    roleArn: role.arn,
    deadLetterConfig: { arn: dlq.arn },
    ecsTarget: { taskDefinitionArn: td.arn },
  });
  return check(app);
}

describe('AM-TASK-1', () => {
  test('RunTask on the family the schedule starts passes', () => {
    expect(findings(scheduled([RUN, PASS]), 'AM-TASK-1')).toHaveLength(0);
  });

  test('RunTask on the task definition reference passes', () => {
    const { app, stack } = testStack();
    const td = taskDefinition(stack);
    const role = new IamRole(stack, 'role', {
      assumeRolePolicy: policyJson([serviceTrustStatement('events.amazonaws.com')]),
    });
    new IamRolePolicy(stack, 'p', {
      role: role.id,
      policy: policyJson([{ ...RUN, Resource: td.arn }, PASS]),
    });
    new CloudwatchEventTarget(stack, 't', {
      rule: 'r',
      arn: CLUSTER,
      roleArn: role.arn,
      ecsTarget: { taskDefinitionArn: td.arn },
    });
    expect(findings(check(app), 'AM-TASK-1')).toHaveLength(0);
  });

  test('RunTask on * is caught', () => {
    const f = findings(scheduled([{ ...RUN, Resource: '*' }, PASS]), 'AM-TASK-1');
    expect(f).toHaveLength(1);
    expect(f[0]!.address).toBe('aws_iam_role.role');
    expect(f[0]!.message).toMatch(
      /ecs:RunTask on \*, beyond the task definition family it starts \(automock-dev-shop-cleanup-scheduled\)/,
    );
  });

  test('RunTask on another family is caught', () => {
    const other = 'arn:aws:ecs:us-east-1:111111111111:task-definition/automock-dev-shop-backend:*';
    expect(findings(eventDriven([{ ...RUN, Resource: other }, PASS]), 'AM-TASK-1')).toHaveLength(1);
  });

  test('ecs:* on a family wildcard is caught', () => {
    const wide = 'arn:aws:ecs:us-east-1:111111111111:task-definition/automock-dev-*';
    expect(
      findings(scheduled([{ ...RUN, Action: 'ecs:*', Resource: wide }, PASS]), 'AM-TASK-1'),
    ).toHaveLength(1);
  });
});

describe('AM-TASK-2', () => {
  test('PassRole of named roles to ECS tasks passes', () => {
    expect(findings(scheduled([RUN, PASS]), 'AM-TASK-2')).toHaveLength(0);
  });

  test('PassRole without iam:PassedToService is caught', () => {
    const f = findings(eventDriven([RUN, { ...PASS, Condition: undefined }]), 'AM-TASK-2');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/without the condition StringEquals iam:PassedToService/);
  });

  test('PassRole to another service is caught', () => {
    const f = findings(
      scheduled([
        RUN,
        { ...PASS, Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
      ]),
      'AM-TASK-2',
    );
    expect(f).toHaveLength(1);
  });

  test('PassRole on every role is caught', () => {
    const f = findings(scheduled([RUN, { ...PASS, Resource: '*' }]), 'AM-TASK-2');
    expect(f.map((x) => x.message)).toEqual([expect.stringMatching(/on every role/)]);
  });
});

describe('AM-TASK-3', () => {
  test('an SSE dead-letter queue passes', () => {
    expect(findings(eventDriven([RUN, PASS]), 'AM-TASK-3')).toHaveLength(0);
  });

  test('a KMS-encrypted dead-letter queue passes', () => {
    expect(
      findings(eventDriven([RUN, PASS], { kmsMasterKeyId: 'alias/x' }), 'AM-TASK-3'),
    ).toHaveLength(0);
  });

  test('an unencrypted dead-letter queue is caught', () => {
    const f = findings(eventDriven([RUN, PASS], { sqsManagedSseEnabled: false }), 'AM-TASK-3');
    expect(f).toHaveLength(1);
    expect(f[0]!.address).toBe('aws_sqs_queue.dlq');
  });
});
