import { admitsInternet } from './access';
import { IssueCollector } from './errors';
import type { Environment } from './environment';
import type { Project } from './project';
import { ProjectAccess, ProjectRouting, sharedRoutingKind } from './routing';

/**
 * AWS limits that configuration can run into, checked once here so that synthesis refuses what
 * AWS would refuse at apply time. Name lengths of generated resources are handled by
 * `resourceName` (naming.ts), tags by tags.ts.
 */

/** ACM: the first domain name of a certificate (CN) is at most 64 characters. */
export const ACM_DOMAIN_NAME_MAX = 64;
/** Route53: a record name is at most 253 characters (without the trailing dot). */
export const ROUTE53_NAME_MAX = 253;
/** ELB: a host-header condition value is at most 128 characters. */
export const ALB_HOST_HEADER_MAX = 128;

/** ECS: a task definition (RegisterTaskDefinition's JSON) is at most 64 KiB. */
export const TASK_DEFINITION_MAX_BYTES = 64 * 1024;
/**
 * Part of the 64 KiB kept for what AutoMock itself puts in a MockServer task definition (two
 * containers and their settings, roles, volumes); the task definition's tags come off the budget
 * too (see {@link containerEnvironmentBudget}), and the rest is for a project's environment
 * variables and secrets. A test synthesises the largest project this allows, with the most and
 * longest tags, and checks the task definition against the AWS limit.
 */
export const TASK_DEFINITION_RESERVED_BYTES = 8 * 1024;
/** Most bytes a project's environment variables and secrets may ever take (no tags at all). */
export const CONTAINER_ENVIRONMENT_MAX_BYTES =
  TASK_DEFINITION_MAX_BYTES - TASK_DEFINITION_RESERVED_BYTES;

/**
 * Bytes a project's environment variables and secrets may take in a task definition carrying
 * `tags`: 64 KiB, less AutoMock's reserve, less the tags (counted as AWS receives them, since
 * RegisterTaskDefinition carries them).
 */
export function containerEnvironmentBudget(tags: Readonly<Record<string, string>>): number {
  const tagBytes = Buffer.byteLength(
    JSON.stringify(Object.entries(tags).map(([key, value]) => ({ key, value }))),
    'utf8',
  );
  return CONTAINER_ENVIRONMENT_MAX_BYTES - tagBytes;
}

/** Size of environment variables and secrets as ECS stores them (`[{name, value}]`, `[{name, valueFrom}]`). */
export function containerEnvironmentBytes(
  environment: Readonly<Record<string, string>> = {},
  secrets: Readonly<Record<string, string>> = {},
): number {
  const env = Object.entries(environment).map(([name, value]) => ({ name, value }));
  const sec = Object.entries(secrets).map(([name, valueFrom]) => ({ name, valueFrom }));
  return Buffer.byteLength(JSON.stringify({ environment: env, secrets: sec }), 'utf8');
}

/** Application Load Balancer quotas that projects on a shared ALB consume. */
export const ALB_QUOTAS = {
  /** Listeners per load balancer. */
  listeners: 50,
  /** Target groups per load balancer. */
  targetGroups: 100,
  /** Listener rules per load balancer, default rules not counted. */
  rules: 100,
} as const;

/** What a shared ALB holds before any project: its HTTP listener, and HTTPS with a domain. */
export function sharedAlbBaseUsage(env: Pick<Environment, 'domain'>): AlbUsage {
  return { listeners: env.domain ? 2 : 1, targetGroups: 0, rules: 0 };
}

/** Listeners, target groups and rules one thing adds to a load balancer. */
export interface AlbUsage {
  readonly listeners: number;
  readonly targetGroups: number;
  readonly rules: number;
}

/**
 * What one MockServer project adds to its environment's shared ALB, rule for rule as ecs-service's
 * `routingRules` builds them:
 * - two target groups (mocked API and control plane);
 * - routed by port, a listener of its own; by host, none (rules on the shared HTTPS listener);
 * - control plane: a rule forwarding requests with the token, one forwarding the
 *   `controlPlaneCidrs` when the environment names any, and a rule refusing the rest (2 or 3);
 * - data plane: routed by host, one host rule; routed by port, the listener's default action when
 *   `dataPlaneCidrs` admit the internet, else one more rule with the source condition (and the
 *   default refuses).
 *
 * So a project takes 2 to 4 of the ALB's 100 rules; a dedicated one takes nothing from it. `ecs-service`'s routing test and the stacks'
 * worst-case test count the rules really synthesised for every case against this function.
 */
