import { checkDnsName, checkTtlHours, DNS_LABEL_RE, Environment } from '../environment';
import { IssueCollector } from '../errors';
import { shortHash } from '../hash';
import type { DatabaseResolved } from './database';
import type { ResolvedService } from './services';
import { Workload, workloadLabel, WORKLOAD_NAME_MAX } from './workload';

/** Defaults of a preview (an ephemeral deployment of a workload with a TTL). */
export const WORKLOAD_PREVIEW_DEFAULTS = {
  /** The suffix when none is given: one preview per workload and environment. */
  name: 'preview',
} as const;

/** Longest preview suffix (`--name`): the same rule as a workload's own name. */
export const PREVIEW_NAME_MAX = WORKLOAD_NAME_MAX;

/** What `automock deploy --workload` is asked for. */
export interface WorkloadPreviewInput {
  /** The declared workload (or the workload a YAML file declares) to deploy a preview of. */
  readonly workload: string;
  /** Suffix that tells this preview from the declared workload and other previews. @default 'preview' */
  readonly name?: string;
  /** Hours until teardown; 0 never expires. @default the environment's `defaultTtlHours` */
  readonly ttlHours?: number;
}

/** A validated preview request for one environment. */
export interface WorkloadPreview {
  /** The workload it previews. */
  readonly workload: string;
  /** The suffix. */
  readonly name: string;
  /**
   * The preview's own workload name: its stack is `<env>-<previewName>`, its state key, registry
   * item and `automock:project` tag use it ({@link workloadPreviewName}).
   */
  readonly previewName: string;
  readonly env: Environment;
  readonly ttlHours: number;
}

/**
 * The workload name of a preview: `<workload>-<name>` when that fits {@link WORKLOAD_NAME_MAX},
 * else its head and a hash of the whole, so it still fits every resource name a workload's does,
 * and two previews (or a preview and the workload) never share it.
 */
export function workloadPreviewName(workload: string, name: string): string {
  const full = `${workload}-${name}`;
  if (full.length <= WORKLOAD_NAME_MAX) return full;
  const hash = shortHash(full, 6);
  const head = full.slice(0, WORKLOAD_NAME_MAX - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/**
 * Validates a preview request: the workload's and the preview's names (DNS labels of 1-24
 * characters), and the TTL (0-720 hours, within the environment's `maxTtlHours`, which refuses 0).
 * The workload's own definition is validated afterwards, with `ephemeral: true`.
 *
 * @throws ConfigValidationError naming each field, value and rule.
 */
export function resolveWorkloadPreview(
  input: WorkloadPreviewInput,
  env: Environment,
): WorkloadPreview {
  const issues = new IssueCollector();
  checkDnsName(issues, 'workload', input.workload, WORKLOAD_NAME_MAX);
  const name = input.name ?? WORKLOAD_PREVIEW_DEFAULTS.name;
  checkDnsName(issues, 'name', name, PREVIEW_NAME_MAX);
  const ttlHours = input.ttlHours ?? env.defaultTtlHours;
  checkTtlHours(issues, 'ttlHours', ttlHours);
  if (
    env.maxTtlHours !== undefined &&
    typeof ttlHours === 'number' &&
    (ttlHours === 0 || ttlHours > env.maxTtlHours)
  )
    issues.add(
      'ttlHours',
      ttlHours,
      `must be from 1 to ${env.maxTtlHours}: environment ${env.name} sets maxTtlHours ${env.maxTtlHours} (0, never expire, is not allowed there)`,
    );
  issues.throwIfAny(`preview of workload ${JSON.stringify(input.workload)} in ${env.name}`);
  const previewName = workloadPreviewName(input.workload, name);
  // Both parts are DNS labels, so the joined (or hashed) name is one too.
  if (!DNS_LABEL_RE.test(previewName)) throw new Error(`bad preview name ${previewName}`);
  return { workload: input.workload, name, previewName, env, ttlHours };
}

/**
 * A workload's declaration (plain data, as written) turned into its preview's: its name, only the
 * preview's environment, `ephemeral: true` (data deleted with it, no deletion protection) and the
 * TTL. Everything else is the declared workload's, validated by the same `defineWorkload`.
 */
export function previewWorkloadInput(input: unknown, preview: WorkloadPreview): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  return {
    ...(input as Record<string, unknown>),
    name: preview.previewName,
    environments: [preview.env.name],
    ephemeral: true,
    ttlHours: preview.ttlHours,
  };
}

/**
 * A preview's services routed by the environment's shared ALB match the same hosts and paths as
 * those of the workload it previews (and of its other previews) in that environment, and so does
 * its database's pgAdmin: ALB sends each request to the rule of lowest priority, so one of them
 * would take the other's traffic. Reports each such service, and pgAdmin, while `holders` (the
 * live deployments of the same workload in the preview's environment) is not empty.
 */
export function checkPreviewRouting(
  issues: IssueCollector,
  preview: Pick<Workload, 'name' | 'env' | 'sections'>,
  holders: readonly string[],
): void {
  if (holders.length === 0) return;
  // pgAdmin answers the same path on the shared ALB in every deployment of the workload.
  const pgAdmin = (preview.sections.database as DatabaseResolved | undefined)?.pgAdmin;
  if (pgAdmin)
    issues.add(
      `${workloadLabel(preview.env.name, preview.name)}.database.pgAdmin.path`,
      pgAdmin.path,
      `must not be served while ${holders.join(', ')} serve${holders.length === 1 ? 's' : ''} pgAdmin at the same path on ${preview.env.name}'s ALB (the rule of lower priority takes every request): deploy the preview to another environment, or destroy the other first`,
    );
  const services = (preview.sections.services as readonly ResolvedService[] | undefined) ?? [];
  services.forEach((s, i) => {
    if (s.routing.kind !== 'shared') return;
    issues.add(
      `${workloadLabel(preview.env.name, preview.name)}.services[${i}].routing`,
      { kind: 'shared', hosts: s.routing.hosts, paths: s.routing.paths },
      `must not be shared while ${holders.join(', ')} answer${holders.length === 1 ? 's' : ''} the same hosts and paths on ${preview.env.name}'s ALB (the rule of lower priority takes every request): deploy the preview to another environment, or destroy the other first`,
    );
  });
}
