import { NEVER_EXPIRES } from '@automock/core';
import { EXTENDABLE_STATUSES } from '@automock/registry';
import type { S3Client } from '@aws-sdk/client-s3';
import { EnvironmentContext } from '../environment/environment-context';
import { CliError } from '../errors';

/** What `extend-ttl` did. */
export interface ExtendResult {
  readonly env: string;
  readonly project: string;
  /** `mock`, or `workload` for a workload preview. */
  readonly kind: 'mock' | 'workload';
  readonly expiresAt: string;
  readonly ttlHours: number;
  /** Whether `project-metadata.json` in the config bucket was updated (never for a workload preview). */
  readonly metadataUpdated: boolean;
  /** Why it was not, when not. */
  readonly metadataNote?: string;
}

const METADATA_KEY = 'project-metadata.json';

/** Rewrites the expiry fields of the config bucket's `project-metadata.json`; returns why not on failure. */
async function refreshMetadata(
  s3: S3Client,
  bucket: string,
  fields: { ttlHours: number; expiresAt: string },
): Promise<string | undefined> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { GetObjectCommand, PutObjectCommand } =
    require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  /* eslint-enable @typescript-eslint/no-require-imports */
  let current: Record<string, unknown>;
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: METADATA_KEY }));
    current = JSON.parse((await got.Body?.transformToString()) ?? '{}') as Record<string, unknown>;
  } catch (e) {
    return `could not read s3://${bucket}/${METADATA_KEY}: ${(e as Error).name}`;
  }
  const next = {
    ...current,
    ttlHours: fields.ttlHours,
    expiresAt: fields.expiresAt === NEVER_EXPIRES ? null : fields.expiresAt,
  };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: METADATA_KEY,
      Body: `${JSON.stringify(next, null, 2)}\n`,
      ContentType: 'application/json',
      ServerSideEncryption: 'AES256',
    }),
  );
  return undefined;
}

/**
 * Extends a project's time to live by `hours` (0 = never expire) with a conditional registry
 * update, then mirrors the new expiry into the config bucket's `project-metadata.json`. A project
 * the reaper has begun to tear down (expiring, destroying) or that is gone is refused.
 */
export async function extendTtl(
  env: string,
  project: string,
  hours: number,
  by: string,
): Promise<ExtendResult> {
  const ctx = EnvironmentContext.open(env);
  const d = await ctx.requireDeployment(project);
  await ctx.requireAccount();
  if (!EXTENDABLE_STATUSES.includes(d.status)) {
    const why =
      d.status === 'expiring' || d.status === 'destroying'
        ? 'its teardown has begun'
        : d.status === 'destroyed'
          ? 'it is gone'
          : 'its last deploy failed';
    throw new CliError(`${env}/${project} is ${d.status}: cannot extend it, ${why}`, [
      d.kind === 'workload'
        ? `Deploy it again: automock deploy --env ${env} --workload ${d.workload ?? '<workload>'} --name <name>`
        : `Deploy it again: automock deploy --env ${env} --project ${project} --expectations <file>`,
      `automock status --env ${env} --project ${project}`,
    ]);
  }
  const updated = await ctx.registry.extendTtl(env, project, hours, new Date(), {
    by,
    maxTtlHours: ctx.env.maxTtlHours,
  });
  // A workload preview has no config bucket: the registry is its only record of the expiry.
  const note =
    d.kind === 'workload'
      ? 'a workload preview has no project-metadata.json; the registry holds its expiry'
      : await refreshMetadata(ctx.s3Client, ctx.configBucket(project, updated.outputs), updated);
  return {
    env,
    project,
    kind: d.kind,
    expiresAt: updated.expiresAt,
    ttlHours: updated.ttlHours,
    metadataUpdated: note === undefined,
    metadataNote: note,
  };
}
