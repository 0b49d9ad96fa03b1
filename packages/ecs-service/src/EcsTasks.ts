import {
  IssueCollector,
  isValidFargateSize,
  PolicyStatement,
  policyJson,
  resourceName,
  serviceTrustStatement,
  TaskSize,
} from '@automock/core';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SchedulerScheduleGroup } from '@cdktf/provider-aws/lib/scheduler-schedule-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { TerraformMetaArguments, Token } from 'cdktf';
import { Construct } from 'constructs';
import { secretResourceArn } from './FargateService';

// FargateService's pattern of a private ECR image (account, region, repository).
const ECR_IMAGE_RE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/**
 * The roles, network and log group of a service a task borrows, instead of creating its own:
 * the task then runs as the service does (same permissions, same security group, logs beside the
 * service's under the task's stream prefix).
 */
export interface BorrowedTaskSetup {
  /** The service's task role ARN. */
  readonly taskRoleArn: string;
  /** The service's execution role ARN (it may write the log group and read the service's secrets). */
  readonly executionRoleArn: string;
  /** The service's tasks' security group. */
  readonly securityGroupId: string;
  /** The service's log group, the one its execution role may write. */
  readonly logGroupName: string;
}

/** What an ECS task started by a schedule or a rule runs, and where. */
export interface EcsTaskProps extends Pick<TerraformMetaArguments, 'provider' | 'dependsOn'> {
  /** Name prefix, environment and project (or workload) for resource names. */
  readonly prefix: string;
  readonly env: string;
  readonly project: string;
  /** The task's name, unique in the project: lower-case letters, digits, hyphens. */
  readonly taskName: string;
  /** The environment's account and region (the task definition family's ARN is built from them). */
  readonly accountId: string;
  readonly region: string;
  /** Cluster the task runs on. */
  readonly clusterArn: string;
  /** VPC of the task's own security group (unused with `borrow`). */
  readonly vpcId: string;
  /** Subnets the task runs in. */
  readonly subnetIds: string[];
  /** Whether the task gets a public IP (tasks in public subnets need one to pull images). @default false */
  readonly assignPublicIp?: boolean;
  /** Image to run. */
  readonly image: string;
  /** Container name. @default taskName */
  readonly containerName?: string;
  /** Overrides the image's command. @default - the image's */
  readonly command?: readonly string[];
  /** Plain environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Secrets: variable name to a Secrets Manager secret or SSM parameter ARN (not with `borrow`). @default {} */
  readonly secrets?: Readonly<Record<string, string>>;
  /** CPU and memory. */
  readonly size: TaskSize;
  /** Fargate or Fargate Spot. @default 'FARGATE' */
  readonly capacity?: 'FARGATE' | 'FARGATE_SPOT';
  /** Days the task's own log group keeps events (unused with `borrow`). */
  readonly logRetentionDays: number;
  /** ARN of the permissions boundary every role carries. */
  readonly permissionsBoundary: string;
  /** A service's roles, security group and log group to use instead of the task's own. @default - the task's own */
  readonly borrow?: BorrowedTaskSetup;
}

/** How often the scheduler or EventBridge retries starting the task. */
export interface TaskRetryPolicy {
  /** 0-185. */
  readonly maximumRetryAttempts: number;
  /** 60-86400. */
  readonly maximumEventAgeSeconds: number;
}

