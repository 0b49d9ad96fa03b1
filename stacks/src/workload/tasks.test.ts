import {
  defineEnvironment,
  eventTasksSection,
  IssueCollector,
  PolicyDocument,
  scheduledTasksSection,
  WorkloadSectionContext,
} from '@automock/core';
import { checkStacks, TASK_RULES } from '@automock/guardrails';
import { decide, Decision } from '@automock/test-support/iam';
import { TerraformOutput, Testing } from 'cdktf';
import { eventTasksBuilder, scheduledTasksBuilder } from './tasks';
import { testWorkloadContext } from './testing';

const env = defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'us-east-1' });
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/automock-dev';
const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:automock-dev-shop-db-Ab12Cd';
const SERVICE = {
  kind: 'service',
  name: 'backend',
  arn: 'arn:aws:ecs:us-east-1:123456789012:service/automock-dev/automock-dev-shop-backend',
  attributes: {
    image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/backend:2.0.1',
    containerName: 'backend',
    taskRoleArn: 'arn:aws:iam::123456789012:role/automock-dev-shop-backend-task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/automock-dev-shop-backend-execution',
    securityGroupId: 'sg-0backend',
    logGroupName: '/ecs/automock/dev/shop/backend',
    taskDefinitionArn:
      'arn:aws:ecs:us-east-1:123456789012:task-definition/automock-dev-shop-backend:4',
    port: '8080',
  },
} as const;

/** Resolves a section's input the way the workload layer will, failing on any issue. */
function resolved<T>(
  section: { resolve(i: any, c: WorkloadSectionContext): T | undefined },
  input: unknown,
): T {
  const issues = new IssueCollector();
  const out = section.resolve(input, {
    env,
    workload: 'shop',
    issues,
    field: 'workload[dev/shop]',
    declared: (kind, name) =>
      (kind === 'service' && name === 'backend') || (kind === 'secret' && name === 'db'),
  });
  issues.throwIfAny('test');
  return out!;
}

function build() {
  const ctx = testWorkloadContext({
    env,
    refs: [SERVICE, { kind: 'secret', name: 'db', arn: SECRET_ARN }],
  });
  scheduledTasksBuilder.build(
    resolved(scheduledTasksSection, [
      {
        name: 'daily-cleanup',
        image: 'node:22-alpine',
        schedule: 'rate(1 day)',
        command: ['node', 'cleanup.js'],
        secrets: { DB_URL: { secret: 'db' } },
      },
      {
        name: 'sync',
        service: 'backend',
        schedule: 'cron(0/10 * * * ? *)',
        enabled: false,
        command: ['npm', 'run', 'sync'],
      },
    ]),
    ctx,
  );
  eventTasksBuilder.build(
    resolved(eventTasksSection, [
      {
        name: 'order-processor',
        image: 'node:22-alpine',
        command: ['node', 'process-order.js'],
        eventPattern: { source: ['com.myapp.orders'], detailType: ['Order Created'] },
      },
    ]),
    ctx,
  );
  // What the builders provided, as Terraform sees it (the refs hold tokens).
  for (const [key, ref] of ctx.provided)
    new TerraformOutput(ctx.stack, `provided-${key.replace('/', '-')}`, {
      value: { arn: ref.arn, ...ref.attributes },
    });
  return { ctx, json: JSON.parse(Testing.synth(ctx.stack)) };
}

const { ctx, json } = build();
const all = (type: string): any[] => Object.values(json.resource?.[type] ?? {});
const byName = (type: string, name: string) => all(type).find((r) => r.name === name);

/** A role's inline policy with references to roles of the stack replaced by their ARNs. */
function policyOfRole(roleName: string): PolicyDocument {
  const [id] = Object.entries<any>(json.resource.aws_iam_role).find(
    ([, r]) => r.name === roleName,
  )!;
  const policy = all('aws_iam_role_policy').find((p) =>
    String(p.role).includes(`aws_iam_role.${id}.`),
  )!;
  const text = String(policy.policy).replace(/\$\{aws_iam_role\.([\w-]+)\.arn\}/g, (_, ref) => {
    return `arn:aws:iam::123456789012:role/${json.resource.aws_iam_role[ref].name}`;
  });
  return JSON.parse(text) as PolicyDocument;
}

