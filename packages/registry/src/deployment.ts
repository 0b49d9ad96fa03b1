/** Where a deployment is in its life. */
export type DeploymentStatus =
  'deploying' | 'active' | 'expiring' | 'destroying' | 'destroyed' | 'failed';

/** Every status, in life-cycle order. */
export const DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = [
  'deploying',
  'active',
  'expiring',
  'destroying',
  'destroyed',
  'failed',
];

/** Statuses a deployment can be registered again from (nothing of it is left running). */
export const REREGISTRABLE_STATUSES: readonly DeploymentStatus[] = ['destroyed', 'failed'];

/** Statuses whose TTL can still be extended (teardown has not begun). */
export const EXTENDABLE_STATUSES: readonly DeploymentStatus[] = ['deploying', 'active'];

/**
 * Status changes the registry accepts. `deploying` is also reached from `destroyed`/`failed`, but
 * only through {@link DeploymentRegistry.register}, which resets the item. Fields change without a
 * status change through {@link DeploymentRegistry.update}, under the same conditions.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<DeploymentStatus, readonly DeploymentStatus[]>> =
  {
    deploying: ['active', 'failed', 'expiring', 'destroying'],
    // active -> deploying is a redeploy (new config, new image) of a running project.
    active: ['deploying', 'expiring', 'destroying', 'failed'],
    expiring: ['destroying', 'destroyed', 'failed'],
    destroying: ['destroyed', 'failed'],
    destroyed: [],
    // A failed deploy or teardown still costs money until it is torn down again.
    failed: ['expiring', 'destroying', 'destroyed'],
  };

/** How a deployment was torn down. */
export type TeardownMethod = 'terraform-task' | 'sweep' | 'cli';

/** Progress of a teardown, kept on the item so a later reaper run (or the CLI) can resume it. */
export interface TeardownProgress {
  /** What is tearing it down now. */
  readonly method: TeardownMethod;
  /** When this teardown began (ISO-8601 UTC). */
  readonly startedAt: string;
  /** ARN of the destroyer Fargate task, when `method` is `terraform-task`. */
  readonly taskArn?: string;
  /** Resource ARNs the sweep has already deleted (so a resumed run never deletes twice). */
  readonly deleted?: readonly string[];
  /** Runs of the sweep so far (it stops before the Lambda's deadline and resumes). */
  readonly runs?: number;
  /** Last error seen, for `automock status`. */
  readonly lastError?: string;
  /**
   * Why the sweep took over from the terraform task (RunTask failed, the destroy timed out...):
   * kept for the whole teardown, never overwritten by the sweep's own later errors.
   */
  readonly fallbackReason?: string;
}

/**
 * What a registry item deploys: a MockServer project (`automock deploy --project`), or an
 * ephemeral preview of a workload (`automock deploy --workload`). Items written before workloads
 * existed carry no kind and are mocks.
 */
export type DeploymentKind = 'mock' | 'workload';

/** Every kind, for validation. */
export const DEPLOYMENT_KINDS: readonly DeploymentKind[] = ['mock', 'workload'];

/** One item of the deployments registry: a project deployed to an environment. */
export interface Deployment {
  /** Environment name, e.g. `dev`. */
  readonly env: string;
  /** Project name, e.g. `petstore`; for a workload preview, its own workload name (`shop-pr-42`). */
  readonly project: string;
  /** What it deploys (`mock` for items written before workloads). */
  readonly kind: DeploymentKind;
  /** For a workload preview: the declared workload it is a preview of. */
  readonly workload?: string;
  readonly status: DeploymentStatus;
  /** Incremented by every write; writes are conditional on it. */
  readonly version: number;
  /** When the current deployment was registered (ISO-8601 UTC). */
  readonly createdAt: string;
  /** Who registered it (IAM identity or user name). */
  readonly createdBy: string;
  /** Last write (ISO-8601 UTC). */
  readonly updatedAt: string;
  /** Who or what made the last write (`reaper`, a user name...). */
  readonly updatedBy: string;
  /** Hours from `createdAt` to `expiresAt`; 0 = never expires. */
  readonly ttlHours: number;
  /** Absolute expiry (ISO-8601 UTC), or {@link NEVER_EXPIRES} when `ttlHours` is 0. */
  readonly expiresAt: string;
  /** When the last expiry warning was sent for the current expiry. */
  readonly warnedAt?: string;
  /**
   * Minutes-before-expiry of the last warning stage sent for the current expiry (60, then 15 by
   * default); an item with `warnedAt` and no stage had the single one-hour warning of old.
   */
  readonly warnedStage?: number;
  /** The shared-ALB slot the project holds (freed on teardown). */
  readonly albSlot?: { readonly kind: 'listener-port' | 'rule-priority'; readonly value: number };
  /** Estimated USD per hour at deploy time (core's price table), for the teardown notice. */
  readonly hourlyCost?: number;
  /** Stack outputs worth showing (URLs), by name. */
  readonly outputs: Readonly<Record<string, string>>;
  /** S3 key of the synthesised stack in the state bucket (for the destroyer task). */
  readonly stackObjectKey: string;
  /** Instance size name (`small`...). */
  readonly size?: string;
  /** `shared` (environment ALB) or `dedicated` (own network and ALB). */
  readonly isolation?: 'shared' | 'dedicated';
  /** Why the last deploy or teardown failed. */
  readonly failureReason?: string;
  /** Teardown in progress or last done. */
  readonly teardown?: TeardownProgress;
  /** When it was destroyed (ISO-8601 UTC). */
  readonly destroyedAt?: string;
  /** Who destroyed it (`reaper` or a user). */
  readonly destroyedBy?: string;
  /** How it was destroyed. */
  readonly destroyMethod?: TeardownMethod;
}

/**
 * Fields a transition or an update may set. `null` removes the attribute (e.g. `warnedAt: null`
 * after an extension); `undefined` leaves it alone.
 */
export type DeploymentFields = {
  -readonly [
    K in
      | 'expiresAt'
      | 'ttlHours'
      | 'warnedAt'
      | 'warnedStage'
      | 'hourlyCost'
      | 'outputs'
      | 'stackObjectKey'
      | 'size'
      | 'isolation'
      | 'failureReason'
      | 'teardown'
      | 'destroyedAt'
      | 'destroyedBy'
      | 'destroyMethod'
  ]?: Deployment[K] | null;
};