/** Validates what Terraform would only refuse at apply time. */
export function checkEcsTaskProps(
  issues: IssueCollector,
  owner: string,
  props: EcsTaskProps,
): void {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(props.taskName))
    issues.add(
      `${owner}.taskName`,
      props.taskName,
      'must be 1-32 lower-case letters, digits or hyphens, starting with a letter',
    );
  if (!isValidFargateSize(props.size.cpu, props.size.memory))
    issues.add(`${owner}.size`, props.size, 'must be a Fargate cpu/memory combination');
  if (props.subnetIds.length === 0)
    issues.add(`${owner}.subnetIds`, props.subnetIds, 'must name at least one subnet');
  if (props.borrow && Object.keys(props.secrets ?? {}).length > 0)
    issues.add(
      `${owner}.secrets`,
      Object.keys(props.secrets!),
      "must be empty with borrow: the service's execution role reads only the service's secrets",
    );
  for (const [k, arn] of Object.entries(props.secrets ?? {}))
    if (!Token.isUnresolved(arn) && !arn.includes(':secretsmanager:') && !arn.includes(':ssm:'))
      issues.add(`${owner}.secrets.${k}`, arn, 'must be a Secrets Manager or SSM parameter ARN');
}

function checkRetry(issues: IssueCollector, field: string, r: TaskRetryPolicy | undefined): void {
  if (!r) return;
  const { maximumRetryAttempts: n, maximumEventAgeSeconds: age } = r;
  if (!Number.isInteger(n) || n < 0 || n > 185)
    issues.add(`${field}.maximumRetryAttempts`, n, 'must be a whole number from 0 to 185');
  if (!Number.isInteger(age) || age < 60 || age > 86400)
    issues.add(
      `${field}.maximumEventAgeSeconds`,
      age,
      'must be a whole number of seconds from 60 to 86400',
    );
}

/**
 * The part every started task shares: its task definition and, unless it borrows a service's,
 * its log group, execution and task roles and an egress-only security group. Exposes the two
 * statements whoever starts it needs (RunTask on this family only, PassRole on these two roles
 * only, to ECS tasks only).
 */
