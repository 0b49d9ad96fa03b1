import type { Environment, WorkloadRefKind, WorkloadResourceRef } from '@automock/core';
import { defineEnvironment, standardTags } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from 'cdktf';
import type { WorkloadBuildContext, WorkloadNetwork } from './section-builder';

/** An environment for builder tests (no domain unless given). */
export function testWorkloadEnvironment(
  over: Partial<Parameters<typeof defineEnvironment>[0]> = {},
): Environment {
  return defineEnvironment({
    name: 'dev',
    accountId: '123456789012',
    region: 'us-east-1',
    ...over,
  });
}

/** A hand-built build context for section builder tests (no workload stack needed). */
export interface TestWorkloadContext extends WorkloadBuildContext {
  readonly stack: TerraformStack;
  /** What builders provided, by `kind/name`. */
  readonly provided: ReadonlyMap<string, WorkloadResourceRef>;
}

/**
 * A plain cdktf stack with a provider and a build context over it, as the workload stack would
 * give it; `refs` are provided first (what other sections would), and any field of the context
 * may be replaced.
 */
export function testWorkloadContext(
  opts: Partial<Omit<WorkloadBuildContext, 'provide' | 'lookup'>> & {
    readonly publicTasks?: boolean;
    readonly refs?: readonly WorkloadResourceRef[];
  } = {},
): TestWorkloadContext {
  const { publicTasks, refs, ...over } = opts;
  const env = over.env ?? testWorkloadEnvironment();
  const workload = over.workload ?? 'shop';
  const stack = new TerraformStack(Testing.app(), 'test');
  // Tagged like a workload stack: the sweep and the guardrails rely on both tags.
  new AwsProvider(stack, 'aws', {
    region: env.region,
    defaultTags: [{ tags: standardTags(env.name, workload) }],
  });
  const provided = new Map<string, WorkloadResourceRef>();
  const key = (kind: WorkloadRefKind, name: string) => `${kind}/${name}`;
  const ctx: TestWorkloadContext = {
    scope: stack,
    nameParts: { prefix: env.prefix, env: env.name, project: workload },
    network: {
      vpcId: 'vpc-0123456789abcdef0',
      vpcCidr: '10.0.0.0/16',
      privateSubnetIds: ['subnet-private-a', 'subnet-private-b'],
      publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
      publicTasks: publicTasks ?? false,
    },
    cluster: {
      name: `${env.prefix}-${env.name}`,
      arn: `arn:aws:ecs:${env.region}:${env.accountId}:cluster/${env.prefix}-${env.name}`,
    },
    permissionsBoundary: `arn:aws:iam::${env.accountId}:policy/${env.prefix}-${env.name}-boundary`,
    ...over,
    env,
    workload,
    stack,
    provided,
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
  for (const r of refs ?? []) ctx.provide(r);
  return ctx;
}

/** A development environment for builder tests, in another region than the default. */
export const TEST_ENV: Environment = testWorkloadEnvironment({ region: 'eu-west-1' });

/** A network like the environment's, with literal ids and route tables. */
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
  readonly provided: ReadonlyMap<string, WorkloadResourceRef>;
  /** A provided value as it appears in the synthesised JSON (`${aws_s3_bucket.x.arn}`). */
  resolve<T>(value: T): T;
}

/** {@link testWorkloadContext} in {@link TEST_ENV} on {@link TEST_NETWORK}, with a token resolver. */
export function testBuild(
  over: Partial<Omit<WorkloadBuildContext, 'provide' | 'lookup'>> = {},
): TestBuild {
  const ctx = testWorkloadContext({ network: TEST_NETWORK, ...over, env: over.env ?? TEST_ENV });
  return {
    stack: ctx.stack,
    ctx,
    provided: ctx.provided,
    resolve: (value) =>
      Tokenization.resolve(value, {
        scope: ctx.stack,
        preparing: false,
        resolver: new DefaultTokenResolver(new StringConcat()),
      }),
  };
}
