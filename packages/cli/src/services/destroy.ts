import { Deployment } from '@automock/registry';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { dynamoClient } from './aws';
import { EnvironmentContext } from './environment-context';
import { CliError, EXIT } from './errors';
import { TerraformRunner } from './terraform';
import { workdirFor } from './workdir';

/** What `destroy` did. */
export interface DestroyResult {
  readonly env: string;
  readonly project: string;
  readonly method: 'cli' | 'sweep';
  /** Where the state was archived (undefined when there was none). */
  readonly archivedTo?: string;
  /** ARNs deleted, for `--sweep`. */
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

function sweepClients(region: string) {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { ResourceGroupsTaggingAPIClient } =
    require('@aws-sdk/client-resource-groups-tagging-api') as typeof import('@aws-sdk/client-resource-groups-tagging-api');
  const { ECSClient } = require('@aws-sdk/client-ecs') as typeof import('@aws-sdk/client-ecs');
  const { ElasticLoadBalancingV2Client } =
    require('@aws-sdk/client-elastic-load-balancing-v2') as typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  const { EC2Client } = require('@aws-sdk/client-ec2') as typeof import('@aws-sdk/client-ec2');
  const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { CloudWatchLogsClient } =
    require('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs');
  const { CloudWatchClient } =
    require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch');
  const { ApplicationAutoScalingClient } =
    require('@aws-sdk/client-application-auto-scaling') as typeof import('@aws-sdk/client-application-auto-scaling');
  const { SecretsManagerClient } =
    require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const c = { region };
  return {
    tagging: new ResourceGroupsTaggingAPIClient(c),
    ecs: new ECSClient(c),
    elbv2: new ElasticLoadBalancingV2Client(c),
    ec2: new EC2Client(c),
    s3: new S3Client({
      ...c,
      forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL),
    }),
    logs: new CloudWatchLogsClient(c),
    cloudwatch: new CloudWatchClient(c),
    autoscaling: new ApplicationAutoScalingClient(c),
    secrets: new SecretsManagerClient(c),
  };
}

/** Sweep budget for one CLI run; a longer teardown resumes on the next `destroy --sweep`. */
const SWEEP_BUDGET_MS = 15 * 60_000;

/**
 * Tears a project down: `terraform destroy` of the synthesised stack stored at deploy time (state
 * stays true), or with `sweep` the tag-scoped API sweep from ttl-cleanup. Then archives the state
 * and marks the registry `destroyed` (ttl-cleanup's finalizeTeardown). A failure marks it `failed`
 * with the reason, so it is retried, never forgotten.
 */
export async function destroyProject(
  root: string,
  ctx: EnvironmentContext,
  d: Deployment,
  opts: { sweep: boolean; by: string; runner?: TerraformRunner; log: (line: string) => void },
): Promise<DestroyResult> {
  const env = ctx.env.name;
  const project = d.project;
  // By path, not the package index: the index also loads the Lambda and destroyer entry points
  // (and their bundling step replaces dist/destroyer), none of which the CLI needs.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const ttl = {
    ...(require('@automock/teardown') as typeof import('@automock/teardown')),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const startedAt = new Date().toISOString();
  const method = opts.sweep ? 'sweep' : 'cli';
  await ctx.registry.transition(env, project, {
    from: DESTROYABLE,
    to: 'destroying',
    by: opts.by,
    fields: {
      teardown: {
        method,
        startedAt,
        ...(d.teardown?.deleted ? { deleted: d.teardown.deleted } : {}),
      },
    },
  });
  let deleted: readonly string[] | undefined;
  try {
    if (opts.sweep) {
      const started = Date.now();
      const result = await ttl.sweepProject(sweepClients(ctx.env.region), {
        env,
        project,
        alreadyDeleted: d.teardown?.deleted ?? [],
        protectedNames: [ctx.names.bucket, ctx.names.lockTable, ctx.names.registryTable],
        clock: {
          timeLeftMs: () => SWEEP_BUDGET_MS - (Date.now() - started),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        },
        log: opts.log,
      });
      deleted = result.deleted;
      if (!result.complete) {
        await ctx.registry.transition(env, project, {
          from: ['destroying'],
          to: 'destroying',
          by: opts.by,
          fields: {
            teardown: {
              method,
              startedAt,
              deleted: result.deletedSoFar,
              lastError:
                result.failures.map((f) => `${f.arn}: ${f.error}`).join('; ') ||
                'stopped before its deadline',
            },
          },
        });
        throw new CliError(
          `Sweep of ${env}/${project} is incomplete: ${result.deletedSoFar.length} deleted, ${result.failures.length} failed${result.stoppedForDeadline ? ', stopped at its time budget' : ''}`,
          [
            `Run it again to resume: automock destroy --env ${env} --project ${project} --sweep --yes`,
          ],
        );
      }
    } else {
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
    }
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
    const { archivedTo } = await ttl.finalizeTeardown(
      { s3: ctx.s3Client, dynamodb },
      ctx.registry,
      {
        env,
        project,
        stateBucket: ctx.names.bucket,
        lockTable: ctx.names.lockTable,
        method: opts.sweep ? 'sweep' : 'cli',
        by: opts.by,
        now: new Date(),
      },
    );
    return { env, project, method, archivedTo, deleted };
  } finally {
    dynamodb.destroy();
  }
}