export class EcsTaskRun extends Construct {
  readonly taskDefinition: EcsTaskDefinition;
  /** Family name; RunTask is granted on `task-definition/<family>:*`. */
  readonly family: string;
  /** ARN pattern of every revision of the family. */
  readonly familyArn: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  readonly securityGroupId: string;
  readonly logGroupName: string;
  /** Set when the task has its own. */
  readonly logGroup?: CloudwatchLogGroup;
  readonly executionRole?: IamRole;
  readonly taskRole?: IamRole;
  readonly securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: EcsTaskProps & { readonly kindSuffix: string }) {
    super(scope, id);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env, project: props.project };
    const label = `${props.taskName}-${props.kindSuffix}`;
    const containerName = props.containerName ?? props.taskName;
    this.family = resourceName('ecsTaskFamily', { ...parts, kind: label });
    this.familyArn = `arn:aws:ecs:${props.region}:${props.accountId}:task-definition/${this.family}:*`;

    if (props.borrow) {
      this.taskRoleArn = props.borrow.taskRoleArn;
      this.executionRoleArn = props.borrow.executionRoleArn;
      this.securityGroupId = props.borrow.securityGroupId;
      this.logGroupName = props.borrow.logGroupName;
    } else {
      this.logGroupName = `/ecs/${props.prefix}/${props.env}/${props.project}/${label}`;
      this.logGroup = new CloudwatchLogGroup(this, 'Logs', {
        ...meta,
        name: this.logGroupName,
        retentionInDays: props.logRetentionDays,
      });
      const assume = policyJson([serviceTrustStatement('ecs-tasks.amazonaws.com')]);
      this.executionRole = new IamRole(this, 'ExecutionRole', {
        ...meta,
        name: resourceName('iamRole', { ...parts, kind: `${label}-execution` }),
        assumeRolePolicy: assume,
        permissionsBoundary: props.permissionsBoundary,
      });
      new IamRolePolicy(this, 'ExecutionPolicy', {
        ...meta,
        role: this.executionRole.id,
        name: 'execution',
        policy: policyJson(this.executionStatements(props)),
      });
      // Empty on purpose: the task gets no AWS permissions unless it borrows a service's role.
      this.taskRole = new IamRole(this, 'TaskRole', {
        ...meta,
        name: resourceName('iamRole', { ...parts, kind: `${label}-task` }),
        assumeRolePolicy: assume,
        permissionsBoundary: props.permissionsBoundary,
      });
      this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
        ...meta,
        name: resourceName('securityGroup', { ...parts, kind: `${label}-task` }),
        description: `Task ${props.taskName} of ${props.prefix}-${props.env}-${props.project}: outbound only`,
        vpcId: props.vpcId,
        lifecycle: { createBeforeDestroy: true },
      });
      new VpcSecurityGroupEgressRule(this, 'Egress', {
        ...meta,
        securityGroupId: this.securityGroup.id,
        description: 'Image pulls, AWS APIs and whatever the job calls',
        ipProtocol: '-1',
        cidrIpv4: '0.0.0.0/0',
      });
      this.taskRoleArn = this.taskRole.arn;
      this.executionRoleArn = this.executionRole.arn;
      this.securityGroupId = this.securityGroup.id;
    }

    const env = Object.entries(props.environment ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => ({ name, value }));
    const secrets = Object.entries(props.secrets ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, valueFrom]) => ({ name, valueFrom }));
    this.taskDefinition = new EcsTaskDefinition(this, 'TaskDefinition', {
      ...meta,
      family: this.family,
      cpu: String(props.size.cpu),
      memory: String(props.size.memory),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      executionRoleArn: this.executionRoleArn,
      taskRoleArn: this.taskRoleArn,
      containerDefinitions: JSON.stringify([
        {
          name: containerName,
          image: props.image,
          essential: true,
          ...(props.command ? { command: [...props.command] } : {}),
          environment: env,
          secrets,
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': this.logGroupName,
              'awslogs-region': props.region,
              'awslogs-stream-prefix': label,
            },
          },
        },
      ]),
    });
  }

  /**
   * What the scheduler's or the rule's role may do: start this family's task on this cluster, and
   * hand ECS exactly the task's two roles.
   */
  invokeStatements(clusterArn: string): PolicyStatement[] {
    return [
      {
        Sid: 'RunOwnTask',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: this.familyArn,
        Condition: { ArnEquals: { 'ecs:cluster': clusterArn } },
      },
      {
        Sid: 'PassOwnTaskRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: [this.taskRoleArn, this.executionRoleArn],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ];
  }

  private executionStatements(props: EcsTaskProps): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `${this.logGroup!.arn}:*`,
      },
    ];
    const m = Token.isUnresolved(props.image) ? null : ECR_IMAGE_RE.exec(props.image);
    if (m)
      statements.push(
        // Registry-wide by design: the token call has no resource-level permissions.
        { Sid: 'EcrToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
        {
          Sid: 'PullOwnImage',
          Effect: 'Allow',
          Action: [
            'ecr:BatchCheckLayerAvailability',
            'ecr:GetDownloadUrlForLayer',
            'ecr:BatchGetImage',
          ],
          Resource: `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`,
        },
      );
    const arns = Object.values(props.secrets ?? {});
    const sm = [...new Set(arns.filter((a) => !a.includes(':ssm:')).map(secretResourceArn))];
    const ssm = [...new Set(arns.filter((a) => a.includes(':ssm:')))];
    if (sm.length > 0)
      statements.push({
        Sid: 'ReadOwnSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: sm,
      });
    if (ssm.length > 0)
      statements.push({
        Sid: 'ReadOwnParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameters'],
        Resource: ssm,
      });
    return statements;
  }
}

function networkConfiguration(props: EcsTaskProps, run: EcsTaskRun) {
  return {
    subnets: props.subnetIds,
    securityGroups: [run.securityGroupId],
    assignPublicIp: props.assignPublicIp ?? false,
  };
}

function capacity(props: EcsTaskProps) {
  return props.capacity === 'FARGATE_SPOT'
    ? { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }
    : { launchType: 'FARGATE' };
}

