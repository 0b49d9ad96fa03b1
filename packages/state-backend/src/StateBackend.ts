import {
  checkAccountId,
  checkRegion,
  IssueCollector,
  StateBackendNames,
  stateBackendNames,
} from '@automock/core';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { LockTable, LockTableProps, resolveLockTableProps } from './LockTable';
import { RegistryTable, RegistryTableProps, resolveRegistryTableProps } from './RegistryTable';
import {
  StateBucket,
  StateBucketEncryption,
  StateBucketProps,
  resolveStateBucketProps,
} from './StateBucket';

/** Inputs of {@link StateBackend}. */
export interface StateBackendProps {
  /** Name prefix, as in the environments. @default 'automock' */
  readonly prefix?: string;
  /** 12-digit AWS account id; part of the bucket name so it is globally unique. */
  readonly accountId: string;
  /** AWS region the resources live in; part of the bucket name. */
  readonly region: string;
  /** State bucket encryption. @default { type: 'AES256' } */
  readonly bucketEncryption?: StateBucketEncryption;
  /** Customer-managed KMS key for both tables. @default - the AWS-managed `aws/dynamodb` key */
  readonly tableKmsKeyArn?: string;
  /** Days noncurrent state versions are kept. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** `prevent_destroy` on the bucket and both tables. @default true */
  readonly preventDestroy?: boolean;
  /** Extra tags on every resource. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Provider to create the resources with. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Everything remote state needs in one account and region: the state bucket, the lock table and
 * the deployments registry table, named by core's `stateBackendNames` so every tool (stacks, CLI,
 * reaper) derives the same names from the same account, region and prefix.
 */
export class StateBackend extends Construct {
  readonly names: StateBackendNames;
  readonly stateBucket: StateBucket;
  readonly lockTable: LockTable;
  readonly registryTable: RegistryTable;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    // core's naming cleans rather than rejects; a bad account id or region would give a wrong name.
    const issues = new IssueCollector();
    checkAccountId(issues, 'stateBackend.accountId', props.accountId);
    checkRegion(issues, 'stateBackend.region', props.region);
    issues.throwIfAny('state backend');
    const names = stateBackendNames(props.prefix ?? 'automock', props.accountId, props.region);
    const common = {
      preventDestroy: props.preventDestroy,
      tags: props.tags,
      provider: props.provider,
    };
    const bucketProps: StateBucketProps = {
      ...common,
      bucketName: names.bucket,
      encryption: props.bucketEncryption,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
    };
    const lockProps: LockTableProps = {
      ...common,
      tableName: names.lockTable,
      kmsKeyArn: props.tableKmsKeyArn,
    };
    const registryProps: RegistryTableProps = {
      ...common,
      tableName: names.registryTable,
      kmsKeyArn: props.tableKmsKeyArn,
    };
    // All three validated before anything joins the tree.
    resolveStateBucketProps(bucketProps);
    resolveLockTableProps(lockProps);
    resolveRegistryTableProps(registryProps);
    super(scope, id);

    this.names = names;
    this.stateBucket = new StateBucket(this, 'StateBucket', bucketProps);
    this.lockTable = new LockTable(this, 'LockTable', lockProps);
    this.registryTable = new RegistryTable(this, 'RegistryTable', registryProps);
  }
}
