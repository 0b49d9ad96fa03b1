import { Deployment } from '@automock/registry';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { customS3Endpoint, dynamoClient } from '../environment/aws';
import { EnvironmentContext } from '../environment/environment-context';
import { CliError, EXIT } from '../errors';
import { TerraformRunner } from '../terraform/terraform';
import { workdirFor } from '../terraform/workdir';

/** What `destroy` did. */
export interface DestroyResult {
  readonly env: string;
  readonly project: string;
  readonly method: 'cli' | 'sweep';
  /** Where the state was archived (undefined when there was none). */
  readonly archivedTo?: string;
  /** ARNs deleted, for `--sweep`; for a workload preview, what the sweep after terraform removed. */
  readonly deleted?: readonly string[];
}

/** Statuses `destroy` starts from. `deploying` is left to finish (or fail) first. */
const DESTROYABLE: Deployment['status'][] = ['active', 'failed', 'expiring', 'destroying'];

/** Checks the project can be destroyed now; returns its registry item. */
export async function checkDestroyable(
  ctx: EnvironmentContext,
  project: string,
): Promise<Deployment> {
  const d = await ctx.requireDeployment(project);
  if (d.status === 'destroyed') {
    throw new CliError(
      `${ctx.env.name}/${project} is already destroyed (at ${d.destroyedAt ?? d.updatedAt} by ${d.destroyedBy ?? d.updatedBy})`,
      [],
      EXIT.usage,
    );
  }
  if (!DESTROYABLE.includes(d.status)) {
    throw new CliError(
      `${ctx.env.name}/${project} is ${d.status} (since ${d.updatedAt}, by ${d.updatedBy}); wait for the deploy to end before destroying it`,
      [`automock status --env ${ctx.env.name} --project ${project}`],
    );
  }
  return d;
}

async function fetchStack(s3: S3Client, bucket: string, key: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GetObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString()) ?? '';
  } catch (e) {
    throw new CliError(
      `The synthesised stack of this project is not in s3://${bucket}/${key} (${(e as Error).name}), so terraform cannot destroy it`,
      ['Destroy by tags instead: add --sweep'],
    );
  }
}

/** Sweep budget for one CLI run; a longer teardown resumes on the next `destroy --sweep`. */
const SWEEP_BUDGET_MS = 15 * 60_000;

/**
 * Tears a project down: `terraform destroy` of the synthesised stack stored at deploy time (state
 * stays true; for a workload preview followed by the sweep of anything left with its tags), or
 * with `sweep` the tag-scoped API sweep, recorded as the reaper records it
 * (@automock/teardown's sweepAndRecord). Then archives the state and marks the registry
 * `destroyed`. A failure marks it `failed` with the reason, so it is retried, never forgotten; an
 * incomplete sweep stays `destroying` with its progress, and the next `--sweep` resumes it.
 */
