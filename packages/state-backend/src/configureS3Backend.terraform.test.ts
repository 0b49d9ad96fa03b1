/**
 * Real Terraform against the S3 backend that {@link configureS3Backend} writes, pointed at s3rver
 * and dynalite on 127.0.0.1. Only `terraform_data` resources: Terraform's built-in provider needs
 * no download, so this runs offline.
 *
 * Locking is tested twice: with the DynamoDB lock alone (`use_lockfile` off) and with both locks,
 * the production setting. s3rver 3.7.1 itself ignores `If-None-Match` on PUT, so on its own the
 * S3 lockfile would not be exclusive (two applies both "acquire" it; checked by hand); the
 * emulator helper adds S3's conditional create, which is what makes the second case meaningful.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { environmentStateKey } from '@automock/core';
import { App, DataResource, TerraformStack } from 'cdktf';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureS3Backend } from './configureS3Backend';
import {
  EMULATOR_REGION,
  type LocalDynamo,
  type LocalS3,
  emulatorEnv,
  startLocalDynamo,
  startLocalS3,
} from '@automock/test-support/emulators';
import { createLockTable } from '@automock/test-support/tables';

const TERRAFORM = process.env.TERRAFORM_BINARY_NAME || 'terraform';
const BUCKET = 'automock-tfstate-test';
const LOCK_TABLE = 'automock-terraform-locks';
/** Longest the held resource's provisioner waits for its release file (then it fails). */
const HOLD_LIMIT_SECONDS = 60;
/** Every terraform process started, so none outlives the suite. */
const running = new Set<import('node:child_process').ChildProcess>();

