import { ecsClusterName, ecsServiceName, MOCKSERVER_SERVICE, PROJECT_OUTPUT } from '@automock/core';
import { Deployment } from '@automock/registry';
import { loadEnvironments } from '../environment/app-module';
import { ecsClient } from '../environment/aws';
import { ProjectUrls, urlsFrom } from './urls';
import { EnvironmentContext } from '../environment/environment-context';
import { timeLeft } from '../presentation/time';

/** What ECS says about a project's service. */
export interface ServiceState {
  readonly cluster: string;
  readonly service: string;
  /** ECS service status (ACTIVE, DRAINING, INACTIVE) or MISSING. */
  readonly status: string;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  /** Rollout state of the newest deployment (IN_PROGRESS, COMPLETED, FAILED). */
  readonly rolloutState?: string;
  readonly rolloutReason?: string;
  /** The newest service events, newest first. */
  readonly events: readonly { readonly at: string; readonly message: string }[];
}

/** One project's status: the registry item, its URLs and time left, and ECS's view. */
export interface ProjectStatus {
  readonly env: string;
  readonly project: string;
  /** `mock`, or `workload` for a workload preview. */
  readonly kind: Deployment['kind'];
  /** For a workload preview: the workload it previews. */
  readonly workload?: string;
  readonly status: Deployment['status'];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string;
  readonly timeLeft: string;
  readonly ttlHours: number;
  readonly size?: string;
  readonly isolation?: string;
  readonly urls: ProjectUrls;
  readonly failureReason?: string;
  /**
   * The teardown in progress (or last done): how, since when, how many runs, what is deleted so
   * far, why the sweep took over and its last error; what to look at for a project stuck in
   * `destroying`.
   */
  readonly teardown?: {
    readonly method: string;
    readonly startedAt: string;
    readonly runs: number;
    readonly deleted: number;
    readonly taskArn?: string;
    readonly fallbackReason?: string;
    readonly lastError?: string;
  };
  /** ECS service state; `error` when it could not be read. */
  readonly service?: ServiceState | { readonly error: string };
}

/**
 * ECS cluster and service of a project: from its outputs, else (a deploy that failed before
 * recording them) from the names the stacks give them: the environment's cluster (dedicated
 * projects bring their own ALB and network, not a cluster) and the MockServer service.
 */
export function serviceNames(
  ctx: EnvironmentContext,
  d: Pick<Deployment, 'project' | 'outputs'>,
): { cluster: string; service: string } {
  const o = d.outputs;
  const { prefix, name: env } = ctx.env;
  return {
    cluster: o[PROJECT_OUTPUT.clusterName] ?? ecsClusterName(prefix, env),
    service:
      o[PROJECT_OUTPUT.serviceName] ?? ecsServiceName(prefix, env, d.project, MOCKSERVER_SERVICE),
  };
}

const EVENTS = 5;

/** What ECS says about one service: counts, the primary deployment's rollout, latest events. */
export function serviceState(
  cluster: string,
  service: string,
  s: import('@aws-sdk/client-ecs').Service,
): ServiceState {
  const primary = s.deployments?.find((x) => x.status === 'PRIMARY') ?? s.deployments?.[0];
  return {
    cluster,
    service,
    status: s.status ?? 'UNKNOWN',
    running: s.runningCount ?? 0,
    desired: s.desiredCount ?? 0,
    pending: s.pendingCount ?? 0,
    rolloutState: primary?.rolloutState,
    rolloutReason: primary?.rolloutStateReason,
    events: (s.events ?? []).slice(0, EVENTS).map((e) => ({
      at: e.createdAt ? new Date(e.createdAt).toISOString() : '',
      message: e.message ?? '',
    })),
  };
}

async function describeService(
  ctx: EnvironmentContext,
  d: Deployment,
): Promise<ProjectStatus['service']> {
  const { cluster, service } = serviceNames(ctx, d);
  const client = ecsClient(ctx.env.region);
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { DescribeServicesCommand } =
      require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const out = await client.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const s = out.services?.[0];
    if (!s) {
      return {
        cluster,
        service,
        status: 'MISSING',
        running: 0,
        desired: 0,
        pending: 0,
        events: [],
      };
    }
    return serviceState(cluster, service, s);
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  } finally {
    client.destroy();
  }
}

function toStatus(d: Deployment, now: Date): ProjectStatus {
  return {
    env: d.env,
    project: d.project,
    kind: d.kind,
    ...(d.workload ? { workload: d.workload } : {}),
    status: d.status,
    createdAt: d.createdAt,
    createdBy: d.createdBy,
    expiresAt: d.expiresAt,
    timeLeft: d.status === 'destroyed' ? '-' : timeLeft(d.expiresAt, now),
    ttlHours: d.ttlHours,
    size: d.size,
    isolation: d.isolation,
    urls: urlsFrom(d.outputs),
    failureReason: d.failureReason,
    ...(d.teardown
      ? {
          teardown: {
            method: d.teardown.method,
            startedAt: d.teardown.startedAt,
            runs: d.teardown.runs ?? 0,
            deleted: d.teardown.deleted?.length ?? 0,
            ...(d.teardown.taskArn ? { taskArn: d.teardown.taskArn } : {}),
            ...(d.teardown.fallbackReason ? { fallbackReason: d.teardown.fallbackReason } : {}),
            ...(d.teardown.lastError ? { lastError: d.teardown.lastError } : {}),
          },
        }
      : {}),
  };
}

/** Statuses whose ECS service is worth asking about. */
const LIVE = ['deploying', 'active', 'expiring', 'destroying', 'failed'];

/**
 * Status of one project, or of every live project of the given environments (all when none is
 * given), with ECS's view of each service.
 */
export async function projectStatuses(
  opts: { env?: string; project?: string; withEcs?: boolean },
  now: Date = new Date(),
): Promise<{ statuses: ProjectStatus[]; warnings: string[] }> {
  const envNames = opts.env ? [opts.env] : loadEnvironments().map((e) => e.name);
  const statuses: ProjectStatus[] = [];
  const warnings: string[] = [];
  let firstError: unknown;
  for (const name of envNames) {
    const ctx = EnvironmentContext.open(name);
    let items: Deployment[];
    try {
      items = opts.project
        ? [await ctx.requireDeployment(opts.project)]
        : (await ctx.registry.listByEnvironment(name)).filter((d) => d.status !== 'destroyed');
    } catch (e) {
      if (opts.env) throw e;
      firstError ??= e;
      warnings.push(`${name}: could not read the registry: ${(e as Error).message}`);
      continue;
    }
    for (const d of items) {
      const st = toStatus(d, now);
      // A preview's services are the workload's (status --workload), not one MockServer service.
      const service =
        opts.withEcs !== false && d.kind !== 'workload' && LIVE.includes(d.status)
          ? await describeService(ctx, d)
          : undefined;
      statuses.push(service ? { ...st, service } : st);
    }
  }
  if (statuses.length === 0 && warnings.length === envNames.length && firstError) throw firstError;
  return { statuses, warnings };
}

/** The registry view of an environment (for `list`): every deployment, destroyed ones optional. */
export async function listDeployments(
  env: string,
  includeDestroyed = false,
  now: Date = new Date(),
): Promise<ProjectStatus[]> {
  const ctx = EnvironmentContext.open(env);
  const items = await ctx.registry.listByEnvironment(env);
  return items
    .filter((d) => includeDestroyed || d.status !== 'destroyed')
    .map((d) => toStatus(d, now));
}
