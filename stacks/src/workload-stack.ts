import {
  ENV_OUTPUT,
  Environment,
  resourceName,
  stateBackendNames,
  StandardTagsAspect,
  standardTags,
  Workload,
  WorkloadRefKind,
  WorkloadResourceRef,
  workloadStateKey,
} from '@automock/core';
import { EcsCluster } from '@automock/ecs-service';
import { Network } from '@automock/network';
import { Aspects } from 'cdktf';
import { Construct } from 'constructs';
import { AutomockStack, StateOptions } from './automock-stack';
import { EnvironmentOutputs } from './environment-outputs';
import { awsProvider, environmentBoundaryArn } from './providers';
import { WORKLOAD_BUILDERS } from './workload/builders';
import type {
  WorkloadBuildContext,
  WorkloadNameParts,
  WorkloadNetwork,
  WorkloadSectionBuilder,
} from './workload/section-builder';

export interface WorkloadStackProps extends StateOptions {
  /** The validated workload (core's `defineWorkload` / `loadWorkloadYaml`); carries its environment. */
  readonly workload: Workload;
  /** The builders of the sections the workload may hold. @default WORKLOAD_BUILDERS */
  readonly builders?: readonly WorkloadSectionBuilder[];
}

/**
 * The resources sections offer each other while a workload stack is built: one per kind and name.
 * A second `provide` of the same, or a `lookup` of one never provided, is a bug in a builder or
 * in the order of builders (validation has already refused references to nothing), so both throw.
 */
export class WorkloadResources {
  private readonly refs = new Map<string, WorkloadResourceRef>();

  constructor(private readonly stack: string) {}

  provide(ref: WorkloadResourceRef): void {
    const key = `${ref.kind}\0${ref.name}`;
    if (this.refs.has(key))
      throw new Error(`${this.stack}: ${ref.kind} ${JSON.stringify(ref.name)} is provided twice`);
    this.refs.set(key, ref);
  }

  lookup(kind: WorkloadRefKind, name: string): WorkloadResourceRef {
    const ref = this.refs.get(`${kind}\0${name}`);
    if (!ref)
      throw new Error(
        `${this.stack}: no ${kind} ${JSON.stringify(name)} was provided (is its section built before the one looking it up?)`,
      );
    return ref;
  }
}

/**
 * A workload's stack, `<env>-<workload>`: on the environment's network and ECS cluster (read from
 * its outputs, like a project's) or, with `network: dedicated`, on a network and cluster of its
 * own; every section the workload declares is built by its registered builder, in ascending
 * order. Tagged like a project (`automock:project` is the workload's name), so the sweep, the
 * reaper and the registry treat its resources alike.
 */
export class WorkloadStack extends AutomockStack {
  readonly environment: Environment;
  readonly workload: Workload;
  /** The workload's own network, with `network: dedicated`. */
  readonly network?: Network;
  /** The workload's own ECS cluster, with `network: dedicated`. */
  readonly cluster?: EcsCluster;
  /** What the builders were given. */
  readonly buildContext: WorkloadBuildContext;

