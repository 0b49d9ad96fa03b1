/**
 * Tables as the state-backend construct creates them, made with the SDK in an emulator: the
 * deployments registry (from core's REGISTRY_SCHEMA) and a Terraform lock table.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { REGISTRY_SCHEMA } from '@automock/core';

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

let tables = 0;

/**
 * A registry table and a lock table. The names default to fresh ones, so tests can share one
 * emulator; give them where a policy or a configuration expects particular names.
 */
export async function createBackendTables(
  client: DynamoDBClient,
  names: { readonly registryTable?: string; readonly lockTable?: string } = {},
): Promise<{ registryTable: string; lockTable: string }> {
  const n = ++tables;
  const registryTable = names.registryTable ?? `registry-${n}`;
  const lockTable = names.lockTable ?? `locks-${n}`;
  await Promise.all([
    createRegistryTable(client, registryTable),
    createLockTable(client, lockTable),
  ]);
  return { registryTable, lockTable };
}
