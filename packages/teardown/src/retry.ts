/** Error names that mean "not yet": a dependency still exists, or AWS asked us to slow down. */
const RETRYABLE = new Set([
  'DependencyViolation',
  'ResourceInUse',
  'ResourceInUseException',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'OperationAbortedException',
  'BucketNotEmpty',
  'IncorrectState',
  'InvalidNetworkInterface.InUse',
  'ConcurrentUpdateException',
  'InternalError',
  'ServiceUnavailable',
  // IAM: a policy attached or an instance profile added while the role was being emptied.
  'DeleteConflict',
  'DeleteConflictException',
  // RDS (issue 14 A): a parameter group whose instance is still being deleted.
  'InvalidDBParameterGroupState',
  'InvalidDBParameterGroupStateFault',
  // EFS (issue 14 E): a file system whose mount targets are still being deleted.
  'FileSystemInUse',
  // Cognito (issue 14 C): DeleteUserPoolDomain while another change to the pool is in progress
  // (the SDK lists it for that call).
  'ConcurrentModificationException',
]);

/** Error names that mean the thing is already gone, which for a teardown is success. */
const GONE = new Set([
  'NoSuchBucket',
  'ResourceNotFoundException',
  'ServiceNotFoundException',
  'ServiceNotActiveException',
  'ClusterNotFoundException',
  'ObjectNotFoundException',
  'ResourceNotFound',
  // IAM's "not found".
  'NoSuchEntity',
  'NoSuchEntityException',
  // SQS's (JSON protocol, and the query protocol's code).
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
]);

export function errorName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Error';
  const e = err as { name?: string; Code?: string; code?: string };
  return e.Code ?? e.code ?? e.name ?? 'Error';
}

/** True when the error says the resource does not exist (any `*NotFound*` code counts). */
export function isGone(err: unknown): boolean {
  const name = errorName(err);
  return GONE.has(name) || /NotFound/.test(name);
}

/** True when the error is worth retrying after a pause. */
export function isRetryable(err: unknown): boolean {
  const name = errorName(err);
  if (RETRYABLE.has(name)) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return status === 429 || status === 503;
}

/** Thrown when waiting longer would run past the caller's deadline; the next run resumes. */
export class DeadlineReachedError extends Error {
  constructor(what: string) {
    super(`stopped before the deadline while ${what}; the next run resumes`);
    this.name = 'DeadlineReachedError';
  }
}

/** How long a run may keep going, and how to wait. */
export interface Clock {
  /** Milliseconds left before the run must have stopped (the Lambda's remaining time minus a reserve). */
  readonly timeLeftMs: () => number;
  /** Waits `ms` (tests pass one that returns at once). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Tries in all. @default 6 */
  readonly maxAttempts?: number;
  /** First pause; doubles each time. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest pause. @default 15000 */
  readonly maxDelayMs?: number;
}

/**
 * Runs `fn`, retrying "not yet" errors with exponential backoff while time allows. Resolves
 * `'done'` on success, `'gone'` when the resource was already deleted; throws other errors, the
 * last retryable one when tries run out, or {@link DeadlineReachedError}.
 */
export async function withRetry(
  what: string,
  fn: () => Promise<unknown>,
  clock: Clock,
  opts: RetryOptions = {},
): Promise<'done' | 'gone'> {
  const max = opts.maxAttempts ?? 6;
  let delay = opts.baseDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    if (clock.timeLeftMs() <= 0) throw new DeadlineReachedError(what);
    try {
      await fn();
      return 'done';
    } catch (err) {
      if (isGone(err)) return 'gone';
      if (!isRetryable(err) || attempt >= max) throw err;
      if (clock.timeLeftMs() <= delay) throw new DeadlineReachedError(what);
      await clock.sleep(delay);
      delay = Math.min(delay * 2, opts.maxDelayMs ?? 15_000);
    }
  }
}
