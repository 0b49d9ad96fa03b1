import { resourceName, Table as ResolvedTable } from '@automock/core';
import { Table } from '@automock/data-messaging';
import type { WorkloadSectionBuilder } from './section-builder';

/** Builds the `tables` section: one DynamoDB table per entry, provided as `table` refs. */
export const tablesBuilder: WorkloadSectionBuilder<readonly ResolvedTable[]> = {
  key: 'tables',
  order: 10,
  build(tables, ctx) {
    for (const t of tables) {
      const table = new Table(ctx.scope, `table-${t.name}`, {
        tableName: resourceName('dynamodbTable', { ...ctx.nameParts, kind: t.name }),
        partitionKey: t.partitionKey,
        ...(t.sortKey ? { sortKey: t.sortKey } : {}),
        attributes: t.attributes,
        globalIndexes: t.globalIndexes,
        billing: t.billing,
        pointInTimeRecovery: t.pointInTimeRecovery,
        ...(t.kmsKeyArn ? { kmsKeyArn: t.kmsKeyArn } : {}),
        ...(t.ttlAttribute ? { ttlAttribute: t.ttlAttribute } : {}),
        deletionProtection: t.deletionProtection,
        ...(t.stream ? { stream: t.stream } : {}),
      });
      ctx.provide({
        kind: 'table',
        name: t.name,
        arn: table.arn,
        attributes: {
          tableName: table.name,
          ...(t.stream ? { streamArn: table.table.streamArn } : {}),
        },
        grants: table.grants(),
      });
    }
  },
};
