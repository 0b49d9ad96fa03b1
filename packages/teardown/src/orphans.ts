import { ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ENVIRONMENT_PROJECT,
  HOURS_PER_MONTH,
  PRICES,
  PRICES_AS_OF,
  TAG_ENV,
  TAG_PROJECT,
} from '@automock/core';
import type { Deployment, DeploymentRegistry } from '@automock/registry';
import type { Clock, RetryOptions } from './retry';
import {
  type SweepClients,
  type SweepItem,
  type SweepKind,
  type SweepResult,
  checkSweepAccount,
  sweepProject,
} from './sweep';

/** Hourly list price of the resource kinds that bill by the hour (core's price table). */
const HOURLY: Partial<Record<SweepKind, number>> = {
  'load-balancer': PRICES.alb.hour,
  'nat-gateway': PRICES.natGateway.hour,
  'elastic-ip': PRICES.publicIpv4.hour,
  secret: PRICES.secretsManager.secretMonth / HOURS_PER_MONTH,
};

/**
 * Kinds whose cost depends on what runs or is stored (tasks, gigabytes, endpoint AZs), not priced
 * here: listed so the estimate says what it leaves out.
 */
const USAGE_PRICED: readonly SweepKind[] = [
  'ecs-service',
  // Issue 14: a database bills by the hour of its instance class and its storage, neither in its
  // ARN; a file system by the gigabyte; an HTTP API by request; a user pool by monthly user.
  'rds-instance',
  'efs-file-system',
  'vpc-endpoint',
  's3-bucket',
  'log-group',
  'apigw-api',
  'cognito-user-pool',
];

/** Resources of a project the registry does not know, or lists as destroyed. */
export interface OrphanProject {
  readonly project: string;
  /** `unknown`: no registry item; `destroyed`: the registry says it is gone. */
  readonly reason: 'unknown' | 'destroyed';
  /**
   * How long it has been left: since the registry's `destroyedAt`. Undefined for an unknown
   * project: the Tagging API gives no creation time.
   */
  readonly ageHours?: number;
  /** What a sweep would delete, in its order (roles included). */
  readonly resources: readonly SweepItem[];
  /** USD per hour of the resources priced by the hour (load balancers, NAT, IPv4, secrets). */
  readonly hourlyCost: number;
  /** Kinds present whose cost depends on usage and is not in `hourlyCost`. */
  readonly unpriced: readonly SweepKind[];
}

/** Options of {@link findOrphans} and {@link sweepOrphans}. */
export interface OrphanOptions {
  readonly env: string;
  /** The environment's account: other credentials are refused. */
  readonly accountId: string;
  /** The environment's name prefix (project roles are `<prefix>-<env>-*`). */
  readonly namePrefix: string;
  /** Never deleted whatever their tags: the state bucket, lock table and registry. */
  readonly protectedNames: readonly string[];
  readonly clock: Clock;
  /** @default withRetry's defaults */
  readonly retry?: RetryOptions;
  /** @default - silent */
  readonly log?: (line: string) => void;
  /** @default new Date() */
  readonly now?: Date;
}

/** The registry statuses in which a project's resources are expected to exist. */
const ORPHAN_STATUSES: readonly Deployment['status'][] = ['destroyed'];

/**
 * Finds the environment's orphans: projects whose resources still carry `automock:env = env` and
 * a project tag (Tagging API, and IAM roles by name and tags) while the registry does not know the
 * project or lists it as destroyed. Deletes nothing. A project the registry lists in any other
 * status is not an orphan (its teardown, if any, is the reaper's).
 */
