import { resourceName } from './naming';

/** Names of the per-account, per-region state resources the bootstrap stack creates. */
export interface StateBackendNames {
  /** S3 bucket holding every stack's state and the synthesised project stacks. */
  readonly bucket: string;
  /** DynamoDB table for Terraform state locks (`LockID`). */
  readonly lockTable: string;
  /** DynamoDB table of deployments (`pk` = `<env>#<project>`). */
  readonly registryTable: string;
  readonly region: string;
}

/** The state resources for an account and region; deterministic, so every tool agrees on them. */
export function stateBackendNames(
  prefix: string,
  accountId: string,
  region: string,
): StateBackendNames {
  return {
    bucket: resourceName('s3Bucket', { prefix, env: 'tfstate', project: accountId, kind: region }),
    lockTable: resourceName('dynamodbTable', { prefix, kind: 'terraform-locks' }),
    registryTable: resourceName('dynamodbTable', { prefix, kind: 'deployments' }),
    region,
  };
}

/** Backend key of an environment stack. */
export function environmentStateKey(env: string): string {
  return `envs/${env}/terraform.tfstate`;
}

/** Backend key of a project stack. */
export function projectStateKey(env: string, project: string): string {
  return `projects/${env}/${project}/terraform.tfstate`;
}

/** Backend key of a workload stack (`<env>-<workload>`): beside the projects', never sharing their keys. */
export function workloadStateKey(env: string, workload: string): string {
  return `workloads/${env}/${workload}/terraform.tfstate`;
}

/**
 * Backend key of what a registry item deploys: a workload preview's stack is a workload stack
 * ({@link workloadStateKey}), a mock's a project stack ({@link projectStateKey}).
 */
export function deploymentStateKey(
  env: string,
  name: string,
  kind: 'mock' | 'workload' = 'mock',
): string {
  return kind === 'workload' ? workloadStateKey(env, name) : projectStateKey(env, name);
}

/** Backend key of the bootstrap stack of a region. */
export function bootstrapStateKey(region: string): string {
  return `bootstrap/${region}/terraform.tfstate`;
}

/** Where the CLI stores a project's synthesised stack for the teardown task. */
export function projectStackObjectKey(env: string, project: string): string {
  return `stacks/${env}/${project}/cdk.tf.json`;
}

/** Where a destroyed project's state is archived (the bucket is versioned, so it is recoverable). */
export function archivedStateKey(env: string, project: string, at: Date): string {
  return `archive/${env}/${project}/${at.toISOString().replace(/[:.]/g, '-')}/terraform.tfstate`;
}

/** Registry partition key of a project. */
export function registryKey(env: string, project: string): string {
  return `${env}#${project}`;
}

/**
 * Shape of the deployments registry table, shared by the table construct, the registry client
 * and the reaper so they cannot drift apart.
 */
export const REGISTRY_SCHEMA = {
  /** Partition key attribute: `<env>#<project>` (see {@link registryKey}). */
  partitionKey: 'pk',
  /** Global secondary index listing an environment's projects ordered by expiry. */
  envIndex: 'env-expiresAt',
  /** Hash key of {@link envIndex}: the environment name. */
  envAttribute: 'env',
  /** Range key of {@link envIndex}: ISO-8601 UTC expiry; never-expiring projects use {@link NEVER_EXPIRES}. */
  expiresAtAttribute: 'expiresAt',
  /** DynamoDB TTL attribute (epoch seconds) set on destroyed items so the registry purges them. */
  purgeAtAttribute: 'purgeAt',
} as const;

/** Sort value of a project with `ttlHours = 0`: after every real expiry. */
export const NEVER_EXPIRES = '9999-12-31T23:59:59.999Z';
