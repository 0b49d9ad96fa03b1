import { defineEnvironment, Environment, WorkloadResourceRef } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import type { WorkloadBuildContext } from './section-builder';

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

/**
 * A workload build context over a fresh test stack, as the workload stack would give it, with
 * refs kept in a map (`refs`) so a test can pre-provide what other sections would.
 */
export function testWorkloadContext(
  over: Partial<WorkloadBuildContext> & { readonly refs?: readonly WorkloadResourceRef[] } = {},
): WorkloadBuildContext & {
  readonly stack: TerraformStack;
  readonly provided: Map<string, WorkloadResourceRef>;
} {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'dev-shop');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  const provided = new Map<string, WorkloadResourceRef>();
  for (const r of over.refs ?? []) provided.set(`${r.kind}/${r.name}`, r);
  const env = over.env ?? testWorkloadEnvironment();
  return {
    stack,
    provided,
    scope: stack,
    env,
    workload: 'shop',
    nameParts: { prefix: env.prefix, env: env.name, project: 'shop' },
    network: {
      vpcId: 'vpc-1',
      vpcCidr: '10.0.0.0/16',
      privateSubnetIds: ['subnet-priv-a', 'subnet-priv-b'],
      publicSubnetIds: ['subnet-pub-a', 'subnet-pub-b'],
      publicTasks: false,
    },
    cluster: {
      name: 'automock-dev',
      arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/automock-dev',
    },
    permissionsBoundary: 'arn:aws:iam::123456789012:policy/automock-dev-boundary',
    provide(ref) {
      const key = `${ref.kind}/${ref.name}`;
      if (provided.has(key)) throw new Error(`${key} provided twice`);
      provided.set(key, ref);
    },
    lookup(kind, name) {
      const ref = provided.get(`${kind}/${name}`);
      if (!ref) throw new Error(`no ${kind} ${name}`);
      return ref;
    },
    ...over,
  };
}
