/**
 * Test helpers: an in-memory dynalite on 127.0.0.1 and a registry table shaped like the one the
 * state-backend construct creates (from core's REGISTRY_SCHEMA). Excluded from the build; other
 * packages' tests import it by source path.
 */
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REGISTRY_SCHEMA } from '@automock/core';
import type { AddressInfo } from 'node:net';

export interface LocalDynamo {
  readonly endpoint: string;
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

type DynaliteFactory = (opts: Record<string, unknown>) => import('node:http').Server;

/** Starts dynalite on 127.0.0.1 (port chosen by the OS), tables ACTIVE immediately. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  return {
    endpoint,
    client() {
      const c = new DynamoDBClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Creates a registry table with the environment/expiry index. */
export async function createRegistryTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: REGISTRY_SCHEMA.partitionKey, AttributeType: 'S' },
        { AttributeName: REGISTRY_SCHEMA.envAttribute, AttributeType: 'S' },
        { AttributeName: REGISTRY_SCHEMA.expiresAtAttribute, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: REGISTRY_SCHEMA.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: REGISTRY_SCHEMA.envIndex,
          KeySchema: [
            { AttributeName: REGISTRY_SCHEMA.envAttribute, KeyType: 'HASH' },
            { AttributeName: REGISTRY_SCHEMA.expiresAtAttribute, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}
