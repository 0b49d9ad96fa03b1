import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { projectStackObjectKey, projectStateKey } from '@automock/core';
import { DeploymentRegistry } from '@automock/registry';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BackendEmulators,
  EMULATOR_CREDENTIALS as CREDENTIALS,
  EMULATOR_REGION as REGION,
  startBackendEmulators,
} from '@automock/test-support/emulators';
import { createBackendTables } from '@automock/test-support/tables';
import { runDestroyer } from './runDestroyer';

function findTerraform(): string | undefined {
  const name = process.env.TERRAFORM_BINARY_NAME ?? 'terraform';
  const r = spawnSync(name, ['version'], { encoding: 'utf8' });
  return r.status === 0 ? name : undefined;
}

const TERRAFORM = findTerraform();
const run = promisify(execFile);
const BUCKET = 'automock-tfstate-123456789012-us-east-1';
const BUNDLE = join(__dirname, '..', '..', '..', 'dist', 'destroyer-task', 'index.js');
if (!TERRAFORM)
  console.warn(
    'runDestroyer tests skipped: no terraform binary on PATH (set TERRAFORM_BINARY_NAME)',
  );
const describeTf = TERRAFORM ? describe : describe.skip;

describeTf('runDestroyer with real terraform, s3rver and dynalite', () => {
  let emulators: BackendEmulators;
  let dynamodb: DynamoDBClient;
  let stateS3: S3Client;
  let registry: DeploymentRegistry;
  let dirs: string[] = [];
  let lockTable: string;
  let registryTable: string;

  beforeAll(async () => {
    emulators = await startBackendEmulators([BUCKET]);
  });
  afterAll(() => emulators.stop());
  beforeEach(async () => {
    dynamodb = emulators.dynamo.client();
    stateS3 = emulators.s3.client();
    ({ registryTable, lockTable } = await createBackendTables(dynamodb));
    registry = new DeploymentRegistry({ client: dynamodb, tableName: registryTable });
  });
  afterEach(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    dirs = [];
  });

  const tfEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    TF_CLI_CONFIG_FILE: '/dev/null',
    CHECKPOINT_DISABLE: '1',
  });

  /** A provider-less project stack in cdktf's JSON shape, with its S3 backend on the emulators. */
  function stack(project: string, bucket = BUCKET) {
    return {
      terraform: {
        backend: {
          s3: {
            bucket,
            key: projectStateKey('dev', project),
            region: REGION,
            dynamodb_table: lockTable,
            encrypt: true,
            endpoints: { s3: emulators.s3.endpoint, dynamodb: emulators.dynamo.endpoint },
            use_path_style: true,
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
            skip_region_validation: true,
            skip_s3_checksum: true,
          },
        },
      },
      resource: {
        terraform_data: {
          config: { input: `${project}-config` },
          service: { input: `${project}-service`, depends_on: ['terraform_data.config'] },
        },
      },
    };
  }

  /** Deploys the stack for real (state lands in s3rver, digest in dynalite) and stores it for the task. */
  async function deploy(project: string): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'deploy-'));
    dirs.push(dir);
    const body = JSON.stringify(stack(project));
    await writeFile(join(dir, 'cdk.tf.json'), body);
    // Asynchronous: the emulators run in this process and must keep answering.
    const opts = { cwd: dir, env: tfEnv(), timeout: 120_000 };
    await run(TERRAFORM!, ['init', '-input=false', '-no-color'], opts);
    await run(TERRAFORM!, ['apply', '-auto-approve', '-input=false', '-no-color'], opts);
    await stateS3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: projectStackObjectKey('dev', project),
        Body: body,
      }),
    );
    const d = await registry.register({ env: 'dev', project, createdBy: 'alice', ttlHours: 1 });
    await registry.transition('dev', project, {
      from: ['deploying'],
      to: 'active',
      expectedVersion: d.version,
    });
  }

  async function toDestroying(project: string) {
    await registry.transition('dev', project, { from: ['active'], to: 'expiring', by: 'reaper' });
    await registry.transition('dev', project, {
      from: ['expiring'],
      to: 'destroying',
      by: 'reaper',
      fields: {
        teardown: {
          method: 'terraform-task',
          startedAt: new Date().toISOString(),
          taskArn: 'arn:task',
        },
      },
    });
  }

  async function keys(prefix: string): Promise<string[]> {
    const out = await stateS3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (out.Contents ?? []).map((o) => o.Key!);
  }

  async function digest(project: string) {
    const out = await dynamodb.send(
      new GetItemCommand({
        TableName: lockTable,
        Key: { LockID: { S: `${BUCKET}/${projectStateKey('dev', project)}-md5` } },
      }),
    );
    return out.Item;
  }

  it('destroys the stored stack with its own backend, archives the state, drops the digest, marks destroyed', async () => {
    await deploy('petstore');
    expect(await digest('petstore')).toBeDefined();
    await toDestroying('petstore');
    const workDir = await mkdtemp(join(tmpdir(), 'destroyer-'));
    dirs.push(workDir);
    const lines: string[] = [];
    const result = await runDestroyer({
      env: 'dev',
      project: 'petstore',
      stateBucket: BUCKET,
      lockTable,
      registryTable,
      terraformBinary: TERRAFORM,
      workDir,
      clients: { s3: stateS3, dynamodb },
      terraformEnv: tfEnv(),
      log: (l) => lines.push(l),
    });
    expect(result).toMatchObject({
      ok: true,
      archivedTo: expect.stringMatching(/^archive\/dev\/petstore\/.*\/terraform\.tfstate$/),
    });
    expect(lines.join('\n')).toMatch(/Destroy complete! Resources: 2 destroyed\./);
    expect(await keys('projects/dev/petstore/')).toEqual([]);
    const archived = await stateS3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: result.archivedTo! }),
    );
    const state = JSON.parse(await archived.Body!.transformToString());
    expect(state.resources).toEqual([]);
    expect(await digest('petstore')).toBeUndefined();
    expect(await registry.get('dev', 'petstore')).toMatchObject({
      status: 'destroyed',
      destroyMethod: 'terraform-task',
      destroyedBy: 'destroyer-task',
    });
  });

  it('records a failed destroy on the registry item and leaves it destroying for the reaper', async () => {
    await deploy('broken');
    // The stored stack now points at a bucket that does not exist: init fails.
    await stateS3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: projectStackObjectKey('dev', 'broken'),
        Body: JSON.stringify(stack('broken', 'no-such-bucket')),
      }),
    );
    await toDestroying('broken');
    const workDir = await mkdtemp(join(tmpdir(), 'destroyer-'));
    dirs.push(workDir);
    const result = await runDestroyer({
      env: 'dev',
      project: 'broken',
      stateBucket: BUCKET,
      lockTable,
      registryTable,
      terraformBinary: TERRAFORM,
      workDir,
      clients: { s3: stateS3, dynamodb },
      terraformEnv: tfEnv(),
      log: () => undefined,
    });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^terraform init exited 1/);
    const d = await registry.get('dev', 'broken');
    expect(d?.status).toBe('destroying');
    expect(d?.teardown?.lastError).toMatch(/terraform init exited 1/);
    expect(await keys('projects/dev/broken/')).toEqual(['projects/dev/broken/terraform.tfstate']);
  });

  it('refuses to destroy a project that is not being torn down', async () => {
    await deploy('kept');
    const result = await runDestroyer({
      env: 'dev',
      project: 'kept',
      stateBucket: BUCKET,
      lockTable,
      registryTable,
      terraformBinary: TERRAFORM,
      workDir: join(tmpdir(), 'never-used'),
      clients: { s3: stateS3, dynamodb },
      log: () => undefined,
    });
    expect(result).toEqual({
      ok: false,
      error: 'dev/kept is active, not being torn down: nothing destroyed',
    });
    expect(await keys('projects/dev/kept/')).toEqual(['projects/dev/kept/terraform.tfstate']);
  });

  const itBundle = existsSync(BUNDLE) ? it : it.skip;
  itBundle(
    'the bundled task entry point does the same from its environment variables',
    async () => {
      await deploy('bundled');
      await toDestroying('bundled');
      const workDir = await mkdtemp(join(tmpdir(), 'destroyer-'));
      dirs.push(workDir);
      const r = await run(process.execPath, [BUNDLE], {
        env: {
          ...tfEnv(),
          AWS_ENDPOINT_URL_S3: emulators.s3.endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: emulators.dynamo.endpoint,
          AUTOMOCK_ENV: 'dev',
          AUTOMOCK_PROJECT: 'bundled',
          STATE_BUCKET: BUCKET,
          LOCK_TABLE: lockTable,
          REGISTRY_TABLE: registryTable,
          TERRAFORM_BINARY: TERRAFORM,
          WORK_DIR: workDir,
        },
        timeout: 120_000,
      }).then(
        () => ({ status: 0, err: '' }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          status: e.code,
          err: `${e.stderr}${e.stdout}`,
        }),
      );
      expect(r).toEqual({ status: 0, err: '' });
      expect((await registry.get('dev', 'bundled'))?.status).toBe('destroyed');
      expect(await keys('projects/dev/bundled/')).toEqual([]);
    },
  );
});
