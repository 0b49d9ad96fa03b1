import { Environment, StateBackendNames } from '@automock/core';
import { configureS3Backend } from '@automock/state-backend';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { STACK_KIND_ORDER, StackKind } from './stack-kinds';

export { STACK_KIND_ORDER } from './stack-kinds';
export type { StackKind } from './stack-kinds';

/** Facts about a stack that tools need without synthesising it. */
export interface StackInfo {
  readonly name: string;
  readonly kind: StackKind;
  readonly environment?: string;
  readonly project?: string;
  /** The workload's name, for a `workload` stack. */
  readonly workload?: string;
  readonly region: string;
  readonly accountId: string;
  /** S3 bucket holding the stack's state. */
  readonly stateBucket: string;
  /** Key of the state object in {@link stateBucket}. */
  readonly backendKey: string;
  readonly lockTable: string;
}

/** Options shared by every stack for where its state lives. */
export interface StateOptions {
  /** Emulator endpoints (s3rver, dynalite, LocalStack); unset for real AWS. @default - AWS */
  readonly backendEndpoints?: { readonly s3?: string; readonly dynamodb?: string };
}

/**
 * Base of every AutoMock stack: records its {@link StackInfo} and configures the S3 backend
 * (encrypted, DynamoDB lock plus S3 lock file) the same way everywhere.
 */
export abstract class AutomockStack extends TerraformStack {
  readonly info: StackInfo;

  protected constructor(
    scope: Construct,
    name: string,
    info: Omit<StackInfo, 'name' | 'stateBucket' | 'lockTable'>,
    backend: StateBackendNames,
    state: StateOptions = {},
  ) {
    super(scope, name);
    this.info = { name, stateBucket: backend.bucket, lockTable: backend.lockTable, ...info };
    configureS3Backend(this, {
      bucket: backend.bucket,
      key: info.backendKey,
      region: info.region,
      lockTable: backend.lockTable,
      ...(state.backendEndpoints ? { endpoints: state.backendEndpoints, emulator: true } : {}),
    });
  }

  /** Every AutoMock stack under `scope`: bootstrap stacks, then environments, projects, workloads. */
  static all(scope: Construct): AutomockStack[] {
    const order = STACK_KIND_ORDER;
    return scope.node.children
      .filter((c): c is AutomockStack => c instanceof AutomockStack)
      .map((s, i) => ({ s, i }))
      .sort((a, b) => order[a.s.info.kind] - order[b.s.info.kind] || a.i - b.i)
      .map(({ s }) => s);
  }
}

/** The environment a stack belongs to, for tools that only have the stack. */
export interface HasEnvironment {
  readonly environment: Environment;
}