/** An ECS task EventBridge Scheduler starts. */
export interface ScheduledEcsTaskProps extends EcsTaskProps {
  /** `rate(...)`, `cron(...)` or `at(...)`, already checked by core's scheduleExpressionProblem. */
  readonly schedule: string;
  /** IANA time zone. @default 'UTC' */
  readonly timezone?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** 1-1440 minutes. @default - off */
  readonly flexibleWindowMinutes?: number;
  /** @default - the Scheduler's (185 attempts, 24 h) */
  readonly retry?: TaskRetryPolicy;
  /** Schedule group the schedule belongs to (tagged, so the sweep finds it). */
  readonly scheduleGroupName: string;
}

/**
 * An EventBridge Scheduler schedule that runs an ECS task: its own task definition (and log group
 * and roles unless it borrows a service's), and a role trusted only by scheduler.amazonaws.com
 * from this account that may start only this task definition family and pass only its two roles.
 */
export class ScheduledEcsTask extends Construct {
  readonly run: EcsTaskRun;
  readonly role: IamRole;
  readonly schedule: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: ScheduledEcsTaskProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkEcsTaskProps(issues, 'ScheduledEcsTask', props);
    checkRetry(issues, 'ScheduledEcsTask.retry', props.retry);
    const w = props.flexibleWindowMinutes;
    if (w !== undefined && (!Number.isInteger(w) || w < 1 || w > 1440))
      issues.add(
        'ScheduledEcsTask.flexibleWindowMinutes',
        w,
        'must be a whole number of minutes from 1 to 1440',
      );
    issues.throwIfAny('ScheduledEcsTask');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env, project: props.project };
    this.run = new EcsTaskRun(this, 'Task', { ...props, kindSuffix: 'scheduled' });

    this.role = new IamRole(this, 'SchedulerRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: `${props.taskName}-scheduler` }),
      // Only the Scheduler acting for this account may assume it (confused-deputy guard).
      assumeRolePolicy: policyJson([
        serviceTrustStatement('scheduler.amazonaws.com', {
          StringEquals: { 'aws:SourceAccount': props.accountId },
        }),
      ]),
      permissionsBoundary: props.permissionsBoundary,
    });
    new IamRolePolicy(this, 'SchedulerPolicy', {
      ...meta,
      role: this.role.id,
      name: 'run-task',
      policy: policyJson(this.run.invokeStatements(props.clusterArn)),
    });

    this.schedule = new SchedulerSchedule(this, 'Schedule', {
      ...meta,
      name: resourceName('schedule', { ...parts, kind: props.taskName }),
      groupName: props.scheduleGroupName,
      scheduleExpression: props.schedule,
      scheduleExpressionTimezone: props.timezone ?? 'UTC',
      state: (props.enabled ?? true) ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow:
        w === undefined ? { mode: 'OFF' } : { mode: 'FLEXIBLE', maximumWindowInMinutes: w },
      target: {
        arn: props.clusterArn,
        roleArn: this.role.arn,
        ...(props.retry
          ? {
              retryPolicy: {
                maximumRetryAttempts: props.retry.maximumRetryAttempts,
                maximumEventAgeInSeconds: props.retry.maximumEventAgeSeconds,
              },
            }
          : {}),
        ecsParameters: {
          taskDefinitionArn: this.run.taskDefinition.arn,
          taskCount: 1,
          ...capacity(props),
          networkConfiguration: networkConfiguration(props, this.run),
        },
      },
    });
  }
}

/** The events an {@link EventEcsTask} reacts to. */
export interface EventEcsTaskProps extends EcsTaskProps {
  /** The rule's event pattern as JSON (core's eventPatternJson). */
  readonly eventPattern: string;
  /** @default 'default' */
  readonly eventBusName?: string;
  /**
   * The rule's name after `<prefix>-<env>-<project>-` (resourceName keeps it within EventBridge's
   * 64 characters and the environment's prefix).
   * @default - the task's name
   */
  readonly ruleName?: string;
  /** @default - EventBridge's (185 attempts, 24 h) */
  readonly retry?: TaskRetryPolicy;
  /** Days the dead-letter queue keeps events that could not start the task, 1-14. @default 14 */
  readonly deadLetterRetentionDays?: number;
}