export function sharedAlbProjectUsage(
  routing: ProjectRouting['kind'],
  access: ProjectAccess,
): AlbUsage {
  if (routing === 'dedicated') return { listeners: 0, targetGroups: 0, rules: 0 };
  const controlPlane = access.controlPlaneCidrs.length > 0 ? 3 : 2;
  const dataPlane = routing === 'shared-host' ? 1 : admitsInternet(access.dataPlaneCidrs) ? 0 : 1;
  return {
    listeners: routing === 'shared-port' ? 1 : 0,
    targetGroups: 2,
    rules: controlPlane + dataPlane,
  };
}

/**
 * Checks that the shared-ALB projects of each environment fit its load balancer's quotas.
 * `alreadyDeployed` counts, per environment name, shared projects that are deployed but not in
 * `projects`: ephemeral ones known only to the registry. `automock deploy` creates those with the
 * environment's access settings (it has no per-project CIDR flags), so each counts as a project
 * with the environment's `dataPlaneCidrs`.
 *
 * @returns the issues found (one per environment and quota exceeded).
 */
export function checkSharedAlbCapacity(
  issues: IssueCollector,
  projects: readonly Project[],
  alreadyDeployed: Readonly<Record<string, number>> = {},
): void {
  const byEnv = new Map<string, { env: Environment; projects: Project[] }>();
  for (const p of projects) {
    if (p.routing.kind === 'dedicated') continue;
    const e = byEnv.get(p.env.name) ?? { env: p.env, projects: [] };
    e.projects.push(p);
    byEnv.set(p.env.name, e);
  }
  for (const [name, extra] of Object.entries(alreadyDeployed)) {
    if (extra > 0 && !byEnv.has(name)) {
      const env = projects.find((p) => p.env.name === name)?.env;
      if (env) byEnv.set(name, { env, projects: [] });
    }
  }
  for (const { env, projects: shared } of byEnv.values()) {
    const deployed = alreadyDeployed[env.name] ?? 0;
    const count = shared.length + deployed;
    const registryUsage = sharedAlbProjectUsage(sharedRoutingKind(env), env);
    // Projects already on the ALB come first: they hold their share whatever this run does.
    const usages = [
      ...Array.from({ length: deployed }, () => registryUsage),
      ...shared.map((p) => sharedAlbProjectUsage(p.routing.kind, p.access)),
    ];
    const base = sharedAlbBaseUsage(env);
    for (const quota of ['listeners', 'targetGroups', 'rules'] as const) {
      const used = usages.reduce((n, u) => n + u[quota], base[quota]);
      if (used <= ALB_QUOTAS[quota]) continue;
      let fit = 0;
      for (let total = base[quota]; fit < usages.length; fit++) {
        total += usages[fit]![quota];
        if (total > ALB_QUOTAS[quota]) break;
      }
      const label = {
        listeners: 'listeners',
        targetGroups: 'target groups',
        rules: 'listener rules',
      }[quota];
      const newest = shared[shared.length - 1];
      issues.add(
        newest ? `project[${env.name}/${newest.name}].isolation` : `environment[${env.name}]`,
        newest?.isolation ?? count,
        `would put ${used} ${label} on the shared ALB of ${env.name} (${count} shared projects${deployed ? `, ${deployed} of them already deployed` : ''}); an ALB holds at most ${ALB_QUOTAS[quota]}, so at most ${fit} shared projects fit: deploy this one with isolation 'dedicated' (its own ALB), or destroy projects no longer needed`,
      );
    }
  }
}

/** A stack the app would create, and what it is for (used in messages). */
export interface StackNameEntry {
  readonly name: string;
  /** The configuration field the name comes from, e.g. `project[dev/petstore].name`. */
  readonly field: string;
  /** What the stack is, e.g. `project stack of petstore in dev`. */
  readonly what: string;
}

/**
 * Checks that no two stacks get the same name (an environment named `dev-petstore` and project
 * `petstore` of `dev` both make `dev-petstore`): they would share a directory in cdktf.out and
 * clash in the construct tree.
 */
export function checkStackNames(issues: IssueCollector, entries: readonly StackNameEntry[]): void {
  const seen = new Map<string, StackNameEntry>();
  for (const e of entries) {
    const other = seen.get(e.name);
    if (other) {
      issues.add(
        e.field,
        e.name,
        `must not make the same stack name as the ${other.what} (${other.field}); rename one of them`,
      );
    } else seen.set(e.name, e);
  }
}
