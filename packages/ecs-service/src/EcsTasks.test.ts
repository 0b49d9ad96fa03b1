import type {} from 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { EcsTaskProps, EventEcsTask, scheduleGroup, ScheduledEcsTask } from './EcsTasks';
import { only, resources, testStack } from './testing/fixtures';

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/automock-dev';
const BASE: EcsTaskProps = {
  prefix: 'automock',
  env: 'dev',
  project: 'shop',
  taskName: 'daily-cleanup',
  accountId: '123456789012',
  region: 'us-east-1',
  clusterArn: CLUSTER,
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/worker:1.2.3',
  command: ['node', 'cleanup.js'],
  environment: { MODE: 'cleanup' },
  secrets: {
    DB_URL: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf:url::',
    KEY: 'arn:aws:ssm:us-east-1:123456789012:parameter/shop/key',
  },
  size: { cpu: 256, memory: 512 },
  logRetentionDays: 14,
  permissionsBoundary: 'arn:aws:iam::123456789012:policy/automock-dev-boundary',
};

const synth = (build: (s: ReturnType<typeof testStack>) => void): any => {
  const stack = testStack();
  build(stack);
  return JSON.parse(Testing.synth(stack));
};
const policyOf = (json: any, name: string) =>
  JSON.parse(
    Object.values(resources(json, 'aws_iam_role_policy')).find((p: any) => p.name === name)!
      .policy as string,
  );

