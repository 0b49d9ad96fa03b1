import { REGISTRY_SCHEMA } from '@automock/core';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  emulatorEnv,
  startDynalite,
  startLocalDynamo,
  startLocalS3,
  startS3rver,
} from './emulators';
import { createLockTable, createRegistryTable } from './tables';

describe('emulators', () => {
  it('s3rver serves pre-created buckets, objects round-trip, and stop removes its data', async () => {
    const s3 = await startS3rver({ buckets: ['state-bucket'] });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
      forcePathStyle: true,
    });
    try {
      expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const buckets = await client.send(new ListBucketsCommand({}));
      expect(buckets.Buckets?.map((b) => b.Name)).toEqual(['state-bucket']);
      await client.send(new PutObjectCommand({ Bucket: 'state-bucket', Key: 'a/b', Body: 'hi' }));
      const got = await client.send(new GetObjectCommand({ Bucket: 'state-bucket', Key: 'a/b' }));
      expect(await got.Body?.transformToString()).toBe('hi');
    } finally {
      client.destroy();
      await s3.stop();
    }
    expect(existsSync(s3.directory)).toBe(false);
    await expect(s3.stop()).resolves.toBeUndefined();
  });

  it('s3rver honours If-None-Match: * on PUT, so exactly one of several racing creators wins', async () => {
    const s3 = await startLocalS3(['locks']);
    const client = s3.client();
    const create = (body: string) =>
      client.send(
        new PutObjectCommand({ Bucket: 'locks', Key: 'a/b.tflock', Body: body, IfNoneMatch: '*' }),
      );
    try {
      const results = await Promise.allSettled(['1', '2', '3', '4', '5'].map(create));
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(4);
      for (const r of lost) {
        expect(r.reason).toMatchObject({
          name: 'PreconditionFailed',
          $metadata: { httpStatusCode: 412 },
        });
      }
      // A plain PUT still overwrites, and once the key is deleted a conditional create works again.
      await client.send(new PutObjectCommand({ Bucket: 'locks', Key: 'a/b.tflock', Body: 'x' }));
      await client.send(new DeleteObjectCommand({ Bucket: 'locks', Key: 'a/b.tflock' }));
      await expect(create('again')).resolves.toBeDefined();
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it('s3rver without conditionalWrites shows the gap: both conditional creates succeed', async () => {
    const s3 = await startLocalS3(['locks'], { conditionalWrites: false });
    const client = s3.client();
    try {
      const create = (body: string) =>
        client.send(
          new PutObjectCommand({ Bucket: 'locks', Key: 'k', Body: body, IfNoneMatch: '*' }),
        );
      await expect(create('1')).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
      // S3 would answer 412 here; the bare emulator overwrites.
      await expect(create('2')).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
      const got = await client.send(new GetObjectCommand({ Bucket: 'locks', Key: 'k' }));
      expect(await got.Body?.transformToString()).toBe('2');
    } finally {
      client.destroy();
      await s3.stop();
    }
  });

  it('dynalite creates tables immediately and two servers get different ports', async () => {
    const [a, b] = await Promise.all([startDynalite(), startDynalite()]);
    const client = new DynamoDBClient({
      endpoint: a.endpoint,
      region: EMULATOR_REGION,
      credentials: EMULATOR_CREDENTIALS,
    });
    try {
      expect(a.port).not.toBe(b.port);
      await client.send(
        new CreateTableCommand({
          TableName: 'locks',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        }),
      );
      // dynalite answers CREATING, then flips to ACTIVE on the next timer tick.
      await new Promise((r) => setTimeout(r, 20));
      const described = await client.send(new DescribeTableCommand({ TableName: 'locks' }));
      expect(described.Table?.TableStatus).toBe('ACTIVE');
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual(['locks']);
    } finally {
      client.destroy();
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('emulatorEnv sets the fake key pair and drops a session token and profile', () => {
    const env = emulatorEnv({ TF_IN_AUTOMATION: '1' });
    expect(env.AWS_ACCESS_KEY_ID).toBe('S3RVER');
    expect(env.TF_IN_AUTOMATION).toBe('1');
    expect('AWS_SESSION_TOKEN' in env).toBe(false);
    expect('AWS_PROFILE' in env).toBe(false);
  });

  it('startLocalS3 and startLocalDynamo hand out clients for themselves, destroyed on stop', async () => {
    const [s3, dynamo] = await Promise.all([startLocalS3(['config']), startLocalDynamo()]);
    try {
      const s3Client = s3.client();
      await s3Client.send(new PutObjectCommand({ Bucket: 'config', Key: 'a/b.json', Body: '{}' }));
      const got = await s3Client.send(new GetObjectCommand({ Bucket: 'config', Key: 'a/b.json' }));
      expect(await got.Body?.transformToString()).toBe('{}');
      const ddb = dynamo.client();
      await createRegistryTable(ddb, 'registry');
      await createLockTable(ddb, 'locks');
      const registry = await ddb.send(new DescribeTableCommand({ TableName: 'registry' }));
      expect(registry.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual([
        REGISTRY_SCHEMA.envIndex,
      ]);
      expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual(['locks', 'registry']);
    } finally {
      await Promise.all([s3.stop(), dynamo.stop()]);
    }
  });
});
