import { EcsCluster as AwsEcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/** Props of {@link EcsCluster}. */
export interface EcsClusterProps extends TerraformMetaArguments {
  /** Cluster name (build it with core's `resourceName('ecsCluster', ...)`). */
  readonly name: string;
  /** CloudWatch Container Insights (per-task CPU, memory, network metrics). @default true */
  readonly containerInsights?: boolean;
  /**
   * Associate the FARGATE_SPOT capacity provider so services may choose Spot (about 70% cheaper,
   * interruptible). FARGATE is always associated and is the default strategy.
   * @default true
   */
  readonly enableFargateSpot?: boolean;
}

/** The environment's ECS cluster: Container Insights on, Fargate (and optionally Spot) capacity. */
export class EcsCluster extends Construct {
  readonly cluster: AwsEcsCluster;
  readonly capacityProviders: EcsClusterCapacityProviders;
  readonly clusterName: string;
  readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    this.cluster = new AwsEcsCluster(this, 'Resource', {
      ...meta,
      name: props.name,
      setting: [
        {
          name: 'containerInsights',
          value: (props.containerInsights ?? true) ? 'enabled' : 'disabled',
        },
      ],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.capacityProviders = new EcsClusterCapacityProviders(this, 'CapacityProviders', {
      ...meta,
      clusterName: this.cluster.name,
      capacityProviders:
        (props.enableFargateSpot ?? true) ? ['FARGATE', 'FARGATE_SPOT'] : ['FARGATE'],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }],
    });
  }
}