function terraformVersion(): string | undefined {
  const r = spawnSync(TERRAFORM, ['version', '-json'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) return undefined;
  try {
    return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return undefined;
  }
}

const version = terraformVersion();
const [major = 0, minor = 0] = (version ?? '0.0').split('.').map(Number);
const skipReason = !version
  ? `no working terraform binary (${TERRAFORM}) found`
  : major === 1 && minor < 10
    ? `terraform ${version} is older than 1.10 (use_lockfile needs 1.10+)`
    : undefined;
if (skipReason) console.warn(`Skipping real-Terraform S3 backend tests: ${skipReason}`);
const describeTerraform = skipReason ? describe.skip : describe;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs terraform in `cwd` with a hard time limit; never rejects, so callers assert on the result. */
function terraform(cwd: string, args: string[], timeoutMs = 90_000): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(TERRAFORM, [...args, '-no-color'], {
      cwd,
      env: emulatorEnv({ TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    running.add(child);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function expectOk(cwd: string, args: string[]): Promise<RunResult> {
  const r = await terraform(cwd, args);
  if (r.code !== 0) {
    throw new Error(`terraform ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

describeTerraform(`S3 backend with real Terraform ${version ?? ''}`, () => {
  // A loaded 2-core CI machine can take a while to start several terraform processes.
  jest.setTimeout(180_000);
  let s3: LocalS3;
  let dynamo: LocalDynamo;
  let s3Client: S3Client;
  let ddb: DynamoDBClient;
  let workDir: string;

  beforeAll(async () => {
    [s3, dynamo] = await Promise.all([startLocalS3([BUCKET]), startLocalDynamo()]);
    s3Client = s3.client();
    ddb = dynamo.client();
    await createLockTable(ddb, LOCK_TABLE);
    workDir = mkdtempSync(join(tmpdir(), 'automock-tf-backend-'));
  });

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    // Stopping the emulators destroys their clients.
    await Promise.all([s3?.stop(), dynamo?.stop()]);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /**
   * Synthesises a stack with the backend helper and the given `terraform_data` resources into its
   * own directory, as `cdktf synth` would, and returns that directory.
   */
  function synthStack(
    name: string,
    key: string,
    resources: Record<string, { holdUntil?: string }>,
    useLockfile: boolean,
  ): string {
    const app = new App({ outdir: join(workDir, name), skipValidation: false });
    const stack = new TerraformStack(app, 'itest');
    configureS3Backend(stack, {
      bucket: BUCKET,
      key,
      region: EMULATOR_REGION,
      lockTable: LOCK_TABLE,
      useLockfile,
      emulator: true,
      endpoints: { s3: s3.endpoint, dynamodb: dynamo.endpoint },
    });
    for (const [id, opts] of Object.entries(resources)) {
      new DataResource(stack, id, {
        input: { id },
        // Holds the apply (and its lock) until the test creates the file: no guessed delays.
        provisioners: opts.holdUntil
          ? [
              {
                type: 'local-exec',
                command: `i=0; while [ ! -f '${opts.holdUntil}' ] && [ $i -lt ${HOLD_LIMIT_SECONDS * 10} ]; do sleep 0.1; i=$((i+1)); done; [ -f '${opts.holdUntil}' ]`,
              },
            ]
          : undefined,
      });
    }
    app.synth();
    return join(workDir, name, 'stacks', 'itest');
  }

  async function readState(key: string): Promise<{ serial: number; resources: string[] }> {
    const obj = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const state = JSON.parse(await obj.Body!.transformToString()) as {
      serial: number;
      resources: { type: string; name: string }[];
    };
    return {
      serial: state.serial,
      resources: state.resources.map((r) => `${r.type}.${r.name}`).sort(),
    };
  }

  async function objectExists(key: string): Promise<boolean> {
    const listed = await s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key }));
    return (listed.Contents ?? []).some((o) => o.Key === key);
  }

  async function lockItem(key: string): Promise<Record<string, unknown> | undefined> {
    const r = await ddb.send(
      new GetItemCommand({ TableName: LOCK_TABLE, Key: { LockID: { S: `${BUCKET}/${key}` } } }),
    );
    return r.Item;
  }

  it('init and apply write the state object at the expected key and release the lock', async () => {
    const key = environmentStateKey('itest');
    const dir = synthStack('first', key, { first: {} }, false);
    await expectOk(dir, ['init', '-input=false']);
    const apply = await expectOk(dir, ['apply', '-auto-approve', '-input=false']);
    expect(apply.stdout).toMatch(/Apply complete! Resources: 1 added/);

    expect(await readState(key)).toEqual({
      serial: expect.any(Number),
      resources: ['terraform_data.first'],
    });
    // Terraform keeps the state's MD5 next to the lock; the lock itself is gone after apply.
    const digest = await ddb.send(
      new GetItemCommand({ TableName: LOCK_TABLE, Key: { LockID: { S: `${BUCKET}/${key}-md5` } } }),
    );
    expect(digest.Item?.Digest?.S).toMatch(/^[0-9a-f]{32}$/);
    expect(await lockItem(key)).toBeUndefined();
  });

  it.each([
    ['the DynamoDB lock alone', false],
    ['the DynamoDB lock and the S3 lockfile', true],
  ])(
    'with %s, a second concurrent apply fails to take the lock while the first completes, and nothing is lost',
    async (_label, useLockfile) => {
      const key = environmentStateKey(useLockfile ? 'both-locks' : 'dynamodb-lock');
      const tag = useLockfile ? 'both' : 'ddb';
      const release = join(workDir, `${tag}.release`);
      const held = { holdUntil: release };
      // Three configurations of one stack: each extends the one before.
      const baseDir = synthStack(`${tag}-base`, key, { first: {} }, useLockfile);
      const slowDir = synthStack(`${tag}-slow`, key, { first: {}, slow: held }, useLockfile);
      const otherDir = synthStack(
        `${tag}-other`,
        key,
        { first: {}, slow: held, other: {} },
        useLockfile,
      );
      await Promise.all(
        [baseDir, slowDir, otherDir].map((d) => expectOk(d, ['init', '-input=false'])),
      );
      await expectOk(baseDir, ['apply', '-auto-approve', '-input=false']);

      const slowRun = terraform(slowDir, ['apply', '-auto-approve', '-input=false']);
      // Start the second apply once the first really holds the lock; the first keeps it until the
      // test writes the release file.
      // Terraform takes the S3 lockfile (when on) before the DynamoDB lock, so this waits for both.
      const deadline = Date.now() + 30_000;
      while (!(await lockItem(key))) {
        if (Date.now() > deadline) throw new Error('the first apply never took the DynamoDB lock');
        await new Promise((r) => setTimeout(r, 50));
      }
      const lock = (await lockItem(key)) as { Info: { S: string } };
      expect(JSON.parse(lock.Info.S)).toMatchObject({ Operation: 'OperationTypeApply' });
      if (useLockfile) expect(await objectExists(`${key}.tflock`)).toBe(true);

      const blocked = await terraform(otherDir, [
        'apply',
        '-auto-approve',
        '-input=false',
        '-lock-timeout=0s',
      ]);
      // The first apply finishes only now, after the second has given up.
      writeFileSync(release, '');
      const slow = await slowRun;

      expect(blocked.code).not.toBe(0);
      expect(blocked.stderr).toMatch(/Error acquiring the state lock/);
      expect(blocked.stderr).toMatch(
        useLockfile ? /PreconditionFailed|412/ : /ConditionalCheckFailedException/,
      );
      expect(blocked.stdout).not.toMatch(/Creating\.\.\./);
      expect(slow.code).toBe(0);
      expect(slow.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
      expect((await readState(key)).resources).toEqual([
        'terraform_data.first',
        'terraform_data.slow',
      ]);
      expect(await lockItem(key)).toBeUndefined();
      expect(await objectExists(`${key}.tflock`)).toBe(false);

      // Once the lock is free the second configuration applies on top: the first's work is kept.
      const retry = await expectOk(otherDir, ['apply', '-auto-approve', '-input=false']);
      expect(retry.stdout).toMatch(/Apply complete! Resources: 1 added, 0 changed, 0 destroyed/);
      expect((await readState(key)).resources).toEqual([
        'terraform_data.first',
        'terraform_data.other',
        'terraform_data.slow',
      ]);
    },
  );

  it('accepts use_lockfile alongside the DynamoDB lock and cleans both up after apply', async () => {
    const key = 'envs/lockfile/terraform.tfstate';
    const dir = synthStack('lockfile', key, { only: {} }, true);
    await expectOk(dir, ['init', '-input=false']);
    await expectOk(dir, ['apply', '-auto-approve', '-input=false']);
    expect((await readState(key)).resources).toEqual(['terraform_data.only']);
    expect(await lockItem(key)).toBeUndefined();
    const listed = await s3Client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'envs/lockfile/' }),
    );
    expect(listed.Contents?.map((o) => o.Key)).toEqual([key]);
  });

  afterEach(async () => {
    // A failed test must not leave a lock that makes the next one fail for the wrong reason.
    const items = await ddb.send(new ScanCommand({ TableName: LOCK_TABLE }));
    for (const item of items.Items ?? []) {
      if (!item.LockID?.S?.endsWith('-md5')) {
        await ddb.send(
          new DeleteItemCommand({ TableName: LOCK_TABLE, Key: { LockID: item.LockID! } }),
        );
      }
    }
  });
});
