import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  Deployment,
  DeploymentRegistry,
  DeploymentStatus,
  TeardownProgress,
} from '@automock/registry';
import { finalizeTeardown, type StateLocation } from './finalize';
import type { Clock, RetryOptions } from './retry';
import { type SweepClients, type SweepResult, sweepProject } from './sweep';

/** The clients of a recorded teardown: the sweep's, and DynamoDB for the lock table. */
export interface TeardownClients extends SweepClients {
  readonly dynamodb: DynamoDBClient;
}

/** Longest `lastError` kept on the registry item. */
const LAST_ERROR_MAX = 2000;

/** Options of {@link beginTeardown}. */
export interface BeginTeardownOptions {
  /** Who tears it down (`reaper`, a user). */
  readonly by: string;
  /**
   * Statuses the teardown may start from. @default - only the one `deployment` was read in, at
   * the version it was read at
   */
  readonly from?: readonly DeploymentStatus[];
  /** @default new Date() */
  readonly now?: Date;
}

/**
 * Records that `deployment` is being torn down as `teardown` says: moves it to `destroying`, or,
 * when it is `destroying` already (a teardown resumed or switched to the sweep), replaces its
 * teardown record with a field update. Without `from`, conditional on the version it was read at
 * (a reaper acting on its listing); with `from`, on the status and version found now (a user's
 * command). Returns the item as written.
 */
export async function beginTeardown(
  registry: DeploymentRegistry,
  deployment: Deployment,
  teardown: TeardownProgress,
  opts: BeginTeardownOptions,
): Promise<Deployment> {
  const { env, project } = deployment;
  const expectedVersion = opts.from ? undefined : deployment.version;
  const write = { expectedVersion, by: opts.by, now: opts.now, fields: { teardown } };
  if (deployment.status === 'destroying')
    return registry.update(env, project, { ...write, statuses: ['destroying'] });
  const from = (opts.from ?? [deployment.status]).filter((s) => s !== 'destroying');
  return registry.transition(env, project, { ...write, from, to: 'destroying' });
}

/**
 * A fresh sweep record: nothing deleted yet, optionally why the sweep took over from the
 * terraform task (kept as `fallbackReason`, which the sweep's own errors never overwrite).
 */
export function sweepTeardown(startedAt: Date, fallbackReason?: string): TeardownProgress {
  return {
    method: 'sweep',
    startedAt: startedAt.toISOString(),
    deleted: [],
    runs: 0,
    ...(fallbackReason === undefined
      ? {}
      : { fallbackReason: fallbackReason.slice(0, LAST_ERROR_MAX) }),
  };
}

/**
 * Whether a sweep that finds nothing is a finding rather than a success: the project was applied
 * (it has outputs) and no terraform task ran that might have removed everything already.
 */
export function expectsResources(d: Deployment): boolean {
  return Object.keys(d.outputs).length > 0 && !d.teardown?.taskArn;
}