describe('ScheduledEcsTask', () => {
  const json = synth((s) => {
    const group = scheduleGroup(s, 'Group', { prefix: 'automock', env: 'dev', project: 'shop' });
    new ScheduledEcsTask(s, 'Cleanup', {
      ...BASE,
      schedule: 'rate(1 day)',
      scheduleGroupName: group.name,
      enabled: false,
      timezone: 'Europe/Paris',
      flexibleWindowMinutes: 15,
      retry: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 3600 },
    });
  });

  it('creates a schedule that runs the task definition on the cluster, in private subnets', () => {
    const schedule = only(json, 'aws_scheduler_schedule');
    expect(schedule.name).toBe('automock-dev-shop-daily-cleanup');
    expect(schedule.group_name).toMatch(/^\$\{aws_scheduler_schedule_group\.Group\.name\}$/);
    expect(schedule.schedule_expression).toBe('rate(1 day)');
    expect(schedule.schedule_expression_timezone).toBe('Europe/Paris');
    expect(schedule.state).toBe('DISABLED');
    expect(schedule.flexible_time_window).toEqual({
      mode: 'FLEXIBLE',
      maximum_window_in_minutes: 15,
    });
    expect(schedule.target.arn).toBe(CLUSTER);
    expect(schedule.target.role_arn).toMatch(/aws_iam_role\.Cleanup_SchedulerRole_.*\.arn/);
    expect(schedule.target.retry_policy).toEqual({
      maximum_retry_attempts: 3,
      maximum_event_age_in_seconds: 3600,
    });
    expect(schedule.target.ecs_parameters).toEqual({
      task_definition_arn: expect.stringMatching(/aws_ecs_task_definition\..*\.arn/),
      task_count: 1,
      launch_type: 'FARGATE',
      network_configuration: {
        subnets: ['subnet-a', 'subnet-b'],
        security_groups: [expect.stringMatching(/aws_security_group\..*\.id/)],
        assign_public_ip: false,
      },
    });
    expect(only(json, 'aws_scheduler_schedule_group').name).toBe('automock-dev-shop');
  });

  it('gives the task its own definition, log group and roles, each role with the boundary', () => {
    const td = only(json, 'aws_ecs_task_definition');
    expect(td.family).toBe('automock-dev-shop-daily-cleanup-scheduled');
    expect(td.requires_compatibilities).toEqual(['FARGATE']);
    expect([td.cpu, td.memory]).toEqual(['256', '512']);
    const [c] = JSON.parse(td.container_definitions);
    expect(c).toEqual({
      name: 'daily-cleanup',
      image: BASE.image,
      essential: true,
      command: ['node', 'cleanup.js'],
      environment: [{ name: 'MODE', value: 'cleanup' }],
      secrets: [
        { name: 'DB_URL', valueFrom: BASE.secrets!.DB_URL },
        { name: 'KEY', valueFrom: BASE.secrets!.KEY },
      ],
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': '/ecs/automock/dev/shop/daily-cleanup-scheduled',
          'awslogs-region': 'us-east-1',
          'awslogs-stream-prefix': 'daily-cleanup-scheduled',
        },
      },
    });
    expect(only(json, 'aws_cloudwatch_log_group')).toMatchObject({
      name: '/ecs/automock/dev/shop/daily-cleanup-scheduled',
      retention_in_days: 14,
    });
    const roles = Object.values(resources(json, 'aws_iam_role')) as any[];
    expect(roles.map((r) => r.name).sort()).toEqual([
      'automock-dev-shop-daily-cleanup-scheduled-execution',
      'automock-dev-shop-daily-cleanup-scheduled-task',
      'automock-dev-shop-daily-cleanup-scheduler',
    ]);
    for (const r of roles) expect(r.permissions_boundary).toBe(BASE.permissionsBoundary);
    const sg = only(json, 'aws_security_group');
    expect(Object.keys(resources(json, 'aws_vpc_security_group_ingress_rule'))).toEqual([]);
    expect(sg.vpc_id).toBe('vpc-1');
  });

  it('trusts only the Scheduler of this account and allows RunTask on this family and PassRole of its two roles', () => {
    const role = (Object.values(resources(json, 'aws_iam_role')) as any[]).find((r) =>
      r.name.endsWith('-scheduler'),
    );
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
    expect(policyOf(json, 'run-task').Statement).toEqual([
      {
        Sid: 'RunOwnTask',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource:
          'arn:aws:ecs:us-east-1:123456789012:task-definition/automock-dev-shop-daily-cleanup-scheduled:*',
        Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } },
      },
      {
        Sid: 'PassOwnTaskRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [
          expect.stringMatching(/aws_iam_role\..*TaskRole.*\.arn/),
          expect.stringMatching(/aws_iam_role\..*ExecutionRole.*\.arn/),
        ],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
  });

  it('lets the execution role write its log group, pull its ECR image and read exactly its secrets', () => {
    expect(policyOf(json, 'execution').Statement).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: expect.stringMatching(/aws_cloudwatch_log_group\..*\.arn\}:\*$/),
      },
      { Sid: 'EcrToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Sid: 'PullOwnImage',
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:GetDownloadUrlForLayer',
          'ecr:BatchGetImage',
        ],
        Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/shop/worker',
      },
      {
        Sid: 'ReadOwnSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf'],
      },
      {
        Sid: 'ReadOwnParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: ['arn:aws:ssm:us-east-1:123456789012:parameter/shop/key'],
      },
    ]);
  });

  it('runs a borrowed service set-up on Fargate Spot with a public IP, creating no roles of its own but the scheduler', () => {
    const j = synth((s) => {
      new ScheduledEcsTask(s, 'Sync', {
        ...BASE,
        taskName: 'sync',
        secrets: {},
        containerName: 'broker',
        capacity: 'FARGATE_SPOT',
        assignPublicIp: true,
        schedule: 'cron(0/10 * * * ? *)',
        scheduleGroupName: 'automock-dev-shop',
        borrow: {
          taskRoleArn: 'arn:aws:iam::123456789012:role/svc-task',
          executionRoleArn: 'arn:aws:iam::123456789012:role/svc-execution',
          securityGroupId: 'sg-svc',
          logGroupName: '/ecs/automock/dev/shop/broker',
        },
      });
    });
    expect((Object.values(resources(j, 'aws_iam_role')) as any[]).map((r) => r.name)).toEqual([
      'automock-dev-shop-sync-scheduler',
    ]);
    expect(resources(j, 'aws_cloudwatch_log_group')).toEqual({});
    expect(resources(j, 'aws_security_group')).toEqual({});
    const td = only(j, 'aws_ecs_task_definition');
    expect([td.task_role_arn, td.execution_role_arn]).toEqual([
      'arn:aws:iam::123456789012:role/svc-task',
      'arn:aws:iam::123456789012:role/svc-execution',
    ]);
    expect(JSON.parse(td.container_definitions)[0]).toMatchObject({
      name: 'broker',
      logConfiguration: { options: { 'awslogs-group': '/ecs/automock/dev/shop/broker' } },
    });
    const ecs = only(j, 'aws_scheduler_schedule').target.ecs_parameters;
    expect(ecs.capacity_provider_strategy).toEqual([
      { capacity_provider: 'FARGATE_SPOT', weight: 1 },
    ]);
    expect(ecs.launch_type).toBeUndefined();
    expect(ecs.network_configuration).toEqual({
      subnets: ['subnet-a', 'subnet-b'],
      security_groups: ['sg-svc'],
      assign_public_ip: true,
    });
    expect(only(j, 'aws_scheduler_schedule').flexible_time_window).toEqual({ mode: 'OFF' });
    expect(only(j, 'aws_scheduler_schedule').state).toBe('ENABLED');
    expect(policyOf(j, 'run-task').Statement[1].Resource).toEqual([
      'arn:aws:iam::123456789012:role/svc-task',
      'arn:aws:iam::123456789012:role/svc-execution',
    ]);
  });

  it.each<[Partial<ScheduledEcsTaskPropsLike>, RegExp]>([
    [{ taskName: 'Bad Name' }, /ScheduledEcsTask\.taskName: got "Bad Name", must be 1-32/],
    [{ size: { cpu: 256, memory: 4096 } }, /ScheduledEcsTask\.size.*Fargate/],
    [{ subnetIds: [] }, /subnetIds.*at least one subnet/],
    [
      { flexibleWindowMinutes: 0 },
      /flexibleWindowMinutes: got 0, must be a whole number of minutes from 1 to 1440/,
    ],
    [
      { retry: { maximumRetryAttempts: 186, maximumEventAgeSeconds: 60 } },
      /maximumRetryAttempts: got 186/,
    ],
    [
      { secrets: { A: 'plain' } },
      /secrets\.A: got "plain", must be a Secrets Manager or SSM parameter ARN/,
    ],
  ])('refuses %j', (patch, message) => {
    const stack = testStack();
    expect(
      () =>
        new ScheduledEcsTask(stack, 'T', {
          ...BASE,
          schedule: 'rate(1 day)',
          scheduleGroupName: 'g',
          ...(patch as object),
        }),
    ).toThrow(message);
  });
});
type ScheduledEcsTaskPropsLike = ConstructorParameters<typeof ScheduledEcsTask>[2];

