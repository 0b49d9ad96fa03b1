import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
/**
 * Test harness: dynalite (registry, lock table) and s3rver (state bucket) on 127.0.0.1 for real,
 * aws-sdk-client-mock for the services without a local emulator. Excluded from the build.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalDynamo, createRegistryTable, startLocalDynamo } from './tables';

export const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const REGION = 'us-east-1';

export interface LocalS3 {
  readonly endpoint: string;
  client(): S3Client;
  stop(): Promise<void>;
}

/** s3rver on 127.0.0.1 with the given buckets. */
export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'ttl-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    client() {
      const c = new S3Client({
        endpoint,
        region: REGION,
        credentials: CREDENTIALS,
        forcePathStyle: true,
      });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      server.httpServer?.closeAllConnections?.();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Creates a Terraform lock table (`LockID`). */
export async function createLockTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
    }),
  );
}

/** Clients for the mocked services (each a fresh instance for aws-sdk-client-mock). */
export function mockedServiceClients() {
  const o = { region: REGION, credentials: CREDENTIALS };
  return {
    sns: new SNSClient(o),
    tagging: new ResourceGroupsTaggingAPIClient(o),
    ecs: new ECSClient(o),
    elbv2: new ElasticLoadBalancingV2Client(o),
    ec2: new EC2Client(o),
    logs: new CloudWatchLogsClient(o),
    cloudwatch: new CloudWatchClient(o),
    autoscaling: new ApplicationAutoScalingClient(o),
    secrets: new SecretsManagerClient(o),
  };
}

export { type LocalDynamo, createRegistryTable, startLocalDynamo };

/** A clock that never runs out and does not wait, recording the pauses asked for. */
export function instantClock(): {
  timeLeftMs: () => number;
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
} {
  const sleeps: number[] = [];
  return {
    timeLeftMs: () => 600_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    sleeps,
  };
}
