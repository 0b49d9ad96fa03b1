/**
 * Entry point of the destroyer Fargate task (bundled to `dist/destroyer-task/index.js`). Reads its
 * settings from the environment the reaper's RunTask override sets, exits 0 on success.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { runDestroyer } from './runDestroyer';

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is required`);
  return v;
}

async function main(): Promise<number> {
  const result = await runDestroyer({
    env: need('AUTOMOCK_ENV'),
    project: need('AUTOMOCK_PROJECT'),
    stateBucket: need('STATE_BUCKET'),
    lockTable: need('LOCK_TABLE'),
    registryTable: need('REGISTRY_TABLE'),
    terraformBinary: process.env.TERRAFORM_BINARY ?? 'terraform',
    workDir: process.env.WORK_DIR ?? '/work/stack',
    // No fixed endpoints: AWS_ENDPOINT_URL keeps working.
    clients: { s3: new S3Client({}), dynamodb: new DynamoDBClient({}) },
  });
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`destroyer: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
