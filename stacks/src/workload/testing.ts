import {
  defineEnvironment,
  Environment,
  EnvironmentInput,
  WorkloadRefKind,
  WorkloadResourceRef,
} from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import type { WorkloadBuildContext } from './section-builder';

/** A plain stack and a hand-built build context, for testing one section builder at a time. */
export interface WorkloadTestContext {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly ctx: WorkloadBuildContext;
  /** Every ref provided so far, by `kind/name`. */
  readonly refs: Map<string, WorkloadResourceRef>;
}

/** Options of {@link workloadTestContext}. */
export interface WorkloadTestOptions {
  /** Overrides of the `dev` test environment. @default {} */
  readonly env?: Partial<EnvironmentInput>;
  /** @default 'shop' */
  readonly workload?: string;
  /** @default - none (the context's field left out) */
  readonly notificationKeyArn?: string;
}

/** Builds a test stack with an AWS provider and a context whose provide/lookup keep refs in a map. */
export function workloadTestContext(opts: WorkloadTestOptions = {}): WorkloadTestContext {
  const env: Environment = defineEnvironment({
    name: 'dev',
    accountId: '123456789012',
    region: 'us-east-1',
    ...opts.env,
  });
  const workload = opts.workload ?? 'shop';
  const app = Testing.app();
  const stack = new TerraformStack(app, `${env.name}-${workload}`);
  new AwsProvider(stack, 'aws', { region: env.region });
  const refs = new Map<string, WorkloadResourceRef>();
  const key = (kind: WorkloadRefKind, name: string) => `${kind}/${name}`;
  const ctx: WorkloadBuildContext = {
    scope: stack,
    env,
    workload,
    nameParts: { prefix: env.prefix, env: env.name, project: workload },
    network: {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidr: env.vpcCidr,
      privateSubnetIds: ['subnet-a', 'subnet-b'],
      publicSubnetIds: ['subnet-c', 'subnet-d'],
      publicTasks: false,
    },
    cluster: {
      name: `${env.prefix}-${env.name}`,
      arn: `arn:aws:ecs:${env.region}:${env.accountId}:cluster/${env.prefix}-${env.name}`,
    },
    permissionsBoundary: `arn:aws:iam::${env.accountId}:policy/${env.prefix}-${env.name}-boundary`,
    ...(opts.notificationKeyArn ? { notificationKeyArn: opts.notificationKeyArn } : {}),
    provide(ref) {
      const k = key(ref.kind, ref.name);
      if (refs.has(k)) throw new Error(`${k} provided twice`);
      refs.set(k, ref);
    },
    lookup(kind, name) {
      const ref = refs.get(key(kind, name));
      if (!ref) throw new Error(`no ${kind} named ${name} was provided`);
      return ref;
    },
  };
  return { app, stack, ctx, refs };
}
