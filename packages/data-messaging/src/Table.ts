import type { PolicyStatement, TableIndex, TableKey, TableStreamView } from '@automock/core';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import type { ResourceGrants } from './grants';

/** Props of {@link Table}: core's resolved `Table`, plus the physical name. */
export interface TableProps extends TerraformMetaArguments {
  /** Table name, 3-255 of `[a-zA-Z0-9_.-]` (core's `resourceName('dynamodbTable', ...)`). */
  readonly tableName: string;
  /** Partition key. */
  readonly partitionKey: TableKey;
  /** Sort key. @default - none */
  readonly sortKey?: TableKey;
  /** Every attribute a key of the table or an index uses, once each (core resolves it). */
  readonly attributes: readonly TableKey[];
  /** Global secondary indexes. @default [] */
  readonly globalIndexes?: readonly TableIndex[];
  /** Billing; provisioned capacity applies to the table and each index. @default on demand */
  readonly billing?:
    | { readonly mode: 'PAY_PER_REQUEST' }
    | { readonly mode: 'PROVISIONED'; readonly read: number; readonly write: number };
  /** Point-in-time recovery. @default true */
  readonly pointInTimeRecovery?: boolean;
  /** Customer managed KMS key. @default - the AWS managed key alias/aws/dynamodb */
  readonly kmsKeyArn?: string;
  /** TTL attribute. @default - no TTL */
  readonly ttlAttribute?: string;
  /** Refuse DeleteTable. @default true */
  readonly deletionProtection?: boolean;
  /** Stream view type. @default - no stream */
  readonly stream?: TableStreamView;
}

/** Read actions: items, queries, scans and the table's description. */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:DescribeTable',
  'dynamodb:ConditionCheckItem',
] as const;
/** Write actions on items. */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * A DynamoDB table, always encrypted with KMS (the AWS managed key unless one is given: AM-DDB-2
 * refuses AWS owned keys), point-in-time recovery on by default, deletion protection by default.
 */
export class Table extends Construct {
  readonly table: DynamodbTable;
  readonly arn: string;
  readonly name: string;
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: TableProps) {
    super(scope, id);
    this.kmsKeyArn = props.kmsKeyArn;
    const billing = props.billing ?? { mode: 'PAY_PER_REQUEST' };
    const capacity =
      billing.mode === 'PROVISIONED'
        ? { readCapacity: billing.read, writeCapacity: billing.write }
        : {};
    this.table = new DynamodbTable(this, 'Table', {
      provider: props.provider,
      dependsOn: props.dependsOn,
      name: props.tableName,
      billingMode: billing.mode,
      ...capacity,
      hashKey: props.partitionKey.name,
      ...(props.sortKey ? { rangeKey: props.sortKey.name } : {}),
      attribute: props.attributes.map((a) => ({ name: a.name, type: a.type })),
      globalSecondaryIndex: (props.globalIndexes ?? []).map((g) => ({
        name: g.name,
        hashKey: g.partitionKey.name,
        ...(g.sortKey ? { rangeKey: g.sortKey.name } : {}),
        projectionType: g.projection,
        ...(g.projection === 'INCLUDE' ? { nonKeyAttributes: [...g.nonKeyAttributes] } : {}),
        ...capacity,
      })),
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? true },
      serverSideEncryption: {
        enabled: true,
        ...(props.kmsKeyArn ? { kmsKeyArn: props.kmsKeyArn } : {}),
      },
      ...(props.ttlAttribute ? { ttl: { enabled: true, attributeName: props.ttlAttribute } } : {}),
      deletionProtectionEnabled: props.deletionProtection ?? true,
      ...(props.stream ? { streamEnabled: true, streamViewType: props.stream } : {}),
    });
    this.arn = this.table.arn;
    this.name = this.table.name;
  }

  /**
   * Statements for the table and its indexes (`<arn>/index/*`), and nothing else; with a
   * customer managed key, the key actions DynamoDB uses on the caller's behalf (aws-cdk's
   * grantReadData / grantWriteData: Decrypt to read; Encrypt, ReEncrypt and GenerateDataKey too to
   * write, as PutItem on a CMK table fails without kms:Decrypt).
   */
  grants(): ResourceGrants {
    const resources = [this.arn, `${this.arn}/index/*`];
    const key = (actions: string[]): PolicyStatement[] =>
      this.kmsKeyArn ? [{ Effect: 'Allow', Action: actions, Resource: this.kmsKeyArn }] : [];
    return {
      read: [
        { Effect: 'Allow', Action: [...TABLE_READ_ACTIONS], Resource: resources },
        ...key(['kms:Decrypt']),
      ],
      write: [
        { Effect: 'Allow', Action: [...TABLE_WRITE_ACTIONS], Resource: resources },
        ...key(['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']),
      ],
    };
  }
}
