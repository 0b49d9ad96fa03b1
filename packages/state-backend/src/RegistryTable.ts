import { IssueCollector, REGISTRY_SCHEMA } from '@automock/core';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { ResolvedStateTableProps, StateTableProps, resolveStateTableProps } from './tableProps';

/** Inputs of {@link RegistryTable}. */
export type RegistryTableProps = StateTableProps;

/**
 * Validates {@link RegistryTableProps} and fills in defaults; every problem is reported at once.
 *
 * @throws ConfigValidationError naming each field, value and rule.
 */
export function resolveRegistryTableProps(props: RegistryTableProps): ResolvedStateTableProps {
  const issues = new IssueCollector();
  const p = resolveStateTableProps(issues, 'registryTable', props);
  issues.throwIfAny(`registry table ${JSON.stringify(props.tableName)}`);
  return p;
}

/**
 * The deployments registry (one item per `<env>#<project>`), shaped by core's
 * `REGISTRY_SCHEMA` so the table, the registry client and the reaper agree: hash key `pk`, a
 * global secondary index listing an environment's projects by expiry (`env` + `expiresAt`, all
 * attributes projected so the reaper needs no second read), DynamoDB TTL on `purgeAt` so destroyed
 * items purge themselves, point-in-time recovery, encryption at rest, deletion protection and
 * `prevent_destroy`.
 */
export class RegistryTable extends Construct {
  readonly table: DynamodbTable;
  /** Table name. */
  readonly tableName: string;
  /** Table ARN. */
  readonly tableArn: string;
  /** ARN pattern of the table's indexes (`<table arn>/index/*`), for IAM `dynamodb:Query`. */
  readonly indexArns: string;

  constructor(scope: Construct, id: string, props: RegistryTableProps) {
    const p = resolveRegistryTableProps(props);
    super(scope, id);

    const s = REGISTRY_SCHEMA;
    this.table = new DynamodbTable(this, 'Table', {
      provider: props.provider,
      name: p.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: s.partitionKey,
      attribute: [
        { name: s.partitionKey, type: 'S' },
        { name: s.envAttribute, type: 'S' },
        { name: s.expiresAtAttribute, type: 'S' },
      ],
      globalSecondaryIndex: [
        {
          name: s.envIndex,
          hashKey: s.envAttribute,
          rangeKey: s.expiresAtAttribute,
          projectionType: 'ALL',
        },
      ],
      ttl: { attributeName: s.purgeAtAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: p.kmsKeyArn },
      deletionProtectionEnabled: p.deletionProtection,
      tags: p.tags,
      lifecycle: { preventDestroy: p.preventDestroy },
    });
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
    this.indexArns = `${this.table.arn}/index/*`;
  }
}