describe('EventEcsTask', () => {
  const json = synth((s) => {
    new EventEcsTask(s, 'Orders', {
      ...BASE,
      taskName: 'order-processor',
      eventPattern: '{"source":["com.myapp.orders"],"detail-type":["Order Created"]}',
      deadLetterRetentionDays: 7,
      retry: { maximumRetryAttempts: 5, maximumEventAgeSeconds: 600 },
    });
  });

  it('creates a rule on the default bus with the pattern and an ECS target with its DLQ', () => {
    expect(only(json, 'aws_cloudwatch_event_rule')).toMatchObject({
      name: 'automock-dev-shop-order-processor',
      event_bus_name: 'default',
      event_pattern: '{"source":["com.myapp.orders"],"detail-type":["Order Created"]}',
    });
    const target = only(json, 'aws_cloudwatch_event_target');
    expect(target).toMatchObject({
      rule: expect.stringMatching(/aws_cloudwatch_event_rule\..*\.name/),
      event_bus_name: 'default',
      target_id: 'ecs-task',
      arn: CLUSTER,
      role_arn: expect.stringMatching(/aws_iam_role\..*InvokeRole.*\.arn/),
      dead_letter_config: { arn: expect.stringMatching(/aws_sqs_queue\..*\.arn/) },
      retry_policy: { maximum_retry_attempts: 5, maximum_event_age_in_seconds: 600 },
      ecs_target: {
        task_definition_arn: expect.stringMatching(/aws_ecs_task_definition\..*\.arn/),
        task_count: 1,
        launch_type: 'FARGATE',
        network_configuration: { subnets: ['subnet-a', 'subnet-b'], assign_public_ip: false },
      },
    });
    expect(only(json, 'aws_ecs_task_definition').family).toBe(
      'automock-dev-shop-order-processor-event',
    );
  });

  it("names the rule as told (seed 004's order-events), within the environment's prefix; the rest keeps the task's name", () => {
    const named = synth((s) => {
      new EventEcsTask(s, 'Orders', {
        ...BASE,
        taskName: 'order-processor',
        ruleName: 'order-events',
        eventPattern: '{"source":["com.myapp.orders"]}',
      });
    });
    expect(only(named, 'aws_cloudwatch_event_rule').name).toBe('automock-dev-shop-order-events');
    expect(only(named, 'aws_sqs_queue').name).toBe('automock-dev-shop-order-processor-dlq');
    expect(only(named, 'aws_ecs_task_definition').family).toBe(
      'automock-dev-shop-order-processor-event',
    );
  });

  it('encrypts the dead-letter queue and lets only this rule send to it, over TLS', () => {
    expect(only(json, 'aws_sqs_queue')).toMatchObject({
      name: 'automock-dev-shop-order-processor-dlq',
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 7 * 86400,
    });
    const policy = JSON.parse(only(json, 'aws_sqs_queue_policy').policy);
    expect(policy.Statement).toEqual([
      {
        Sid: 'OnlyThisRule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: expect.stringMatching(/aws_sqs_queue\..*\.arn/),
        Condition: {
          ArnEquals: {
            'aws:SourceArn': expect.stringMatching(/aws_cloudwatch_event_rule\..*\.arn/),
          },
        },
      },
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sqs:*',
        Resource: expect.stringMatching(/aws_sqs_queue\..*\.arn/),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ]);
  });

  it('trusts EventBridge and scopes the invoke role like the scheduler role', () => {
    const role = (Object.values(resources(json, 'aws_iam_role')) as any[]).find((r) =>
      r.name.endsWith('-event-invoke'),
    );
    expect(role.permissions_boundary).toBe(BASE.permissionsBoundary);
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({
      Service: 'events.amazonaws.com',
    });
    const statements = policyOf(json, 'run-task').Statement;
    expect(statements[0].Resource).toBe(
      'arn:aws:ecs:us-east-1:123456789012:task-definition/automock-dev-shop-order-processor-event:*',
    );
    expect(statements[1].Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    });
  });

  it('refuses a dead-letter retention SQS cannot keep', () => {
    expect(
      () =>
        new EventEcsTask(testStack(), 'E', {
          ...BASE,
          eventPattern: '{}',
          deadLetterRetentionDays: 15,
        }),
    ).toThrow(/deadLetterRetentionDays: got 15, must be a whole number of days from 1 to 14/);
  });
});
