import { parseWorkloadReferences } from '@automock/core';
import type { WorkloadBuildContext } from './section-builder';

/**
 * Replaces the `${...}` references of a workload string (core's `parseWorkloadReferences`,
 * checked when the workload was defined) with the values, or Terraform references, they name.
 * A list value (subnet ids) stands alone, so it is returned as a list.
 */
export function resolveWorkloadString(ctx: WorkloadBuildContext, value: string): string | string[] {
  const refs = parseWorkloadReferences(value);
  if (refs.length === 1 && refs[0]!.text === value && refs[0]!.type === 'context') {
    const list = contextList(ctx, refs[0]!.value);
    if (list) return list;
  }
  let out = value;
  for (const r of refs) {
    let v: string;
    if (r.type === 'context') {
      v = contextValue(ctx, r.value);
    } else {
      const ref = ctx.lookup(r.kind, r.name);
      const attr = r.attribute === 'arn' ? ref.arn : ref.attributes?.[r.attribute];
      if (attr === undefined || attr === '')
        throw new Error(
          `workload ${ctx.workload}: ${r.kind} ${JSON.stringify(r.name)} has no ${r.attribute} (${r.text})`,
        );
      v = attr;
    }
    out = out.replace(r.text, () => v);
  }
  return out;
}

/** {@link resolveWorkloadString} where only a string fits (an environment variable). */
export function resolveWorkloadText(ctx: WorkloadBuildContext, value: string): string {
  const v = resolveWorkloadString(ctx, value);
  if (Array.isArray(v)) throw new Error(`workload ${ctx.workload}: ${value} is a list`);
  return v;
}

function contextList(ctx: WorkloadBuildContext, name: string): string[] | undefined {
  if (name === 'network:privateSubnetIds') return ctx.network.privateSubnetIds;
  if (name === 'network:publicSubnetIds') return ctx.network.publicSubnetIds;
  return undefined;
}

function contextValue(ctx: WorkloadBuildContext, name: string): string {
  switch (name) {
    case 'aws:region':
      return ctx.env.region;
    case 'aws:accountId':
      return ctx.env.accountId;
    case 'env:name':
      return ctx.env.name;
    case 'cluster:name':
      return ctx.cluster.name;
    case 'cluster:arn':
      return ctx.cluster.arn;
    case 'network:vpcId':
      return ctx.network.vpcId;
    // issue 14: the environment's Cloud Map namespace, whose ARN Cloud Map builds from its id
    case 'cloudMap:namespaceArn':
    case 'cloudMap:namespaceName': {
      const ns = ctx.serviceDiscoveryNamespace;
      if (!ns)
        throw new Error(`workload ${ctx.workload}: \${${name}}: no Cloud Map namespace is given`);
      return name === 'cloudMap:namespaceName'
        ? ns.name
        : `arn:aws:servicediscovery:${ctx.env.region}:${ctx.env.accountId}:namespace/${ns.id}`;
    }
    default:
      throw new Error(`workload ${ctx.workload}: \${${name}} cannot stand inside a string`);
  }
}
