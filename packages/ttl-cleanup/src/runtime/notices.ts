import { NEVER_EXPIRES, PRICES_AS_OF } from '@automock/core';
import type { Deployment } from '@automock/registry';

/** A message for the project's topics. */
export interface Notice {
  /** SNS subject (cut to SNS's 100 characters when sent). */
  readonly subject: string;
  readonly body: string;
  /** `expiry-warning` or `teardown`, sent as the `kind` message attribute (for filter policies). */
  readonly kind: string;
}

const HOUR_MS = 3_600_000;

/** The extension offered in a warning: the project's own TTL again, from 1 to 24 hours. */
export function extendCommand(d: Pick<Deployment, 'env' | 'project' | 'ttlHours'>): string {
  const hours = Math.min(Math.max(d.ttlHours, 1), 24);
  return `automock extend-ttl --env ${d.env} --project ${d.project} --hours ${hours}`;
}

/** The expiry warning: when, what to run to keep it, who deployed it, its URLs. */
export function warningMessage(d: Deployment, now: Date): Notice & { readonly command: string } {
  const minutes = Math.max(1, Math.round((Date.parse(d.expiresAt) - now.getTime()) / 60_000));
  const command = extendCommand(d);
  const hours = Math.min(Math.max(d.ttlHours, 1), 24);
  return {
    kind: 'expiry-warning',
    command,
    subject: `[automock] ${d.env}/${d.project} will be torn down in ${minutes} min`,
    body: [
      `Project ${d.project} in environment ${d.env} expires at ${d.expiresAt} (in about ${minutes} minutes).`,
      `It will then be torn down automatically.`,
      ``,
      `To keep it ${hours} more hours, run:`,
      `  ${command}`,
      ``,
      `Deployed by ${d.createdBy} at ${d.createdAt}.`,
      ...Object.entries(d.outputs).map(([k, v]) => `${k}: ${v}`),
    ].join('\n'),
  };
}

/** What a finished teardown did. */
export interface TeardownDone {
  /** `terraform-task` or `sweep`. */
  readonly method: string;
  /** What the sweep deleted (this and earlier runs). @default - terraform's own record */
  readonly deleted?: readonly string[];
  /** Where the state was archived. @default - there was none */
  readonly archivedTo?: string;
  /** When it finished. */
  readonly at: Date;
}

/** Most ARNs listed in a notice; the rest are counted. */
const LISTED_MAX = 40;

/**
 * The session's cost: the hourly estimate recorded at deploy (core's price table) times the
 * hours from registration to teardown, rounded up as AWS bills most of these resources by the
 * (partial) hour. Undefined when no estimate was recorded.
 */
export function sessionCost(
  d: Pick<Deployment, 'createdAt' | 'hourlyCost'>,
  at: Date,
): { hours: number; usd: number } | undefined {
  if (d.hourlyCost === undefined || !d.createdAt) return undefined;
  const hours = Math.max(1, Math.ceil((at.getTime() - Date.parse(d.createdAt)) / HOUR_MS));
  return { hours, usd: Math.round(d.hourlyCost * hours * 100) / 100 };
}

/** The teardown notice: what was removed, how, and what the session cost. */
export function teardownNotice(d: Deployment, done: TeardownDone): Notice {
  const how =
    done.method === 'terraform-task'
      ? `terraform destroy of the stored stack s3://…/${d.stackObjectKey} (a Fargate task), so the state stayed true`
      : `the tag-scoped sweep (every resource tagged automock:env=${d.env}, automock:project=${d.project}, IAM roles included)`;
  const removed =
    done.deleted === undefined
      ? ['Removed: every resource of the stack, as terraform recorded it.']
      : [
          `Removed ${done.deleted.length} resources:`,
          ...done.deleted.slice(0, LISTED_MAX).map((a) => `  ${a}`),
          ...(done.deleted.length > LISTED_MAX
            ? [`  … and ${done.deleted.length - LISTED_MAX} more`]
            : []),
        ];
  const cost = sessionCost(d, done.at);
  const expired = d.expiresAt !== NEVER_EXPIRES ? ` (expired ${d.expiresAt})` : '';
  return {
    kind: 'teardown',
    subject: `[automock] ${d.env}/${d.project} was torn down`,
    body: [
      `Project ${d.project} in environment ${d.env}${expired} was torn down at ${done.at.toISOString()} by the reaper,`,
      `with ${how}.`,
      ...(d.teardown?.fallbackReason
        ? [`The sweep took over because: ${d.teardown.fallbackReason}`]
        : []),
      ``,
      ...removed,
      ...(done.archivedTo ? [`State archived to ${done.archivedTo}.`] : []),
      ``,
      cost
        ? `Session cost: about $${cost.usd.toFixed(2)} (${cost.hours} h at $${d.hourlyCost!.toFixed(4)}/h, the estimate from the price table of ${PRICES_AS_OF}; the bill is the authority).`
        : `Session cost: not known (no hourly estimate was recorded at deploy).`,
      ``,
      `Deployed by ${d.createdBy} at ${d.createdAt}. Deploy it again with: automock deploy --env ${d.env} --project ${d.project} --expectations <file>`,
    ].join('\n'),
  };
}