export async function destroyProject(
  root: string,
  ctx: EnvironmentContext,
  d: Deployment,
  opts: {
    sweep: boolean;
    by: string;
    runner?: TerraformRunner;
    log: (line: string) => void;
    /** Finish a sweep that finds nothing of a project believed to have resources. */
    confirmEmpty?: boolean;
  },
): Promise<DestroyResult> {
  const env = ctx.env.name;
  const project = d.project;
  // Loaded on use: the sweep library brings the SDK clients of every service it deletes from.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const teardown = require('@automock/teardown') as typeof import('@automock/teardown');
  const method = opts.sweep ? 'sweep' : 'cli';
  let leftovers: readonly string[] | undefined;
  const destroying = await teardown.beginTeardown(
    ctx.registry,
    d,
    {
      method,
      startedAt: new Date().toISOString(),
      ...(d.teardown?.deleted ? { deleted: d.teardown.deleted } : {}),
    },
    { by: opts.by, from: DESTROYABLE },
  );
  try {
    if (opts.sweep) return await sweep(teardown, ctx, destroying, opts);
    if (!opts.runner)
      throw new Error('destroyProject: a terraform runner is required without sweep');
    const json = await fetchStack(ctx.s3Client, ctx.names.bucket, d.stackObjectKey);
    const name = `${env}-${project}`;
    const dir = workdirFor(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cdk.tf.json'), json);
    await opts.runner.init(dir, name);
    await opts.runner.plan(dir, name, 'destroy.tfplan', { destroy: true });
    await opts.runner.apply(dir, name, 'destroy.tfplan');
    if (d.kind === 'workload') leftovers = await sweepLeftovers(teardown, ctx, destroying, opts);
  } catch (e) {
    if (!(e instanceof CliError && opts.sweep)) {
      await ctx.registry
        .transition(env, project, {
          from: ['destroying'],
          to: 'failed',
          by: opts.by,
          fields: { failureReason: `destroy failed: ${(e as Error).message}`.slice(0, 1000) },
        })
        .catch((err: Error) =>
          opts.log(`warning: could not record the failure in the registry: ${err.message}`),
        );
    }
    throw e;
  }
  const dynamodb = dynamoClient(ctx.env.region);
  try {
    const { archivedTo } = await teardown.finalizeTeardown(
      { s3: ctx.s3Client, dynamodb },
      ctx.registry,
      {
        env,
        project,
        kind: d.kind,
        stateBucket: ctx.names.bucket,
        lockTable: ctx.names.lockTable,
        method: 'cli',
        by: opts.by,
        now: new Date(),
      },
    );
    return { env, project, method, archivedTo, ...(leftovers ? { deleted: leftovers } : {}) };
  } finally {
    dynamodb.destroy();
  }
}

/**
 * After terraform destroyed a workload preview's stack, the tag-scoped sweep removes what a
 * workload's resources leave behind outside its state (log groups written before the stack's own
 * existed, task definitions of one-off tasks...); finding nothing is the expected outcome. An
 * incomplete sweep is a failure: the item is marked failed with it, and `--sweep` finishes it.
 */
async function sweepLeftovers(
  teardown: typeof import('@automock/teardown'),
  ctx: EnvironmentContext,
  d: Deployment,
  opts: { log: (line: string) => void },
): Promise<readonly string[]> {
  const clients = teardown.teardownClients({
    region: ctx.env.region,
    forcePathStyle: customS3Endpoint(),
  });
  const started = Date.now();
  try {
    const r = await teardown.sweepProject(clients, {
      env: d.env,
      project: d.project,
      accountId: ctx.env.accountId,
      namePrefix: ctx.env.prefix,
      alreadyDeleted: d.teardown?.deleted ?? [],
      protectedNames: [ctx.names.bucket, ctx.names.lockTable, ctx.registry.tableName],
      clock: {
        timeLeftMs: () => SWEEP_BUDGET_MS - (Date.now() - started),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
      log: opts.log,
    });
    if (!r.complete)
      throw new Error(
        `terraform destroyed the stack, but the sweep of what carries its tags is incomplete: ${r.failures.map((f) => `${f.arn}: ${f.error}`).join('; ') || 'stopped at its time budget'}`,
      );
    for (const arn of r.deleted) opts.log(`swept leftover ${arn}`);
    return r.deleted;
  } finally {
    teardown.destroyClients(clients);
  }
}

async function sweep(
  teardown: typeof import('@automock/teardown'),
  ctx: EnvironmentContext,
  d: Deployment,
  opts: { by: string; log: (line: string) => void; confirmEmpty?: boolean },
): Promise<DestroyResult> {
  const { env, project } = d;
  const clients = teardown.teardownClients({
    region: ctx.env.region,
    forcePathStyle: customS3Endpoint(),
  });
  const started = Date.now();
  try {
    const r = await teardown.sweepAndRecord(clients, ctx.registry, {
      deployment: d,
      accountId: ctx.env.accountId,
      namePrefix: ctx.env.prefix,
      confirmEmpty: opts.confirmEmpty,
      stateBucket: ctx.names.bucket,
      lockTable: ctx.names.lockTable,
      by: opts.by,
      clock: {
        timeLeftMs: () => SWEEP_BUDGET_MS - (Date.now() - started),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
      log: opts.log,
    });
    if (r.foundNothing)
      throw new CliError(
        `Sweep of ${env}/${project} found nothing: ${r.deployment.teardown?.lastError ?? ''}`,
        [
          `automock status --env ${env} --project ${project}`,
          `If it really has nothing left: automock destroy --env ${env} --project ${project} --sweep --confirm-empty --yes`,
        ],
      );
    if (!r.complete)
      throw new CliError(
        `Sweep of ${env}/${project} is incomplete: ${r.sweep.deletedSoFar.length} deleted, ${r.sweep.failures.length} failed${r.stoppedForDeadline ? ', stopped at its time budget' : ''}`,
        [
          `Run it again to resume: automock destroy --env ${env} --project ${project} --sweep --yes`,
        ],
      );
    return { env, project, method: 'sweep', archivedTo: r.archivedTo, deleted: r.sweep.deleted };
  } finally {
    teardown.destroyClients(clients);
  }
}