/** Options of {@link sweepAndRecord}. */
export interface SweepAndRecordOptions extends StateLocation {
  /** The environment's account: the sweep refuses other credentials. */
  readonly accountId: string;
  /** The environment's name prefix (project roles are `<prefix>-<env>-*`). */
  readonly namePrefix: string;
  /**
   * Finalise even when the sweep finds nothing for a project believed to have resources
   * ({@link expectsResources}); a person's decision after checking account and region.
   * @default false
   */
  readonly confirmEmpty?: boolean;
  /**
   * The project being torn down, `destroying`, as last read or written: its version guards the
   * progress write, and its `teardown.deleted` is where the sweep resumes.
   */
  readonly deployment: Deployment;
  /** Who writes (`reaper`, a user). */
  readonly by: string;
  /** Deadline and sleep of the sweep. */
  readonly clock: Clock;
  /** Backoff for "not yet" errors. @default withRetry's defaults */
  readonly retry?: RetryOptions;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** What {@link sweepAndRecord} did. */
export interface SweepAndRecordResult {
  /** This sweep's own result. */
  readonly sweep: SweepResult;
  /** The registry item now: `destroyed` when complete, else `destroying` with the progress. */
  readonly deployment: Deployment;
  /** True when nothing tagged is left and the teardown was finalised. */
  readonly complete: boolean;
  /** True when the sweep stopped to stay inside its deadline; the next run resumes. */
  readonly stoppedForDeadline: boolean;
  /** Where the state was archived, when complete and there was state. */
  readonly archivedTo?: string;
  /**
   * True when the sweep found nothing for a project believed to have resources: not finalised,
   * recorded as the teardown's last error, to be checked (and confirmed) by a person.
   */
  readonly foundNothing: boolean;
}

/** Message recorded (and reported) when a sweep finds nothing for a project believed alive. */
export function foundNothingMessage(d: Pick<Deployment, 'env' | 'project'>, accountId: string) {
  return (
    `the sweep found nothing tagged automock:env=${d.env}, automock:project=${d.project} in account ${accountId} ` +
    `although the project was deployed: check the region and the credentials; if it really has no resources left, ` +
    `finish with: automock destroy --env ${d.env} --project ${d.project} --sweep --confirm-empty`
  );
}

/**
 * One sweep of a project being torn down, with its bookkeeping, for the reaper and
 * `automock destroy --sweep` alike: deletes what still carries the project's tags (never what
 * earlier runs deleted; never the state bucket, lock table or registry), records the progress on
 * the registry item before anything else (a crash after that never deletes twice), and when
 * nothing is left, finalises the teardown (state archived, lock digest dropped, `destroyed`).
 */
export async function sweepAndRecord(
  clients: TeardownClients,
  registry: DeploymentRegistry,
  opts: SweepAndRecordOptions,
): Promise<SweepAndRecordResult> {
  const d = opts.deployment;
  const now = opts.now ?? (() => new Date());
  const base: TeardownProgress = {
    ...(d.teardown ?? { startedAt: now().toISOString() }),
    method: 'sweep',
    runs: (d.teardown?.runs ?? 0) + 1,
  };
  // Each delete is recorded as it happens, each write conditional on the one before: a run
  // killed mid-way (the Lambda's timeout) has lost nothing, and a concurrent writer is noticed.
  let current = d;
  const record = async (fields: Partial<TeardownProgress>): Promise<Deployment> => {
    current = await registry.update(d.env, d.project, {
      statuses: ['destroying'],
      expectedVersion: current.version,
      fields: { teardown: { ...base, ...current.teardown, ...fields, runs: base.runs } },
      by: opts.by,
      now: now(),
    });
    return current;
  };
  const sweep = await sweepProject(clients, {
    env: d.env,
    project: d.project,
    accountId: opts.accountId,
    namePrefix: opts.namePrefix,
    alreadyDeleted: d.teardown?.deleted ?? [],
    protectedNames: [opts.stateBucket, opts.lockTable, registry.tableName],
    clock: opts.clock,
    retry: opts.retry,
    log: opts.log,
    onProgress: async (deleted) => {
      await record({ deleted });
    },
  });
  const foundNothing = sweep.foundNothing && expectsResources(d) && !opts.confirmEmpty;
  const lastError = foundNothing
    ? foundNothingMessage(d, opts.accountId)
    : sweep.failures.length
      ? sweep.failures
          .map((f) => `${f.arn}: ${f.error}`)
          .join('\n')
          .slice(0, LAST_ERROR_MAX)
      : d.teardown?.lastError;
  const recorded = await record({
    deleted: sweep.deletedSoFar,
    ...(lastError === undefined ? {} : { lastError: lastError.slice(0, LAST_ERROR_MAX) }),
  });
  if (!sweep.complete || foundNothing)
    return {
      sweep,
      deployment: recorded,
      complete: false,
      stoppedForDeadline: sweep.stoppedForDeadline,
      foundNothing,
    };
  const { archivedTo, deployment } = await finalizeTeardown(clients, registry, {
    env: d.env,
    project: d.project,
    kind: d.kind,
    stateBucket: opts.stateBucket,
    lockTable: opts.lockTable,
    method: 'sweep',
    by: opts.by,
    now: now(),
  });
  return {
    sweep,
    deployment,
    complete: true,
    stoppedForDeadline: false,
    archivedTo,
    foundNothing: false,
  };
}
