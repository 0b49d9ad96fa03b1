import {
  defineEnvironment,
  type Environment,
  standardTags,
  type WorkloadResourceRef,
} from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from 'cdktf';
import type { WorkloadBuildContext, WorkloadNetwork } from './section-builder';

/** A development environment for builder tests. */
export const TEST_ENV: Environment = defineEnvironment({
  name: 'dev',
  accountId: '123456789012',
  region: 'eu-west-1',
});

/** A network like the environment's, with literal ids. */
export const TEST_NETWORK: WorkloadNetwork = {
  vpcId: 'vpc-0123456789abcdef0',
  vpcCidr: '10.0.0.0/16',
  privateSubnetIds: ['subnet-private-a', 'subnet-private-b'],
  publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
  publicTasks: false,
  privateRouteTableIds: ['rtb-private-a', 'rtb-private-b'],
};

/** A build context with its stack and what builders provided, for builder unit tests. */
export interface TestBuild {
  readonly stack: TerraformStack;
  readonly ctx: WorkloadBuildContext;
  readonly provided: Map<string, WorkloadResourceRef>;
  /** A provided value as it appears in the synthesised JSON (`${aws_s3_bucket.x.arn}`). */
  resolve<T>(value: T): T;
}

/**
 * A plain cdktf stack with an AWS provider and a hand-built {@link WorkloadBuildContext} for
 * workload `shop` in {@link TEST_ENV}; `provide`/`lookup` work as the workload stack's do.
 */
export function testBuild(over: Partial<WorkloadBuildContext> = {}): TestBuild {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'dev-shop');
  const env = over.env ?? TEST_ENV;
  // Tagged like a workload stack: the sweep and the guardrails rely on both tags.
  new AwsProvider(stack, 'aws', {
    region: env.region,
    defaultTags: [{ tags: standardTags(env.name, 'shop') }],
  });
  const provided = new Map<string, WorkloadResourceRef>();
  const key = (kind: string, name: string) => `${kind}:${name}`;
  const ctx: WorkloadBuildContext = {
    scope: stack,
    env,
    workload: 'shop',
    nameParts: { prefix: env.prefix, env: env.name, project: 'shop' },
    network: TEST_NETWORK,
    cluster: {
      name: 'automock-dev',
      arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/automock-dev',
    },
    permissionsBoundary: 'arn:aws:iam::123456789012:policy/automock-dev-boundary',
    provide(ref) {
      const k = key(ref.kind, ref.name);
      if (provided.has(k)) throw new Error(`${ref.kind} ${ref.name} provided twice`);
      provided.set(k, ref);
    },
    lookup(kind, name) {
      const ref = provided.get(key(kind, name));
      if (!ref) throw new Error(`no ${kind} named ${name}`);
      return ref;
    },
    ...over,
  };
  return {
    stack,
    ctx,
    provided,
    resolve: (value) =>
      Tokenization.resolve(value, {
        scope: stack,
        preparing: false,
        resolver: new DefaultTokenResolver(new StringConcat()),
      }),
  };
}
