import {
  Environment,
  environmentStateKey,
  resourceName,
  stateBackendNames,
  StandardTagsAspect,
  standardTags,
} from '@automock/core';
import { Network } from '@automock/network';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Aspects } from 'cdktf';
import { Construct } from 'constructs';
import { AutomockStack, StateOptions } from './automock-stack';
import { ENV_OUTPUT, exportEnvOutput } from './environment-outputs';
import { awsProvider } from './providers';

export interface EnvironmentStackProps extends StateOptions {
  /** The validated environment. */
  readonly environment: Environment;
}

/**
 * Everything an environment's projects share: network, notification topic, ECS cluster, shared
 * load balancer and the TTL reaper. Its outputs (see ENV_OUTPUT) are what project stacks read.
 */
export class EnvironmentStack extends AutomockStack {
  readonly environment: Environment;
  readonly network: Network;
  readonly notificationTopic: SnsTopic;

  constructor(scope: Construct, props: EnvironmentStackProps) {
    const env = props.environment;
    super(
      scope,
      env.name,
      {
        kind: 'environment',
        environment: env.name,
        region: env.region,
        accountId: env.accountId,
        backendKey: environmentStateKey(env.name),
      },
      stateBackendNames(env.prefix, env.accountId, env.region),
      props,
    );
    this.environment = env;
    awsProvider(this, env);
    Aspects.of(this).add(new StandardTagsAspect(standardTags(env.name, undefined, env.tags)));
    const parts = { prefix: env.prefix, env: env.name };

    this.network = new Network(this, 'network', {
      prefix: env.prefix,
      env: env.name,
      cidr: env.vpcCidr,
      azCount: env.azCount,
      nat: env.nat,
      flowLogs: { enabled: env.flowLogs, retentionDays: env.logRetentionDays },
    });
    exportEnvOutput(this, ENV_OUTPUT.vpcId, this.network.vpcId, 'VPC id');
    exportEnvOutput(this, ENV_OUTPUT.vpcCidr, env.vpcCidr, 'VPC CIDR');
    exportEnvOutput(
      this,
      ENV_OUTPUT.publicSubnetIds,
      this.network.publicSubnetIds,
      'Public subnet ids, one per AZ',
    );
    exportEnvOutput(
      this,
      ENV_OUTPUT.privateSubnetIds,
      this.network.privateSubnetIds,
      'Private subnet ids, one per AZ',
    );

    this.notificationTopic = new SnsTopic(this, 'notifications', {
      name: resourceName('snsTopic', { ...parts, kind: 'notifications' }),
    });
    if (env.notificationEmail) {
      new SnsTopicSubscription(this, 'notification-email', {
        topicArn: this.notificationTopic.arn,
        protocol: 'email',
        endpoint: env.notificationEmail,
      });
    }
    exportEnvOutput(
      this,
      ENV_OUTPUT.notificationTopicArn,
      this.notificationTopic.arn,
      'SNS topic for alarms and TTL warnings',
    );
  }
}
