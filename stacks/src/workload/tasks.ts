import type { ResolvedEventTask, ResolvedScheduledTask, ResolvedTaskBase } from '@automock/core';
import { eventPatternJson } from '@automock/core';
import { EcsTaskProps, EventEcsTask, scheduleGroup, ScheduledEcsTask } from '@automock/ecs-service';
import type { WorkloadBuildContext, WorkloadSectionBuilder } from './section-builder';

/**
 * The construct props every task shares: what runs (its image, or a service's container with that
 * service's roles, security group and log group, looked up by name), its secrets as ARNs (a
 * secret of the workload by the ARN its section provided), and the workload's network.
 */
function taskProps(t: ResolvedTaskBase, ctx: WorkloadBuildContext): EcsTaskProps {
  const common = {
    ...ctx.nameParts,
    taskName: t.name,
    accountId: ctx.env.accountId,
    region: ctx.env.region,
    clusterArn: ctx.cluster.arn,
    vpcId: ctx.network.vpcId,
    subnetIds: ctx.network.publicTasks ? ctx.network.publicSubnetIds : ctx.network.privateSubnetIds,
    assignPublicIp: ctx.network.publicTasks,
    command: t.command,
    environment: t.environment,
    size: { cpu: t.cpu, memory: t.memory },
    capacity: t.capacity === 'fargateSpot' ? ('FARGATE_SPOT' as const) : ('FARGATE' as const),
    logRetentionDays: t.logRetentionDays,
    permissionsBoundary: ctx.permissionsBoundary,
  };
  if (t.container.kind === 'service') {
    const a = ctx.lookup('service', t.container.service).attributes ?? {};
    const need = (key: string): string => {
      const v = a[key];
      if (v === undefined)
        throw new Error(
          `task ${t.name}: service ${t.container.kind === 'service' ? t.container.service : ''} provides no ${key} attribute`,
        );
      return v;
    };
    return {
      ...common,
      image: need('image'),
      containerName: need('containerName'),
      borrow: {
        taskRoleArn: need('taskRoleArn'),
        executionRoleArn: need('executionRoleArn'),
        securityGroupId: need('securityGroupId'),
        logGroupName: need('logGroupName'),
      },
    };
  }
  const secrets = Object.fromEntries(
    Object.entries(t.secrets).map(([k, s]) => [
      k,
      s.kind === 'arn' ? s.arn : ctx.lookup('secret', s.name).arn,
    ]),
  );
  return { ...common, image: t.container.image, secrets };
}

const retryOf = (t: ResolvedScheduledTask | ResolvedEventTask) => t.retry;

/** `scheduledTasks`: one EventBridge Scheduler schedule per task, in one tagged schedule group. */
export const scheduledTasksBuilder: WorkloadSectionBuilder<readonly ResolvedScheduledTask[]> = {
  key: 'scheduledTasks',
  order: 30,
  build(tasks, ctx) {
    if (tasks.length === 0) return;
    // Schedules take no tags; their group does, so the sweep finds (and deletes) them through it.
    const group = scheduleGroup(ctx.scope, 'ScheduleGroup', ctx.nameParts);
    for (const t of tasks) {
      const s = new ScheduledEcsTask(ctx.scope, `ScheduledTask-${t.name}`, {
        ...taskProps(t, ctx),
        schedule: t.schedule,
        timezone: t.timezone,
        enabled: t.enabled,
        flexibleWindowMinutes: t.flexibleWindowMinutes,
        retry: retryOf(t),
        scheduleGroupName: group.name,
      });
      ctx.provide({
        kind: 'scheduledTask',
        name: t.name,
        arn: s.schedule.arn,
        attributes: {
          taskDefinitionArn: s.run.taskDefinition.arn,
          logGroupName: s.run.logGroupName,
          roleArn: s.role.arn,
        },
      });
    }
  },
};

/** `eventTasks`: one EventBridge rule per task, each with its dead-letter queue. */
export const eventTasksBuilder: WorkloadSectionBuilder<readonly ResolvedEventTask[]> = {
  key: 'eventTasks',
  order: 30,
  build(tasks, ctx) {
    for (const t of tasks) {
      const e = new EventEcsTask(ctx.scope, `EventTask-${t.name}`, {
        ...taskProps(t, ctx),
        eventPattern: eventPatternJson(t.eventPattern),
        eventBusName: t.eventBus,
        ruleName: t.ruleName,
        retry: retryOf(t),
        deadLetterRetentionDays: t.deadLetterRetentionDays,
      });
      ctx.provide({
        kind: 'eventTask',
        name: t.name,
        arn: e.rule.arn,
        attributes: {
          taskDefinitionArn: e.run.taskDefinition.arn,
          logGroupName: e.run.logGroupName,
          roleArn: e.role.arn,
          deadLetterQueueArn: e.deadLetterQueue.arn,
          deadLetterQueueUrl: e.deadLetterQueue.url,
        },
      });
    }
  },
};
