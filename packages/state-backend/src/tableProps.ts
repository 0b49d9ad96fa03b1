import { checkKmsKeyArn, checkTableName, IssueCollector } from '@automock/core';
import { TerraformProvider } from 'cdktf';
import { checkBoolean } from './validation';

/** Inputs shared by the state backend's DynamoDB tables. */
export interface StateTableProps {
  /** Table name; use core's `stateBackendNames`. */
  readonly tableName: string;
  /**
   * Customer-managed KMS key for encryption at rest.
   * @default - the AWS-managed `aws/dynamodb` key (server-side encryption is always on)
   */
  readonly kmsKeyArn?: string;
  /** DynamoDB deletion protection: the API refuses to delete the table. @default true */
  readonly deletionProtection?: boolean;
  /** Terraform's `lifecycle.prevent_destroy`: a plan that would delete the table fails. @default true */
  readonly preventDestroy?: boolean;
  /** Extra tags on the table. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Provider to create the table with. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** What every state table gets, whatever its keys. */
export interface ResolvedStateTableProps {
  readonly tableName: string;
  readonly kmsKeyArn?: string;
  readonly deletionProtection: boolean;
  readonly preventDestroy: boolean;
  readonly tags: Record<string, string>;
}

/** Validates the shared table inputs into `issues` and fills in defaults. */
export function resolveStateTableProps(
  issues: IssueCollector,
  subject: string,
  props: StateTableProps,
): ResolvedStateTableProps {
  checkTableName(issues, `${subject}.tableName`, props.tableName);
  checkKmsKeyArn(issues, `${subject}.kmsKeyArn`, props.kmsKeyArn);
  checkBoolean(issues, `${subject}.deletionProtection`, props.deletionProtection);
  checkBoolean(issues, `${subject}.preventDestroy`, props.preventDestroy);
  return {
    tableName: props.tableName,
    kmsKeyArn: props.kmsKeyArn,
    deletionProtection: props.deletionProtection ?? true,
    preventDestroy: props.preventDestroy ?? true,
    tags: { ...(props.tags ?? {}), Name: props.tableName },
  };
}
