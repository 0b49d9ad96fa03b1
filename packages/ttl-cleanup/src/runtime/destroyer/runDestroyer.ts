import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { projectStackObjectKey } from '@automock/core';
import { DeploymentRegistry } from '@automock/registry';
import { finalizeTeardown, type StateLocation } from '@automock/teardown';

/** What the destroyer task is told (through its environment, see `main.ts`). */
export interface DestroyerOptions extends StateLocation {
  readonly env: string;
  readonly project: string;
  /** Registry table name. */
  readonly registryTable: string;
  /** Terraform executable. @default 'terraform' */
  readonly terraformBinary?: string;
  /** Directory to run Terraform in (created). */
  readonly workDir: string;
  readonly clients: { readonly s3: S3Client; readonly dynamodb: DynamoDBClient };
  /** Extra environment for Terraform (credentials, endpoints). @default process.env */
  readonly terraformEnv?: NodeJS.ProcessEnv;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Progress and Terraform output. @default process.stdout */
  readonly log?: (line: string) => void;
}

/** What happened. */
export interface DestroyerResult {
  readonly ok: boolean;
  /** Where the state went, when `ok`. */
  readonly archivedTo?: string;
  /** Why not, when not `ok`. */
  readonly error?: string;
}

const TAIL = 1500;

function run(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  log: (s: string) => void,
): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    let tail = '';
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (b: Buffer) => {
      const s = b.toString();
      log(s.trimEnd());
      tail = (tail + s).slice(-TAIL);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) =>
      resolve({ code: 127, tail: `${tail}\n${err.message}`.slice(-TAIL) }),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

/**
 * The destroyer task's work: fetch the project's synthesised stack from the state bucket, run
 * `terraform init` and `terraform destroy -auto-approve` with the stack's own S3 backend (so the
 * state stays true), then archive the state, drop the lock digest and mark the registry
 * `destroyed`. On failure it records the error on the registry item and leaves the status
 * `destroying`, so the reaper sees the stopped task and falls back to the sweep.
 *
 * Refuses to run unless the registry says the project is being torn down: a project extended or
 * redeployed since the task was started is left alone.
 */
export async function runDestroyer(o: DestroyerOptions): Promise<DestroyerResult> {
  const log = o.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const now = o.now ?? (() => new Date());
  const registry = new DeploymentRegistry({
    client: o.clients.dynamodb,
    tableName: o.registryTable,
  });
  const d = await registry.get(o.env, o.project);
  if (!d || !['expiring', 'destroying'].includes(d.status)) {
    const error = `${o.env}/${o.project} is ${d ? d.status : 'not registered'}, not being torn down: nothing destroyed`;
    log(error);
    return { ok: false, error };
  }
  const fail = async (error: string): Promise<DestroyerResult> => {
    log(`destroy failed: ${error}`);
    try {
      await registry.update(o.env, o.project, {
        statuses: ['destroying'],
        by: 'destroyer-task',
        fields: {
          teardown: {
            ...(d.teardown ?? { method: 'terraform-task', startedAt: now().toISOString() }),
            lastError: error,
          },
        },
      });
    } catch (err) {
      log(`could not record the failure: ${(err as Error).message}`);
    }
    return { ok: false, error };
  };

  const key = d.stackObjectKey || projectStackObjectKey(o.env, o.project);
  let body: string;
  try {
    const out = await o.clients.s3.send(new GetObjectCommand({ Bucket: o.stateBucket, Key: key }));
    body = await out.Body!.transformToString();
    JSON.parse(body);
  } catch (err) {
    return fail(
      `cannot read the stored stack s3://${o.stateBucket}/${key}: ${(err as Error).message}`,
    );
  }
  await mkdir(o.workDir, { recursive: true });
  await writeFile(join(o.workDir, 'cdk.tf.json'), body);

  const tf = o.terraformBinary ?? 'terraform';
  const env = { ...(o.terraformEnv ?? process.env), TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  const init = await run(tf, ['init', '-input=false', '-no-color'], o.workDir, env, log);
  if (init.code !== 0) return fail(`terraform init exited ${init.code}: ${init.tail.trim()}`);
  const destroy = await run(
    tf,
    ['destroy', '-auto-approve', '-input=false', '-no-color'],
    o.workDir,
    env,
    log,
  );
  if (destroy.code !== 0)
    return fail(`terraform destroy exited ${destroy.code}: ${destroy.tail.trim()}`);

  const { archivedTo } = await finalizeTeardown(o.clients, registry, {
    env: o.env,
    project: o.project,
    kind: d.kind,
    stateBucket: o.stateBucket,
    lockTable: o.lockTable,
    method: 'terraform-task',
    by: 'destroyer-task',
    now: now(),
  });
  log(`destroyed ${o.env}/${o.project}; state archived to ${archivedTo ?? '(no state object)'}`);
  return { ok: true, archivedTo };
}
