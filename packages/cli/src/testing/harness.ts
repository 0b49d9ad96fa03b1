/**
 * Test harness for the commands: s3rver and dynalite on 127.0.0.1 holding the test app's state
 * bucket, lock table and registry; a temporary repository root (cdktf.json) as the working
 * directory; the SDK and terraform pointed at the emulators through the environment; optionally
 * the recording fake terraform first on the way to terraform.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { stateBackendNames, StateBackendNames } from '@automock/core';
import { DeploymentRegistry } from '@automock/registry';
import { createLockTable, createRegistryTable } from '@automock/test-support/tables';
import {
  EMULATOR_CREDENTIALS,
  EmulatorHandle,
  S3rverHandle,
  startDynalite,
  startS3rver,
} from '@automock/test-support/emulators';
import { runCommand } from '@oclif/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeScript, FakeTerraform } from './fake-terraform';

export const PKG_ROOT = resolve(__dirname, '../..');
export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'us-east-1';

export interface Harness {
  readonly root: string;
  readonly names: StateBackendNames;
  readonly s3: S3rverHandle;
  readonly dynamo: EmulatorHandle;
  readonly s3Client: S3Client;
  readonly dynamoClient: DynamoDBClient;
  readonly registry: DeploymentRegistry;
  readonly tf?: FakeTerraform;
  run(args: string[]): ReturnType<typeof runCommand>;
  stop(): Promise<void>;
}

const ENV_KEYS = [
  'AUTOMOCK_APP_MODULE',
  'AUTOMOCK_TEST_S3_ENDPOINT',
  'AUTOMOCK_TEST_DYNAMODB_ENDPOINT',
  'AUTOMOCK_TEST_VARIANT',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'TERRAFORM_BINARY_NAME',
  'CI',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_API_URL',
];

/** Starts the emulators, creates the test app's backend, and points everything at them. */
export async function startHarness(
  opts: { fake?: FakeScript | false; extraBuckets?: string[] } = {},
): Promise<Harness> {
  const names = stateBackendNames('automock', TEST_ACCOUNT, TEST_REGION);
  const s3 = await startS3rver({ buckets: [names.bucket, ...(opts.extraBuckets ?? [])] });
  const dynamo = await startDynalite();
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const cwd = process.cwd();
  const root = mkdtempSync(join(tmpdir(), 'automock-cli-'));
  writeFileSync(
    join(root, 'cdktf.json'),
    JSON.stringify({ language: 'typescript', app: 'true', context: {} }),
  );
  process.chdir(root);

  Object.assign(process.env, {
    AUTOMOCK_APP_MODULE: join(__dirname, 'test-app.ts'),
    AUTOMOCK_TEST_S3_ENDPOINT: s3.endpoint,
    AUTOMOCK_TEST_DYNAMODB_ENDPOINT: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_REGION: TEST_REGION,
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    CI: 'true',
  });
  for (const k of [
    'AWS_ENDPOINT_URL',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AUTOMOCK_TEST_VARIANT',
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'GITHUB_API_URL',
  ])
    delete process.env[k];
  const tf = opts.fake === false ? undefined : new FakeTerraform(opts.fake ?? {});
  if (tf) process.env.TERRAFORM_BINARY_NAME = tf.path;
  else delete process.env.TERRAFORM_BINARY_NAME;

  const client = { region: TEST_REGION, credentials: { ...EMULATOR_CREDENTIALS } };
  const dynamoClient = new DynamoDBClient({ ...client, endpoint: dynamo.endpoint });
  const s3Client = new S3Client({ ...client, endpoint: s3.endpoint, forcePathStyle: true });
  await createRegistryTable(dynamoClient, names.registryTable);
  await createLockTable(dynamoClient, names.lockTable);
  const registry = new DeploymentRegistry({ client: dynamoClient, tableName: names.registryTable });
  return {
    root,
    names,
    s3,
    dynamo,
    s3Client,
    dynamoClient,
    registry,
    tf,
    run: (args) => runCommand(args, { root: PKG_ROOT }),
    async stop() {
      process.chdir(cwd);
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      process.exitCode = undefined;
      s3Client.destroy();
      dynamoClient.destroy();
      tf?.remove();
      await s3.stop();
      await dynamo.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A valid MockServer expectations file in `dir`. */
export function writeExpectations(dir: string, name = 'expectations.json'): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify([
      {
        httpRequest: { method: 'GET', path: '/users' },
        httpResponse: { statusCode: 200, body: '[]' },
      },
    ]),
  );
  return file;
}

/**
 * Runs `fn` as if a person sat at a terminal typing `answers` (one line each): stdin and stdout
 * report a TTY and CI is unset. Restores everything afterwards.
 */
export async function withTerminal<T>(
  answers: readonly string[],
  fn: () => Promise<T>,
): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PassThrough } = require('node:stream') as typeof import('node:stream');
  const input = new PassThrough() as InstanceType<typeof PassThrough> & { isTTY?: boolean };
  input.isTTY = true;
  input.end(answers.map((a) => `${a}\n`).join(''));
  const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  const stdoutTTY = process.stdout.isTTY;
  const ci = process.env.CI;
  Object.defineProperty(process, 'stdin', { value: input, configurable: true });
  process.stdout.isTTY = true;
  delete process.env.CI;
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, 'stdin', stdin);
    process.stdout.isTTY = stdoutTTY;
    if (ci !== undefined) process.env.CI = ci;
  }
}
