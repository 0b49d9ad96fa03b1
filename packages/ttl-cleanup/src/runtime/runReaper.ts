import {
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { PROJECT_OUTPUT } from '@automock/core';
import {
  DEFAULT_WARNING_MINUTES,
  type Deployment,
  DeploymentRegistry,
  RegistryConflictError,
  dueWarningStage,
  isExpired,
} from '@automock/registry';
import {
  type Clock,
  type RetryOptions,
  type SweepItem,
  type TeardownClients,
  beginTeardown,
  errorName,
  finalizeTeardown,
  sweepAndRecord,
  sweepProject,
  sweepTeardown,
} from '@automock/teardown';
import { teardownNotice, warningMessage } from './notices';

/** Every client the reaper uses. */
export interface ReaperClients extends TeardownClients {
  readonly sns: SNSClient;
}

/** The one-off Fargate task that runs `terraform destroy`. */
export interface DestroyerTaskConfig {
  /** ECS cluster name or ARN. */
  readonly cluster: string;
  /** Task definition family or ARN. */
  readonly taskDefinition: string;
  /** Name of the container that runs the destroyer script (its exit code is the verdict). */
  readonly containerName: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  /** Public IP (public placement; needed to download the AWS provider without NAT). */
  readonly assignPublicIp: boolean;
  /** A task still running after this long is stopped and the sweep takes over. @default 45 */
  readonly timeoutMinutes?: number;
}

/** What the reaper works on. */
export interface ReaperConfig {
  readonly env: string;
  /** The environment's account: the sweep refuses credentials of another. */
  readonly accountId: string;
  /** The environment's name prefix (`automock`): project roles are `<prefix>-<env>-*`. */
  readonly namePrefix: string;
  readonly registryTable: string;
  readonly stateBucket: string;
  readonly lockTable: string;
  /**
   * The environment's SNS topic, for the expiry warnings and teardown notices. A project's own
   * topic (its deployer's address, output `notification_topic_arn`) gets them as well.
   * @default - only projects' own topics
   */
  readonly topicArn?: string;
  /** The terraform-destroy task. @default - sweep only */
  readonly destroyer?: DestroyerTaskConfig;
  /** Report what would happen; write, start and delete nothing. @default false */
  readonly dryRun?: boolean;
  /** Minutes before expiry at which warnings go out. @default [60, 15] */
  readonly warningMinutes?: readonly number[];
  /** Backoff for the sweep. @default withRetry's defaults */
  readonly retry?: RetryOptions;
}

/** Inputs of one run. */
export interface ReaperRun {
  readonly clients: ReaperClients;
  readonly config: ReaperConfig;
  /** Deadline and sleep. */
  readonly clock: Clock;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default console.log */
  readonly log?: (line: string) => void;
}

/** What happened to one project. */
export interface ProjectOutcome {
  readonly project: string;
  readonly action:
    | 'warned'
    | 'found-nothing'
    | 'left-alone'
    | 'task-started'
    | 'task-running'
    | 'destroyed'
    | 'sweep-in-progress'
    | 'would-warn'
    | 'would-tear-down'
    | 'error';
  readonly detail?: string;
  /** Dry run: what the sweep would delete. */
  readonly wouldDelete?: readonly SweepItem[];
  /**
   * True when this project's sweep stopped to stay inside the run's deadline (the next run
   * resumes it). @default - not stopped
   */
  readonly stoppedForDeadline?: boolean;
}

/** What a run did. */
export interface ReaperReport {
  readonly env: string;
  readonly outcomes: readonly ProjectOutcome[];
  /** True when the run stopped early to stay inside its deadline. */
  readonly stoppedForDeadline: boolean;
}

const BY = 'reaper';

/**
 * One reaper run for an environment: sends due one-hour warnings, moves expired projects to
 * `expiring` (conditionally: an `extend-ttl` that got in first wins) and tears them down, follows
 * destroyer tasks started by earlier runs, and resumes interrupted sweeps. One project's failure
 * never stops the others; the run stops starting new work when its time is nearly up.
 */
export async function runReaper(run: ReaperRun): Promise<ReaperReport> {
  const { clients, config, clock } = run;
  const now = run.now ?? (() => new Date());
  const log = run.log ?? ((s: string) => console.log(s));
  const registry = new DeploymentRegistry({
    client: clients.dynamodb,
    tableName: config.registryTable,
  });
  const outcomes: ProjectOutcome[] = [];
  const deployments = await registry.listByEnvironment(config.env, {
    statuses: ['deploying', 'active', 'failed', 'expiring', 'destroying'],
  });
  let stoppedForDeadline = false;
  for (const d of deployments) {
    if (clock.timeLeftMs() <= 0) {
      stoppedForDeadline = true;
      log(`deadline near: ${d.project} and later projects wait for the next run`);
      break;
    }
    try {
      const outcome = await reapOne(run, registry, d, now, log);
      if (outcome) {
        outcomes.push(outcome);
        log(
          `${config.env}/${outcome.project}: ${outcome.action}${outcome.detail ? ` (${outcome.detail})` : ''}`,
        );
        if (outcome.stoppedForDeadline) stoppedForDeadline = true;
      }
    } catch (err) {
      const detail = `${errorName(err)}: ${(err as Error).message}`;
      outcomes.push({ project: d.project, action: 'error', detail });
      log(`${config.env}/${d.project}: error ${detail}`);
    }
  }
  return { env: config.env, outcomes, stoppedForDeadline };
}

async function reapOne(
  run: ReaperRun,
  registry: DeploymentRegistry,
  d: Deployment,
  now: () => Date,
  log: (s: string) => void,
): Promise<ProjectOutcome | undefined> {
  const { config } = run;
  const t = now();
  const live = d.status === 'deploying' || d.status === 'active' || d.status === 'failed';

  if (live && !isExpired(d, t)) {
    if (d.status === 'failed' || topicsOf(config, d).length === 0) return undefined;
    const stage = dueWarningStage(d, t, config.warningMinutes ?? DEFAULT_WARNING_MINUTES);
    if (stage === undefined) return undefined;
    if (config.dryRun) return { project: d.project, action: 'would-warn', detail: `${stage} min` };
    return warn(run, registry, d, t, stage);
  }

  if (live) {
    if (config.dryRun) {
      const plan = await sweepProject(run.clients, {
        env: d.env,
        project: d.project,
        accountId: config.accountId,
        namePrefix: config.namePrefix,
        dryRun: true,
        alreadyDeleted: d.teardown?.deleted ?? [],
        protectedNames: [config.stateBucket, config.lockTable, config.registryTable],
        clock: run.clock,
        log: run.log,
      });
      return { project: d.project, action: 'would-tear-down', wouldDelete: plan.planned };
    }
    let expiring: Deployment;
    try {
      expiring = await registry.transition(d.env, d.project, {
        from: [d.status],
        to: 'expiring',
        expectedVersion: d.version,
        expiredBy: t,
        by: BY,
        now: t,
      });
    } catch (err) {
      if (err instanceof RegistryConflictError)
        return { project: d.project, action: 'left-alone', detail: err.message };
      throw err;
    }
    return startTeardown(run, registry, expiring, now);
  }

  if (config.dryRun)
    return { project: d.project, action: 'would-tear-down', detail: `already ${d.status}` };
  if (d.status === 'expiring') return startTeardown(run, registry, d, now);
  // destroying
  if (d.teardown?.method === 'terraform-task' && d.teardown.taskArn)
    return followTask(run, registry, d, now, log);
  if (d.teardown?.method === 'terraform-task') {
    // A run crashed between moving to destroying and recording the task: RunTask may or may not
    // have happened; the sweep is safe either way.
    return fallBackToSweep(run, registry, d, now, 'no destroyer task was recorded');
  }
  return continueSweep(run, registry, d, now);
}

/** Where a project's warnings and notices go: the environment's topic and its own, if any. */
function topicsOf(config: ReaperConfig, d: Deployment): string[] {
  const own = d.outputs[PROJECT_OUTPUT.notificationTopic];
  return [...new Set([config.topicArn, own].filter((t): t is string => !!t))];
}

/** Publishes one message to every topic of the project; throws the first failure after trying all. */
async function publish(
  run: ReaperRun,
  d: Deployment,
  message: { subject: string; body: string; kind: string },
): Promise<void> {
  let failure: unknown;
  for (const topic of topicsOf(run.config, d)) {
    try {
      await run.clients.sns.send(
        new PublishCommand({
          TopicArn: topic,
          // SNS limits a subject to 100 characters.
          Subject: message.subject.slice(0, 99),
          Message: message.body,
          MessageAttributes: {
            env: { DataType: 'String', StringValue: d.env },
            project: { DataType: 'String', StringValue: d.project },
            kind: { DataType: 'String', StringValue: message.kind },
          },
        }),
      );
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
}

async function warn(
  run: ReaperRun,
  registry: DeploymentRegistry,
  d: Deployment,
  t: Date,
  stage: number,
): Promise<ProjectOutcome> {
  // Claim first (conditional), then send: two overlapping runs cannot both send it.
  let claimed: Deployment;
  try {
    claimed = await registry.recordWarning(d.env, d.project, {
      expectedVersion: d.version,
      stage,
      now: t,
      by: BY,
    });
  } catch (err) {
    if (err instanceof RegistryConflictError)
      return { project: d.project, action: 'left-alone', detail: err.message };
    throw err;
  }
  const message = warningMessage(d, t);
  try {
    await publish(run, d, message);
  } catch (err) {
    // Release the claim so the next run tries again.
    await registry
      .update(d.env, d.project, {
        statuses: [claimed.status],
        expectedVersion: claimed.version,
        fields: { warnedAt: d.warnedAt ?? null, warnedStage: d.warnedStage ?? null },
        by: BY,
        now: t,
      })
      .catch(() => undefined);
    throw err;
  }
  return { project: d.project, action: 'warned', detail: `${stage} min: ${message.command}` };
}

/** Sends the teardown notice; a failure to send is logged, never undoes the teardown. */
async function notifyTornDown(
  run: ReaperRun,
  d: Deployment,
  done: { method: string; deleted?: readonly string[]; archivedTo?: string },
  now: Date,
): Promise<void> {
  if (topicsOf(run.config, d).length === 0) return;
  try {
    await publish(run, d, teardownNotice(d, { ...done, at: now }));
  } catch (err) {
    (run.log ?? console.log)(
      `${d.env}/${d.project}: teardown notice not sent: ${errorName(err)}: ${(err as Error).message}`,
    );
  }
}

async function startTeardown(
  run: ReaperRun,
  registry: DeploymentRegistry,
  d: Deployment,
  now: () => Date,
): Promise<ProjectOutcome> {
  const dt = run.config.destroyer;
  const t = now();
  if (!dt) {
    const swept = await beginTeardown(registry, d, sweepTeardown(t), { by: BY, now: t });
    return continueSweep(run, registry, swept, now);
  }
  const destroying = await beginTeardown(
    registry,
    d,
    { method: 'terraform-task', startedAt: t.toISOString() },
    { by: BY, now: t },
  );
  let taskArn: string | undefined;
  let why = '';
  try {
    const out = await run.clients.ecs.send(
      new RunTaskCommand({
        cluster: dt.cluster,
        taskDefinition: dt.taskDefinition,
        launchType: 'FARGATE',
        count: 1,
        startedBy: `automock-reaper`,
        group: `automock-destroy:${d.project}`.slice(0, 255),
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...dt.subnets],
            securityGroups: [...dt.securityGroups],
            assignPublicIp: dt.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        },
        overrides: {
          containerOverrides: [
            {
              name: dt.containerName,
              environment: [
                { name: 'AUTOMOCK_ENV', value: d.env },
                { name: 'AUTOMOCK_PROJECT', value: d.project },
              ],
            },
          ],
        },
        tags: [
          { key: 'automock:env', value: d.env },
          { key: 'automock:destroys', value: d.project },
        ],
      }),
    );
    taskArn = out.tasks?.[0]?.taskArn;
    if (!taskArn)
      why =
        (out.failures ?? [])
          .map((f) => `${f.reason ?? 'failure'} ${f.detail ?? ''}`.trim())
          .join('; ') || 'no task returned';
  } catch (err) {
    why = `${errorName(err)}: ${(err as Error).message}`;
  }
  if (!taskArn) return fallBackToSweep(run, registry, destroying, now, `RunTask failed: ${why}`);
  await registry.update(d.env, d.project, {
    statuses: ['destroying'],
    expectedVersion: destroying.version,
    by: BY,
    now: t,
    fields: { teardown: { ...destroying.teardown!, taskArn } },
  });
  return { project: d.project, action: 'task-started', detail: taskArn };
}

async function followTask(
  run: ReaperRun,
  registry: DeploymentRegistry,
  d: Deployment,
  now: () => Date,
  log: (s: string) => void,
): Promise<ProjectOutcome> {
  const dt = run.config.destroyer;
  const td = d.teardown!;
  if (!dt) return fallBackToSweep(run, registry, d, now, 'destroyer task no longer configured');
  const out = await run.clients.ecs.send(
    new DescribeTasksCommand({ cluster: dt.cluster, tasks: [td.taskArn!] }),
  );
  const task: Task | undefined = out.tasks?.[0];
  if (!task)
    return fallBackToSweep(run, registry, d, now, `destroyer task ${td.taskArn} not found`);
  if (task.lastStatus !== 'STOPPED') {
    const ageMin = (now().getTime() - Date.parse(td.startedAt)) / 60_000;
    if (ageMin <= (dt.timeoutMinutes ?? 45))
      return {
        project: d.project,
        action: 'task-running',
        detail: `${task.lastStatus} for ${Math.round(ageMin)} min`,
      };
    await run.clients.ecs.send(
      new StopTaskCommand({
        cluster: dt.cluster,
        task: td.taskArn!,
        reason: 'automock reaper: destroy timed out',
      }),
    );
    return fallBackToSweep(
      run,
      registry,
      d,
      now,
      `destroyer task ran ${Math.round(ageMin)} min; stopped`,
    );
  }
  const container = task.containers?.find((c) => c.name === dt.containerName);
  if (container?.exitCode === 0) {
    // The task destroys and reports itself; this only finishes a report that did not arrive.
    log(
      `${d.env}/${d.project}: destroyer task succeeded but the registry still says destroying; finalizing`,
    );
    const { archivedTo } = await finalizeTeardown(run.clients, registry, {
      env: d.env,
      project: d.project,
      kind: d.kind,
      stateBucket: run.config.stateBucket,
      lockTable: run.config.lockTable,
      method: 'terraform-task',
      by: BY,
      now: now(),
    });
    await notifyTornDown(run, d, { method: 'terraform-task', archivedTo }, now());
    return { project: d.project, action: 'destroyed', detail: 'terraform-task' };
  }
  const why =
    `destroyer task stopped (${task.stoppedReason ?? 'no reason'}; exit ${container?.exitCode ?? 'none'}` +
    `${container?.reason ? `, ${container.reason}` : ''})` +
    (td.lastError ? `: ${td.lastError.slice(-300)}` : '');
  return fallBackToSweep(run, registry, d, now, why);
}

async function fallBackToSweep(
  run: ReaperRun,
  registry: DeploymentRegistry,
  d: Deployment,
  now: () => Date,
  why: string,
): Promise<ProjectOutcome> {
  const t = now();
  const next = await beginTeardown(registry, d, sweepTeardown(t, why), { by: BY, now: t });
  return continueSweep(run, registry, next, now);
}

async function continueSweep(
  run: ReaperRun,
  registry: DeploymentRegistry,
  d: Deployment,
  now: () => Date,
): Promise<ProjectOutcome> {
  const r = await sweepAndRecord(run.clients, registry, {
    deployment: d,
    accountId: run.config.accountId,
    namePrefix: run.config.namePrefix,
    stateBucket: run.config.stateBucket,
    lockTable: run.config.lockTable,
    by: BY,
    clock: run.clock,
    retry: run.config.retry,
    log: run.log,
    now,
  });
  const deleted = r.sweep.deletedSoFar.length;
  if (r.complete) {
    await notifyTornDown(
      run,
      r.deployment,
      { method: 'sweep', deleted: r.sweep.deletedSoFar, archivedTo: r.archivedTo },
      now(),
    );
    return {
      project: d.project,
      action: 'destroyed',
      detail: `sweep deleted ${deleted} resources`,
    };
  }
  if (r.foundNothing)
    return {
      project: d.project,
      action: 'found-nothing',
      detail: r.deployment.teardown?.lastError,
    };
  const why = r.stoppedForDeadline
    ? 'stopped before the deadline; the next run resumes'
    : `${r.sweep.failures.length} deletes failed; the next run retries`;
  return {
    project: d.project,
    action: 'sweep-in-progress',
    detail: `${why} (${deleted} deleted so far, ${r.sweep.failures.length} failed)`,
    ...(r.stoppedForDeadline ? { stoppedForDeadline: true } : {}),
  };
}
