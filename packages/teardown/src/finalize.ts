import { DeleteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { archivedStateKey, deploymentStateKey } from '@automock/core';
import {
  type Deployment,
  type DeploymentKind,
  type DeploymentRegistry,
  type TeardownMethod,
} from '@automock/registry';
import { errorName } from './retry';

/** Where a project's state lives. */
export interface StateLocation {
  /** State bucket (versioned). */
  readonly stateBucket: string;
  /** Terraform lock table (`LockID`). */
  readonly lockTable: string;
}

/** Options of {@link finalizeTeardown}. */
export interface FinalizeOptions extends StateLocation {
  readonly env: string;
  readonly project: string;
  /** What the item deploys: a workload preview's state is under `workloads/`. @default 'mock' */
  readonly kind?: DeploymentKind;
  /** How the resources went. */
  readonly method: TeardownMethod;
  /** Who finished it (`reaper`, `destroyer-task`, a user). */
  readonly by: string;
  readonly now: Date;
}

/** Lock-table key of the state object's MD5 digest, as Terraform's S3 backend writes it. */
export function lockDigestId(stateBucket: string, stateKey: string): string {
  return `${stateBucket}/${stateKey}-md5`;
}

/**
 * After a teardown: moves the project's state object to the archive prefix (the bucket is
 * versioned, so both are recoverable), removes its lock digest (a later deploy of the same name
 * then starts from empty state without a checksum mismatch), and marks the registry item
 * `destroyed` with when and how, and frees its shared-ALB slot. Each step is idempotent, so a
 * retry after a crash is safe.
 * Returns the archive key, or undefined when there was no state to archive.
 */
export async function finalizeTeardown(
  clients: { readonly s3: S3Client; readonly dynamodb: DynamoDBClient },
  registry: DeploymentRegistry,
  opts: FinalizeOptions,
): Promise<{ archivedTo: string | undefined; deployment: Deployment }> {
  const stateKey = deploymentStateKey(opts.env, opts.project, opts.kind);
  const archiveKey = archivedStateKey(opts.env, opts.project, opts.now);
  let archivedTo: string | undefined = archiveKey;
  try {
    await clients.s3.send(
      new CopyObjectCommand({
        Bucket: opts.stateBucket,
        Key: archiveKey,
        CopySource: `${opts.stateBucket}/${encodeURIComponent(stateKey).replace(/%2F/g, '/')}`,
        ServerSideEncryption: 'AES256',
      }),
    );
    await clients.s3.send(new DeleteObjectCommand({ Bucket: opts.stateBucket, Key: stateKey }));
  } catch (err) {
    if (!['NoSuchKey', 'NotFound'].includes(errorName(err))) throw err;
    archivedTo = undefined;
  }
  await clients.dynamodb.send(
    new DeleteItemCommand({
      TableName: opts.lockTable,
      Key: { LockID: { S: lockDigestId(opts.stateBucket, stateKey) } },
    }),
  );
  const deployment = await registry.transition(opts.env, opts.project, {
    from: ['expiring', 'destroying', 'failed'],
    to: 'destroyed',
    by: opts.by,
    now: opts.now,
    fields: { destroyMethod: opts.method, destroyedBy: opts.by, failureReason: null },
  });
  // Its listener port or rule priorities are free for the next deploy (conditional: never a
  // slot another project holds by now).
  if (deployment.albSlot)
    await registry.slots.release(
      opts.env,
      opts.project,
      deployment.albSlot.kind,
      deployment.albSlot.value,
    );
  return { archivedTo, deployment };
}
