import type {} from 'cdktf/lib/testing/adapters/jest';
import { EcsCluster as AwsEcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers';
import { Testing } from 'cdktf';
import { EcsCluster } from './EcsCluster';
import { testStack } from './testing/fixtures';

describe('EcsCluster', () => {
  it('turns Container Insights on and offers Fargate and Fargate Spot', () => {
    const stack = testStack();
    new EcsCluster(stack, 'Cluster', { name: 'automock-dev' });
    const raw = Testing.synth(stack);
    expect(raw).toHaveResourceWithProperties(AwsEcsCluster, {
      name: 'automock-dev',
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
    expect(raw).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      capacity_providers: ['FARGATE', 'FARGATE_SPOT'],
      default_capacity_provider_strategy: [{ capacity_provider: 'FARGATE', weight: 1, base: 0 }],
    });
  });

  it('can leave Spot out', () => {
    const stack = testStack();
    new EcsCluster(stack, 'Cluster', { name: 'c', enableFargateSpot: false });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      capacity_providers: ['FARGATE'],
    });
  });
});