export async function findOrphans(
  clients: SweepClients,
  registry: DeploymentRegistry,
  opts: OrphanOptions,
): Promise<OrphanProject[]> {
  await checkSweepAccount(clients.sts, opts.accountId);
  const projects = new Set<string>();
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await clients.tagging.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: TAG_ENV, Values: [opts.env] }],
        PaginationToken: token || undefined,
        ResourcesPerPage: 100,
      }),
    );
    for (const m of page.ResourceTagMappingList ?? []) {
      if (!m.ResourceARN || seen.has(m.ResourceARN)) continue;
      seen.add(m.ResourceARN);
      const tags = new Map((m.Tags ?? []).map((t) => [t.Key, t.Value]));
      const project = tags.get(TAG_PROJECT);
      if (tags.get(TAG_ENV) === opts.env && project && project !== ENVIRONMENT_PROJECT)
        projects.add(project);
    }
    token = page.PaginationToken;
  } while (token);
  for (const project of await roleProjects(clients, opts)) projects.add(project);

  const known = new Map(
    (await registry.listByEnvironment(opts.env)).map((d) => [d.project, d] as const),
  );
  const now = opts.now ?? new Date();
  const out: OrphanProject[] = [];
  for (const project of [...projects].sort()) {
    const d = known.get(project);
    if (d && !ORPHAN_STATUSES.includes(d.status)) continue;
    const plan = await sweepProject(clients, {
      env: opts.env,
      project,
      accountId: opts.accountId,
      namePrefix: opts.namePrefix,
      protectedNames: opts.protectedNames,
      dryRun: true,
      clock: opts.clock,
    });
    if (plan.planned.length === 0) continue;
    const kinds = new Set(plan.planned.map((i) => i.kind));
    out.push({
      project,
      reason: d ? 'destroyed' : 'unknown',
      ...(d?.destroyedAt
        ? { ageHours: Math.max(0, (now.getTime() - Date.parse(d.destroyedAt)) / 3_600_000) }
        : {}),
      resources: plan.planned,
      hourlyCost: plan.planned.reduce((sum, i) => sum + (HOURLY[i.kind] ?? 0), 0),
      unpriced: USAGE_PRICED.filter((k) => kinds.has(k)),
    });
  }
  return out;
}

/** Where the orphan estimates' prices come from. */
export const ORPHAN_PRICES_AS_OF = PRICES_AS_OF;

/** What {@link sweepOrphans} did to one orphan. */
export interface OrphanSweep {
  readonly project: string;
  /** The sweep's result; undefined when the project came alive before its turn (left alone). */
  readonly result?: SweepResult;
  readonly skippedBecause?: string;
}

/**
 * Deletes the orphans `findOrphans` listed, with the sweep's safety rules (account checked, both
 * tags, protected names, dependency order, retries). Each project's registry status is read again
 * just before its sweep: one deployed again meanwhile is left alone.
 */
export async function sweepOrphans(
  clients: SweepClients,
  registry: DeploymentRegistry,
  orphans: readonly OrphanProject[],
  opts: OrphanOptions,
): Promise<OrphanSweep[]> {
  const out: OrphanSweep[] = [];
  for (const o of orphans) {
    const d = await registry.get(opts.env, o.project);
    if (d && !ORPHAN_STATUSES.includes(d.status)) {
      out.push({ project: o.project, skippedBecause: `it is ${d.status} in the registry now` });
      continue;
    }
    const result = await sweepProject(clients, {
      env: opts.env,
      project: o.project,
      accountId: opts.accountId,
      namePrefix: opts.namePrefix,
      protectedNames: opts.protectedNames,
      clock: opts.clock,
      retry: opts.retry,
      log: opts.log,
    });
    out.push({ project: o.project, result });
  }
  return out;
}

/** Projects named by the tags of the environment's roles (`<prefix>-<env>-*`). */
async function roleProjects(clients: SweepClients, opts: OrphanOptions): Promise<Set<string>> {
  const out = new Set<string>();
  const namePrefix = `${opts.namePrefix}-${opts.env}-`;
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(new ListRolesCommand({ Marker: marker }));
    for (const role of page.Roles ?? []) {
      if (!role.RoleName?.startsWith(namePrefix)) continue;
      const tags = await clients.iam.send(new ListRoleTagsCommand({ RoleName: role.RoleName }));
      const t = new Map((tags.Tags ?? []).map((x) => [x.Key, x.Value]));
      const project = t.get(TAG_PROJECT);
      if (t.get(TAG_ENV) === opts.env && project && project !== ENVIRONMENT_PROJECT)
        out.add(project);
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return out;
}
