import { parseCidr } from './cidr';
import { IssueCollector } from './errors';
import { resourceName } from './naming';

/**
 * Who may reach a project's mocked API (the data plane) when an environment names nobody: the
 * whole internet, because mocks are called from developers' machines and CI runners whose
 * addresses are not known in advance. Production environments should narrow it (AM-ELB-6 flags it).
 */
export const DEFAULT_DATA_PLANE_CIDRS: readonly string[] = Object.freeze(['0.0.0.0/0']);

/**
 * An ALB rule takes at most 5 condition values, and the host-header condition of a host-routed
 * project takes one of them, so one rule holds at most 4 source CIDRs. A project's data plane is
 * one rule, so this is the most a list may hold.
 */
export const MAX_DATA_PLANE_CIDRS = 4;

/**
 * The control-plane rule that admits by source address carries the host (1) and the two
 * control-plane path patterns (2) besides the CIDRs: 5 - 3 = 2.
 */
export const MAX_CONTROL_PLANE_CIDRS = 2;

/** Request header the load balancer requires, with the project's token, on `/mockserver/*`. */
export const CONTROL_PLANE_HEADER = 'x-automock-control-token';

/**
 * Path patterns of MockServer's control plane: its REST API and dashboard under `/mockserver/`,
 * and the dashboard's and callbacks' websockets (`/_mockserver_ui_websocket`,
 * `/_mockserver_callback_websocket`).
 */
export const CONTROL_PLANE_PATHS: readonly string[] = Object.freeze([
  '/mockserver/*',
  '/_mockserver_*',
]);

/** A prefix shorter than this is treated as "the internet" by the checks that look for it. */
export const INTERNET_PREFIX_BELOW = 8;

/** True when a CIDR covers so much of the address space that it stands for the internet. */
export function isInternetCidr(cidr: string): boolean {
  if (cidr === '::/0') return true;
  const parsed = parseCidr(cidr);
  return parsed !== undefined && parsed.prefix < INTERNET_PREFIX_BELOW;
}

/** True when a CIDR list admits the whole internet. */
export function admitsInternet(cidrs: readonly string[]): boolean {
  return cidrs.some((c) => isInternetCidr(c));
}

/**
 * Name of the Secrets Manager secret that holds a project's control-plane token. The CLI reads it
 * to call `/mockserver/*`; it is created by the project stack.
 */
export function controlPlaneSecretName(prefix: string, env: string, project: string): string {
  return `${prefix}/${env}/${project}/control-plane-token`;
}

/**
 * Checks a list of IPv4 CIDRs: 1 to `max` entries (0 allowed when `min` is 0), each a network
 * address with no host bits set, no duplicates.
 */
export function checkCidrList(
  issues: IssueCollector,
  field: string,
  value: unknown,
  limits: { readonly min: number; readonly max: number; readonly why: string },
): value is readonly string[] {
  if (!Array.isArray(value)) {
    issues.add(field, value, 'must be a list of IPv4 CIDRs such as ["203.0.113.0/24"]');
    return false;
  }
  const before = issues.issues.length;
  if (value.length < limits.min || value.length > limits.max) {
    issues.add(
      field,
      value,
      `must hold ${limits.min === limits.max ? limits.min : `${limits.min} to ${limits.max}`} CIDRs (${limits.why})`,
    );
  }
  const seen = new Set<string>();
  value.forEach((c: unknown, i) => {
    if (typeof c !== 'string' || !parseCidr(c)) {
      issues.add(
        `${field}[${i}]`,
        c,
        'must be an IPv4 network in CIDR form with no host bits set, e.g. 203.0.113.0/24',
      );
    } else if (seen.has(c)) {
      issues.add(`${field}[${i}]`, c, 'must not repeat an earlier entry');
    } else seen.add(c);
  });
  return issues.issues.length === before;
}

/**
 * Name of an environment's ALB access-log bucket (S3 names are global, hence the account).
 * Shared and dedicated ALBs of the environment write to it under their own prefixes.
 */
export function albAccessLogBucketName(prefix: string, env: string, accountId: string): string {
  return resourceName('s3Bucket', { prefix, env, kind: `alb-logs-${accountId}` });
}

/** Prefix of a load balancer's logs in that bucket: `shared`, or `projects/<project>`. */
export function albAccessLogPrefix(project?: string): string {
  return project ? `projects/${project}` : 'shared';
}