describe('scheduledTasksBuilder', () => {
  it('builds the seed-004 daily-cleanup schedule with its own task, and provides it', () => {
    const s = byName('aws_scheduler_schedule', 'automock-dev-shop-daily-cleanup');
    expect(s).toMatchObject({
      schedule_expression: 'rate(1 day)',
      schedule_expression_timezone: 'UTC',
      state: 'ENABLED',
      flexible_time_window: { mode: 'OFF' },
      target: {
        arn: CLUSTER,
        retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86400 },
        ecs_parameters: {
          task_count: 1,
          launch_type: 'FARGATE',
          network_configuration: {
            subnets: ['subnet-private-a', 'subnet-private-b'],
            assign_public_ip: false,
          },
        },
      },
    });
    expect(byName('aws_scheduler_schedule_group', 'automock-dev-shop')).toBeDefined();
    const td = all('aws_ecs_task_definition').find(
      (t) => t.family === 'automock-dev-shop-daily-cleanup-scheduled',
    );
    const [c] = JSON.parse(td.container_definitions);
    expect(c).toMatchObject({
      image: 'node:22-alpine',
      command: ['node', 'cleanup.js'],
      secrets: [{ name: 'DB_URL', valueFrom: SECRET_ARN }],
    });
    expect(
      byName('aws_cloudwatch_log_group', '/ecs/automock/dev/shop/daily-cleanup-scheduled'),
    ).toMatchObject({
      retention_in_days: env.logRetentionDays,
    });
    expect(json.output['provided-scheduledTask-daily-cleanup'].value).toEqual({
      arn: expect.stringMatching(/^\$\{aws_scheduler_schedule\..*\.arn\}$/),
      taskDefinitionArn: expect.stringMatching(/^\$\{aws_ecs_task_definition\..*\.arn\}$/),
      logGroupName: '/ecs/automock/dev/shop/daily-cleanup-scheduled',
      roleArn: expect.stringMatching(/^\$\{aws_iam_role\..*SchedulerRole.*\.arn\}$/),
    });
  });

  it("runs a service's container through ctx.lookup: its image, container, roles, security group and log group", () => {
    const s = byName('aws_scheduler_schedule', 'automock-dev-shop-sync');
    expect(s.state).toBe('DISABLED');
    expect(s.target.ecs_parameters.network_configuration.security_groups).toEqual(['sg-0backend']);
    const td = all('aws_ecs_task_definition').find(
      (t) => t.family === 'automock-dev-shop-sync-scheduled',
    );
    expect(td.task_role_arn).toBe(SERVICE.attributes.taskRoleArn);
    expect(td.execution_role_arn).toBe(SERVICE.attributes.executionRoleArn);
    expect(JSON.parse(td.container_definitions)[0]).toMatchObject({
      name: 'backend',
      image: SERVICE.attributes.image,
      command: ['npm', 'run', 'sync'],
      logConfiguration: { options: { 'awslogs-group': '/ecs/automock/dev/shop/backend' } },
    });
    expect(byName('aws_iam_role', 'automock-dev-shop-sync-scheduled-task')).toBeUndefined();
  });

  it('gives every role the permissions boundary', () => {
    const roles = all('aws_iam_role');
    expect(roles.length).toBeGreaterThanOrEqual(7);
    for (const r of roles) expect(r.permissions_boundary).toBe(ctx.permissionsBoundary);
  });

  it('puts tasks in public subnets with a public IP when the environment places tasks there', () => {
    const c = testWorkloadContext({ env, publicTasks: true });
    scheduledTasksBuilder.build(
      resolved(scheduledTasksSection, [{ name: 'job', image: 'x:1', schedule: 'rate(5 minutes)' }]),
      c,
    );
    const s = Object.values<any>(
      JSON.parse(Testing.synth(c.stack)).resource.aws_scheduler_schedule,
    )[0];
    expect(s.target.ecs_parameters.network_configuration).toMatchObject({
      subnets: ['subnet-public-a', 'subnet-public-b'],
      assign_public_ip: true,
    });
  });
});