/**
 * An EventBridge rule that runs an ECS task for each matching event, with a role that may start
 * only this task definition family and pass only its two roles, and an SSE-encrypted SQS
 * dead-letter queue only this rule may send to.
 */
export class EventEcsTask extends Construct {
  readonly run: EcsTaskRun;
  readonly role: IamRole;
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: EventEcsTaskProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkEcsTaskProps(issues, 'EventEcsTask', props);
    checkRetry(issues, 'EventEcsTask.retry', props.retry);
    const days = props.deadLetterRetentionDays ?? 14;
    if (!Number.isInteger(days) || days < 1 || days > 14)
      issues.add(
        'EventEcsTask.deadLetterRetentionDays',
        days,
        'must be a whole number of days from 1 to 14 (SQS keeps messages at most 14 days)',
      );
    issues.throwIfAny('EventEcsTask');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const parts = { prefix: props.prefix, env: props.env, project: props.project };
    this.run = new EcsTaskRun(this, 'Task', { ...props, kindSuffix: 'event' });

    this.rule = new CloudwatchEventRule(this, 'Rule', {
      ...meta,
      name: resourceName('eventRule', { ...parts, kind: props.ruleName ?? props.taskName }),
      description: `Starts task ${props.taskName} of ${props.prefix}-${props.env}-${props.project}`,
      eventBusName: props.eventBusName ?? 'default',
      eventPattern: props.eventPattern,
    });

    this.deadLetterQueue = new SqsQueue(this, 'DeadLetterQueue', {
      ...meta,
      name: resourceName('sqsQueue', { ...parts, kind: `${props.taskName}-dlq` }),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: days * 86400,
    });
    new SqsQueuePolicy(this, 'DeadLetterQueuePolicy', {
      ...meta,
      queueUrl: this.deadLetterQueue.url,
      policy: policyJson([
        {
          Sid: 'OnlyThisRule',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.deadLetterQueue.arn,
          Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
        },
        {
          Sid: 'TlsOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sqs:*',
          Resource: this.deadLetterQueue.arn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]),
    });

    this.role = new IamRole(this, 'InvokeRole', {
      ...meta,
      name: resourceName('iamRole', { ...parts, kind: `${props.taskName}-event-invoke` }),
      assumeRolePolicy: policyJson([serviceTrustStatement('events.amazonaws.com')]),
      permissionsBoundary: props.permissionsBoundary,
    });
    new IamRolePolicy(this, 'InvokePolicy', {
      ...meta,
      role: this.role.id,
      name: 'run-task',
      policy: policyJson(this.run.invokeStatements(props.clusterArn)),
    });

    this.target = new CloudwatchEventTarget(this, 'Target', {
      ...meta,
      rule: this.rule.name,
      eventBusName: props.eventBusName ?? 'default',
      targetId: 'ecs-task',
      arn: props.clusterArn,
      roleArn: this.role.arn,
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
      ...(props.retry
        ? {
            retryPolicy: {
              maximumRetryAttempts: props.retry.maximumRetryAttempts,
              maximumEventAgeInSeconds: props.retry.maximumEventAgeSeconds,
            },
          }
        : {}),
      ecsTarget: {
        taskDefinitionArn: this.run.taskDefinition.arn,
        taskCount: 1,
        ...capacity(props),
        networkConfiguration: networkConfiguration(props, this.run),
      },
    });
  }
}

/** A schedule group for a project's schedules: schedules carry no tags, their group does. */
export function scheduleGroup(
  scope: Construct,
  id: string,
  props: Pick<EcsTaskProps, 'prefix' | 'env' | 'project' | 'provider'>,
): SchedulerScheduleGroup {
  return new SchedulerScheduleGroup(scope, id, {
    provider: props.provider,
    name: resourceName('schedule', {
      prefix: props.prefix,
      env: props.env,
      project: props.project,
    }),
  });
}
