import type { Environment, WorkloadRefKind, WorkloadResourceRef } from '@automock/core';
import { defineEnvironment } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { WorkloadBuildContext } from './section-builder';

/** A hand-built build context for section builder tests (no workload stack needed). */
export interface TestWorkloadContext extends WorkloadBuildContext {
  readonly stack: TerraformStack;
  /** What builders provided, by `kind/name`. */
  readonly provided: ReadonlyMap<string, WorkloadResourceRef>;
}

/** A plain cdktf stack with a provider and a build context over it; `refs` are provided first. */
export function testWorkloadContext(
  opts: {
    readonly env?: Environment;
    readonly workload?: string;
    readonly publicTasks?: boolean;
    readonly refs?: readonly WorkloadResourceRef[];
  } = {},
): TestWorkloadContext {
  const env =
    opts.env ?? defineEnvironment({ name: 'dev', accountId: '123456789012', region: 'us-east-1' });
  const workload = opts.workload ?? 'shop';
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: env.region });
  const provided = new Map<string, WorkloadResourceRef>();
  const key = (kind: WorkloadRefKind, name: string) => `${kind}/${name}`;
  const ctx: TestWorkloadContext = {
    stack,
    provided,
    scope: stack,
    env,
    workload,
    nameParts: { prefix: env.prefix, env: env.name, project: workload },
    network: {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidr: '10.0.0.0/16',
      privateSubnetIds: ['subnet-private-a', 'subnet-private-b'],
      publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
      publicTasks: opts.publicTasks ?? false,
    },
    cluster: {
      name: `${env.prefix}-${env.name}`,
      arn: `arn:aws:ecs:${env.region}:${env.accountId}:cluster/${env.prefix}-${env.name}`,
    },
    permissionsBoundary: `arn:aws:iam::${env.accountId}:policy/${env.prefix}-${env.name}-boundary`,
    provide(ref) {
      const k = key(ref.kind, ref.name);
      if (provided.has(k)) throw new Error(`${k} provided twice`);
      provided.set(k, ref);
    },
    lookup(kind, name) {
      const ref = provided.get(key(kind, name));
      if (!ref) throw new Error(`nothing provided ${key(kind, name)}`);
      return ref;
    },
  };
  for (const r of opts.refs ?? []) ctx.provide(r);
  return ctx;
}