describe('eventTasksBuilder', () => {
  it('builds the seed-004 order-processor rule, target and encrypted DLQ, and provides it', () => {
    const rule = byName('aws_cloudwatch_event_rule', 'automock-dev-shop-order-processor');
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ['com.myapp.orders'],
      'detail-type': ['Order Created'],
    });
    expect(rule.event_bus_name).toBe('default');
    expect(byName('aws_sqs_queue', 'automock-dev-shop-order-processor-dlq')).toMatchObject({
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 14 * 86400,
    });
    expect(all('aws_cloudwatch_event_target')[0]).toMatchObject({
      arn: CLUSTER,
      dead_letter_config: { arn: expect.stringContaining('aws_sqs_queue') },
    });
    expect(json.output['provided-eventTask-order-processor'].value).toMatchObject({
      arn: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\..*\.arn\}$/),
      deadLetterQueueArn: expect.stringMatching(/^\$\{aws_sqs_queue\..*\.arn\}$/),
      deadLetterQueueUrl: expect.stringMatching(/^\$\{aws_sqs_queue\..*\.url\}$/),
    });
  });
});

describe('guardrails', () => {
  it('the synthesised tasks satisfy AM-TASK-1, -2 and -3', () => {
    const report = checkStacks([{ name: 'test', json, environment: env }], { rules: TASK_RULES });
    expect(report.findings).toEqual([]);
    expect(report.rulesChecked).toBe(3);
  });
});

// What AWS would decide for the scheduler's and the rule's roles, asked to iam-simulate with the
// synthesised policies: RunTask only for the task's own family on the environment's cluster, and
// PassRole only of the task's two roles, only to ECS tasks.
describe('invoke roles, as IAM decides', () => {
  const principal = (role: string) => ({
    accountId: '123456789012',
    roleArn: `arn:aws:iam::123456789012:role/${role}`,
  });
  const runTask = (role: string, family: string, cluster = CLUSTER): Promise<Decision> =>
    decide(principal(role), [policyOfRole(role)], {
      action: 'ecs:RunTask',
      resource: `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:7`,
      context: { 'ecs:cluster': cluster },
    });
  const passRole = (role: string, target: string, service: string): Promise<Decision> =>
    decide(principal(role), [policyOfRole(role)], {
      action: 'iam:PassRole',
      resource: `arn:aws:iam::123456789012:role/${target}`,
      context: { 'iam:PassedToService': service },
    });

  it.each([
    ['automock-dev-shop-daily-cleanup-scheduler', 'automock-dev-shop-daily-cleanup-scheduled'],
    ['automock-dev-shop-sync-scheduler', 'automock-dev-shop-sync-scheduled'],
    ['automock-dev-shop-order-processor-event-invoke', 'automock-dev-shop-order-processor-event'],
  ])('%s may run %s on the cluster, and nothing else', async (role, family) => {
    expect(await runTask(role, family)).toBe('Allowed');
    expect(await runTask(role, 'automock-dev-shop-backend')).toBe('ImplicitlyDenied');
    expect(await runTask(role, 'automock-prod-shop-daily-cleanup-scheduled')).toBe(
      'ImplicitlyDenied',
    );
    expect(await runTask(role, family, 'arn:aws:ecs:us-east-1:123456789012:cluster/other')).toBe(
      'ImplicitlyDenied',
    );
  });

  it('the scheduler role passes its task roles to ECS tasks only', async () => {
    const role = 'automock-dev-shop-daily-cleanup-scheduler';
    for (const target of [
      'automock-dev-shop-daily-cleanup-scheduled-task',
      'automock-dev-shop-daily-cleanup-scheduled-execution',
    ])
      expect(await passRole(role, target, 'ecs-tasks.amazonaws.com')).toBe('Allowed');
    expect(
      await passRole(
        role,
        'automock-dev-shop-daily-cleanup-scheduled-task',
        'lambda.amazonaws.com',
      ),
    ).toBe('ImplicitlyDenied');
    expect(await passRole(role, 'automock-dev-shop-backend-task', 'ecs-tasks.amazonaws.com')).toBe(
      'ImplicitlyDenied',
    );
  });

  it("a service task's scheduler role passes the service's two roles and no others", async () => {
    const role = 'automock-dev-shop-sync-scheduler';
    expect(await passRole(role, 'automock-dev-shop-backend-task', 'ecs-tasks.amazonaws.com')).toBe(
      'Allowed',
    );
    expect(
      await passRole(role, 'automock-dev-shop-backend-execution', 'ecs-tasks.amazonaws.com'),
    ).toBe('Allowed');
    expect(
      await passRole(
        role,
        'automock-dev-shop-daily-cleanup-scheduled-task',
        'ecs-tasks.amazonaws.com',
      ),
    ).toBe('ImplicitlyDenied');
  });
});