  constructor(scope: Construct, props: WorkloadStackProps) {
    const w = props.workload;
    const env = w.env;
    super(
      scope,
      `${env.name}-${w.name}`,
      {
        kind: 'workload',
        environment: env.name,
        workload: w.name,
        region: env.region,
        accountId: env.accountId,
        backendKey: workloadStateKey(env.name, w.name),
      },
      stateBackendNames(env.prefix, env.accountId, env.region),
      props,
    );
    this.environment = env;
    this.workload = w;
    awsProvider(this, env, w.name);
    Aspects.of(this).add(
      new StandardTagsAspect(standardTags(env.name, w.name, { ...env.tags, ...w.tags })),
    );
    const nameParts: WorkloadNameParts = { prefix: env.prefix, env: env.name, project: w.name };
    const boundary = environmentBoundaryArn(env);
    const publicTasks = env.taskPlacement === 'public';

    let network: WorkloadNetwork;
    let cluster: { name: string; arn: string };
    let shared: Pick<
      WorkloadBuildContext,
      'sharedAlb' | 'serviceDiscoveryNamespace' | 'notificationKeyArn'
    > = {};
    if (w.network === 'dedicated') {
      this.network = new Network(this, 'network', {
        prefix: env.prefix,
        env: `${env.name}-${w.name}`,
        cidr: env.vpcCidr,
        azCount: env.azCount,
        nat: publicTasks ? 'none' : env.nat,
        flowLogs: { enabled: env.flowLogs, retentionDays: env.logRetentionDays },
        databaseSubnets: env.databaseSubnets,
        permissionsBoundary: boundary,
      });
      this.cluster = new EcsCluster(this, 'cluster', {
        name: resourceName('ecsCluster', nameParts),
        enableFargateSpot: true,
      });
      network = {
        vpcId: this.network.vpcId,
        vpcCidr: env.vpcCidr,
        privateSubnetIds: this.network.privateSubnetIds,
        publicSubnetIds: this.network.publicSubnetIds,
        publicTasks,
        ...(this.network.databaseSubnetGroupName !== undefined && {
          databaseSubnetIds: this.network.databaseSubnetIds,
          databaseSubnetGroupName: this.network.databaseSubnetGroupName,
        }),
      };
      cluster = { name: this.cluster.clusterName, arn: this.cluster.clusterArn };
    } else {
      const envOut = new EnvironmentOutputs(this, 'environment', env);
      network = {
        vpcId: envOut.string(ENV_OUTPUT.vpcId),
        vpcCidr: env.vpcCidr,
        privateSubnetIds: envOut.list(ENV_OUTPUT.privateSubnetIds),
        publicSubnetIds: envOut.list(ENV_OUTPUT.publicSubnetIds),
        publicTasks,
        privateRouteTableIds: envOut.list(ENV_OUTPUT.privateRouteTableIds),
        // The environment's Network has these gateway endpoints on its private route tables.
        gatewayEndpointServices: ['s3', 'dynamodb'],
        // The outputs exist only when the environment has the database tier.
        ...(env.databaseSubnets && {
          databaseSubnetIds: envOut.list(ENV_OUTPUT.databaseSubnetIds),
          databaseSubnetGroupName: envOut.string(ENV_OUTPUT.databaseSubnetGroupName),
        }),
      };
      cluster = {
        name: envOut.string(ENV_OUTPUT.clusterName),
        arn: envOut.string(ENV_OUTPUT.clusterArn),
      };
      // Each is a remote-state reference, which appears in the JSON only where a builder uses it.
      shared = {
        sharedAlb: {
          arn: envOut.string(ENV_OUTPUT.albArn),
          securityGroupId: envOut.string(ENV_OUTPUT.albSecurityGroupId),
          // The HTTPS listener when the environment has a domain (HTTP then only redirects).
          listenerArn: envOut.string(
            env.domain ? ENV_OUTPUT.httpsListenerArn : ENV_OUTPUT.httpListenerArn,
          ),
          listenerProtocol: env.domain ? 'HTTPS' : 'HTTP',
        },
        serviceDiscoveryNamespace: {
          id: envOut.string(ENV_OUTPUT.serviceDiscoveryNamespaceId),
          name: envOut.string(ENV_OUTPUT.serviceDiscoveryNamespaceName),
        },
        notificationKeyArn: envOut.string(ENV_OUTPUT.notificationKeyArn),
      };
    }

    const resources = new WorkloadResources(this.node.id);
    this.buildContext = {
      scope: this,
      env,
      workload: w.name,
      nameParts,
      network,
      cluster,
      permissionsBoundary: boundary,
      ephemeral: w.ephemeral,
      sections: w.sections,
      ...shared,
      provide: (ref) => resources.provide(ref),
      lookup: (kind, name) => resources.lookup(kind, name),
    };
    const builders = props.builders ?? WORKLOAD_BUILDERS;
    const present = Object.keys(w.sections);
    const missing = present.filter((k) => !builders.some((b) => b.key === k));
    if (missing.length > 0)
      throw new Error(
        `${this.node.id}: no builder is registered for section(s) ${missing.join(', ')} (stacks/src/workload/builders.ts)`,
      );
    // Stable for equal orders: registry order breaks ties.
    const ordered = builders
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => present.includes(b.key))
      .sort((x, y) => x.b.order - y.b.order || x.i - y.i);
    for (const { b } of ordered) b.build(w.sections[b.key], this.buildContext);
  }
}
