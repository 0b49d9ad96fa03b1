import { IssueCollector } from '@automock/core';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { ResolvedStateTableProps, StateTableProps, resolveStateTableProps } from './tableProps';

/** Inputs of {@link LockTable}. */
export type LockTableProps = StateTableProps;

/** The hash key Terraform's S3 backend writes its locks under; fixed by Terraform. */
export const LOCK_TABLE_HASH_KEY = 'LockID';

/**
 * Validates {@link LockTableProps} and fills in defaults; every problem is reported at once.
 *
 * @throws ConfigValidationError naming each field, value and rule.
 */
export function resolveLockTableProps(props: LockTableProps): ResolvedStateTableProps {
  const issues = new IssueCollector();
  const p = resolveStateTableProps(issues, 'lockTable', props);
  issues.throwIfAny(`lock table ${JSON.stringify(props.tableName)}`);
  return p;
}

/**
 * DynamoDB table for Terraform state locks (the S3 backend's `dynamodb_table`): on-demand
 * billing, hash key `LockID` (string), point-in-time recovery, encryption at rest, deletion
 * protection and `prevent_destroy`.
 */
export class LockTable extends Construct {
  readonly table: DynamodbTable;
  /** Table name. */
  readonly tableName: string;
  /** Table ARN (for IAM policies of roles that run Terraform). */
  readonly tableArn: string;

  constructor(scope: Construct, id: string, props: LockTableProps) {
    const p = resolveLockTableProps(props);
    super(scope, id);

    this.table = new DynamodbTable(this, 'Table', {
      provider: props.provider,
      name: p.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: LOCK_TABLE_HASH_KEY,
      attribute: [{ name: LOCK_TABLE_HASH_KEY, type: 'S' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: p.kmsKeyArn },
      deletionProtectionEnabled: p.deletionProtection,
      tags: p.tags,
      lifecycle: { preventDestroy: p.preventDestroy },
    });
    this.tableName = this.table.name;
    this.tableArn = this.table.arn;
  }
}
