import {
  albAccessLogBucketName,
  albAccessLogPrefix,
  ecsClusterName,
  ENV_OUTPUT,
  Environment,
  environmentStateKey,
  resourceName,
  serviceDiscoveryNamespaceName,
  stateBackendNames,
  StandardTagsAspect,
  standardTags,
} from '@automock/core';
import { AccessLogBucket, EcsCluster, SharedAlb } from '@automock/ecs-service';
import { Network } from '@automock/network';
import { Reaper } from '@automock/ttl-cleanup';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { ServiceDiscoveryPrivateDnsNamespace } from '@cdktf/provider-aws/lib/service-discovery-private-dns-namespace';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Aspects } from 'cdktf';
import { Construct } from 'constructs';
import { AutomockStack, StateOptions } from './automock-stack';
import { exportEnvOutput } from './environment-outputs';
import { notificationKey } from './notification-key';
import { awsProvider, environmentBoundaryArn } from './providers';

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
  /** Customer managed key of the notification topics (CloudWatch alarms may use it). */
  readonly notificationKey: KmsKey;
  /** ALB access-log bucket, when the environment keeps access logs. */
  readonly accessLogBucket?: AccessLogBucket;
  readonly cluster: EcsCluster;
  /** Cloud Map private DNS namespace of the environment's internal workload services. */
  readonly serviceDiscoveryNamespace: ServiceDiscoveryPrivateDnsNamespace;
  readonly sharedAlb: SharedAlb;
  readonly reaper: Reaper;

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
    // Created by the bootstrap stack; the CI apply role may create roles with no other.
    const permissionsBoundary = environmentBoundaryArn(env);

    this.network = new Network(this, 'network', {
      prefix: env.prefix,
      env: env.name,
      cidr: env.vpcCidr,
      azCount: env.azCount,
      nat: env.nat,
      flowLogs: { enabled: env.flowLogs, retentionDays: env.logRetentionDays },
      databaseSubnets: env.databaseSubnets,
      permissionsBoundary,
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
    exportEnvOutput(
      this,
      ENV_OUTPUT.privateRouteTableIds,
      this.network.privateRouteTableIds,
      'Private route table ids, one per AZ',
    );
    // Only with the tier: an environment without it keeps its outputs (and plan) unchanged.
    if (this.network.databaseSubnetGroupName !== undefined) {
      exportEnvOutput(
        this,
        ENV_OUTPUT.databaseSubnetIds,
        this.network.databaseSubnetIds,
        'Database subnet ids, one per AZ',
      );
      exportEnvOutput(
        this,
        ENV_OUTPUT.databaseSubnetGroupName,
        this.network.databaseSubnetGroupName,
        'RDS DB subnet group of the database subnets',
      );
    }

    this.notificationKey = notificationKey(this, env);
    exportEnvOutput(
      this,
      ENV_OUTPUT.notificationKeyArn,
      this.notificationKey.arn,
      'KMS key of the notification topics',
    );
    this.notificationTopic = new SnsTopic(this, 'notifications', {
      name: resourceName('snsTopic', { ...parts, kind: 'notifications' }),
      kmsMasterKeyId: this.notificationKey.arn,
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

    // One cluster and one shared ALB for every project: a project then adds only listener rules or
    // a port to the ALB, which is cheaper and faster to create than an ALB of its own.
    this.cluster = new EcsCluster(this, 'cluster', {
      name: ecsClusterName(env.prefix, env.name),
      enableFargateSpot: true,
    });
    // One private DNS namespace per environment: workloads' internal services register in it, so
    // they find each other by name (a namespace per workload would mean a hosted zone each).
    this.serviceDiscoveryNamespace = new ServiceDiscoveryPrivateDnsNamespace(
      this,
      'service-discovery',
      {
        name: serviceDiscoveryNamespaceName(env.prefix, env.name),
        description: `Internal services of environment ${env.name}`,
        vpc: this.network.vpcId,
      },
    );
    exportEnvOutput(
      this,
      ENV_OUTPUT.serviceDiscoveryNamespaceId,
      this.serviceDiscoveryNamespace.id,
      'Cloud Map private DNS namespace id',
    );
    exportEnvOutput(
      this,
      ENV_OUTPUT.serviceDiscoveryNamespaceName,
      this.serviceDiscoveryNamespace.name,
      'Cloud Map private DNS namespace name',
    );
    exportEnvOutput(this, ENV_OUTPUT.clusterName, this.cluster.clusterName, 'ECS cluster name');
    exportEnvOutput(this, ENV_OUTPUT.clusterArn, this.cluster.clusterArn, 'ECS cluster ARN');
    if (env.albAccessLogs) {
      this.accessLogBucket = new AccessLogBucket(this, 'alb-access-logs', {
        bucketName: albAccessLogBucketName(env.prefix, env.name, env.accountId),
        accountId: env.accountId,
        region: env.region,
        retentionDays: env.logRetentionDays,
        forceDestroy: !env.deletionProtection,
      });
    }
    this.sharedAlb = new SharedAlb(this, 'shared-alb', {
      name: resourceName('alb', { ...parts, kind: 'shared' }),
      securityGroupName: resourceName('securityGroup', { ...parts, kind: 'shared-alb' }),
      vpcId: this.network.vpcId,
      vpcCidr: env.vpcCidr,
      publicSubnetIds: this.network.publicSubnetIds,
      domain: env.domain,
      deletionProtection: env.deletionProtection,
      accessLogs: this.accessLogBucket
        ? { bucket: this.accessLogBucket.bucketName, prefix: albAccessLogPrefix() }
        : undefined,
    });
    exportEnvOutput(this, ENV_OUTPUT.albArn, this.sharedAlb.albArn, 'Shared ALB ARN');
    exportEnvOutput(this, ENV_OUTPUT.albDnsName, this.sharedAlb.dnsName, 'Shared ALB DNS name');
    exportEnvOutput(this, ENV_OUTPUT.albZoneId, this.sharedAlb.zoneId, 'Shared ALB hosted zone id');
    exportEnvOutput(
      this,
      ENV_OUTPUT.albSecurityGroupId,
      this.sharedAlb.securityGroupId,
      'Shared ALB security group id',
    );
    exportEnvOutput(
      this,
      ENV_OUTPUT.httpListenerArn,
      this.sharedAlb.httpListener.arn,
      'Shared ALB HTTP listener ARN',
    );
    // Always exported (empty without a domain) so the set of outputs never depends on config.
    exportEnvOutput(
      this,
      ENV_OUTPUT.httpsListenerArn,
      this.sharedAlb.httpsListener?.arn ?? '',
      'Shared ALB HTTPS listener ARN (empty without a domain)',
    );

    // TTL reaper. The destroyer task needs egress to download the AWS provider: public
    // subnets with a public IP in public placement (or when there is no NAT), else private
    // subnets behind the NAT.
    const backend = stateBackendNames(env.prefix, env.accountId, env.region);
    const publicEgress = env.taskPlacement === 'public' || env.nat === 'none';
    this.reaper = new Reaper(this, 'reaper', {
      prefix: env.prefix,
      env: env.name,
      accountId: env.accountId,
      region: env.region,
      stateBucketName: backend.bucket,
      lockTableName: backend.lockTable,
      registryTableName: backend.registryTable,
      notificationTopicArn: this.notificationTopic.arn,
      notificationTopicKeyArn: this.notificationKey.arn,
      warningMinutes: env.expiryWarningMinutes,
      logRetentionDays: env.logRetentionDays,
      permissionsBoundary,
      destroyer: {
        clusterArn: this.cluster.clusterArn,
        clusterName: this.cluster.clusterName,
        vpcId: this.network.vpcId,
        subnetIds: publicEgress ? this.network.publicSubnetIds : this.network.privateSubnetIds,
        assignPublicIp: publicEgress,
        images: {
          node: env.images.destroyerNode,
          terraform: env.images.destroyerTerraform,
          awsCli: env.images.destroyerAwsCli,
        },
      },
    });
    exportEnvOutput(
      this,
      ENV_OUTPUT.reaperFunctionName,
      this.reaper.function.functionName,
      'TTL reaper Lambda (invoke it to run a reaper pass now)',
    );
    exportEnvOutput(
      this,
      ENV_OUTPUT.reaperDeadLetterQueueUrl,
      this.reaper.deadLetterQueue.url,
      'Queue receiving failed reaper runs',
    );
    exportEnvOutput(
      this,
      ENV_OUTPUT.destroyerTaskDefinitionFamily,
      this.reaper.destroyerTaskDefinition!.family,
      'Task definition family of the terraform-destroy task',
    );
  }
}
