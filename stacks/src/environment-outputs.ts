import { Environment, environmentStateKey, stateBackendNames } from '@automock/core';
import { DataTerraformRemoteStateS3, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Output names every environment stack exports, and that project stacks read through remote
 * state. They are a contract between deployed stacks: renaming one breaks projects already
 * deployed against it. Fixed outputs (rather than cdktf's automatic cross-stack references) keep
 * the environment stack unchanged when an ephemeral project comes or goes.
 */
export const ENV_OUTPUT = {
  vpcId: 'vpc_id',
  vpcCidr: 'vpc_cidr',
  publicSubnetIds: 'public_subnet_ids',
  privateSubnetIds: 'private_subnet_ids',
  notificationTopicArn: 'notification_topic_arn',
  notificationKeyArn: 'notification_key_arn',
  clusterName: 'cluster_name',
  clusterArn: 'cluster_arn',
  albArn: 'alb_arn',
  albDnsName: 'alb_dns_name',
  albZoneId: 'alb_zone_id',
  albSecurityGroupId: 'alb_security_group_id',
  httpListenerArn: 'http_listener_arn',
  httpsListenerArn: 'https_listener_arn',
  reaperFunctionName: 'reaper_function_name',
  reaperDeadLetterQueueUrl: 'reaper_dead_letter_queue_url',
  destroyerTaskDefinitionFamily: 'destroyer_task_definition_family',
} as const;

export type EnvOutputName = (typeof ENV_OUTPUT)[keyof typeof ENV_OUTPUT];

/** Declares one of the environment's contract outputs. */
export function exportEnvOutput(
  stack: TerraformStack,
  name: EnvOutputName,
  value: unknown,
  description: string,
): TerraformOutput {
  return new TerraformOutput(stack, name, { value, description });
}

/** Reads an environment stack's outputs from its remote state (same bucket, same region). */
export class EnvironmentOutputs extends Construct {
  private readonly state: DataTerraformRemoteStateS3;

  constructor(scope: Construct, id: string, env: Environment) {
    super(scope, id);
    const names = stateBackendNames(env.prefix, env.accountId, env.region);
    this.state = new DataTerraformRemoteStateS3(this, 'state', {
      bucket: names.bucket,
      key: environmentStateKey(env.name),
      region: env.region,
    });
  }

  /** A string output (token). */
  string(name: EnvOutputName): string {
    return this.state.getString(name);
  }

  /** A list output (token). */
  list(name: EnvOutputName): string[] {
    return this.state.getList(name);
  }
}
