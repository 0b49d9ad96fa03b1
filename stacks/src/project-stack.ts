import {
  albAccessLogBucketName,
  albAccessLogPrefix,
  cloudwatchDashboardUrl,
  CONTROL_PLANE_HEADER,
  controlPlaneSecretName,
  ENV_OUTPUT,
  Environment,
  Project,
  PROJECT_OUTPUT,
  projectDashboardName,
  projectStateKey,
  resourceName,
  stateBackendNames,
  StandardTagsAspect,
  standardTags,
} from '@automock/core';
import {
  CONFIG_LOADER_CONTAINER,
  MOCKSERVER_CONTAINER,
  MockServerService,
  MockServerSharedAlb,
  mockServerLogQueries,
  SavedLogQueries,
  ServiceDashboard,
} from '@automock/ecs-service';
import { Network } from '@automock/network';
import { ConfigBucket } from '@automock/s3-config';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Aspects, Fn, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { AutomockStack, StateOptions } from './automock-stack';
import { EnvironmentOutputs } from './environment-outputs';
import { awsProvider, environmentBoundaryArn } from './providers';

export interface ProjectStackProps extends StateOptions {
  /** The validated project (core's `defineProject`); carries its environment. */
  readonly project: Project;
}

/** The environment's shared ALB, from its outputs (references that appear only where used). */
function sharedAlb(envOut: EnvironmentOutputs): MockServerSharedAlb {
  const albArn = envOut.string(ENV_OUTPUT.albArn);
  return {
    albArn,
    // `app/<name>/<id>` is what CloudWatch dimensions use.
    albArnSuffix: Fn.element(Fn.split('loadbalancer/', albArn), 1),
    albSecurityGroupId: envOut.string(ENV_OUTPUT.albSecurityGroupId),
    albDnsName: envOut.string(ENV_OUTPUT.albDnsName),
    albZoneId: envOut.string(ENV_OUTPUT.albZoneId),
    httpsListenerArn: envOut.string(ENV_OUTPUT.httpsListenerArn),
  };
}

/**
 * A project's stack, `<env>-<project>`: its config bucket and MockServer service, attached to
 * the environment's shared ALB or (isolation `dedicated`) with a network and ALB of its own. It
 * reads the environment's outputs from remote state, so adding or removing a project never
 * changes the environment stack.
 */
export class ProjectStack extends AutomockStack {
  readonly environment: Environment;
  readonly project: Project;
  readonly configBucket: ConfigBucket;
  readonly mockServer: MockServerService;
  readonly network?: Network;
  /** The project's CloudWatch dashboard (requests, 5XX, latency, CPU, memory, tasks). */
  readonly dashboard: ServiceDashboard;
  /** The project's saved Logs Insights queries. */
  readonly logQueries: SavedLogQueries;

  constructor(scope: Construct, props: ProjectStackProps) {
    const p = props.project;
    const env = p.env;
    super(
      scope,
      `${env.name}-${p.name}`,
      {
        kind: 'project',
        environment: env.name,
        project: p.name,
        region: env.region,
        accountId: env.accountId,
        backendKey: projectStateKey(env.name, p.name),
      },
      stateBackendNames(env.prefix, env.accountId, env.region),
      props,
    );
    this.environment = env;
    this.project = p;
    awsProvider(this, env, p.name);
    Aspects.of(this).add(new StandardTagsAspect(standardTags(env.name, p.name, env.tags)));
    const parts = { prefix: env.prefix, env: env.name, project: p.name };

    const envOut = new EnvironmentOutputs(this, 'environment', env);
    const dedicated = p.routing.kind === 'dedicated';
    if (dedicated) {
      this.network = new Network(this, 'network', {
        prefix: env.prefix,
        env: `${env.name}-${p.name}`,
        cidr: env.vpcCidr,
        azCount: env.azCount,
        nat: env.taskPlacement === 'public' ? 'none' : env.nat,
        flowLogs: { enabled: env.flowLogs, retentionDays: env.logRetentionDays },
        permissionsBoundary: environmentBoundaryArn(env),
      });
    }
    const vpcId = this.network?.vpcId ?? envOut.string(ENV_OUTPUT.vpcId);
    const publicSubnets = this.network?.publicSubnetIds ?? envOut.list(ENV_OUTPUT.publicSubnetIds);
    const privateSubnets =
      this.network?.privateSubnetIds ?? envOut.list(ENV_OUTPUT.privateSubnetIds);
    const publicTasks = env.taskPlacement === 'public';

    this.configBucket = new ConfigBucket(this, 'config', {
      ...parts,
      accountId: env.accountId,
      expectations: p.expectations,
      ephemeral: p.ephemeral,
      metadata: {
        ttlHours: p.ttlHours,
        createdAt: p.createdAt,
        expiresAt: p.expiresAt,
        sizeName: p.sizeName,
        size: p.size,
      },
    });

    const topics = [envOut.string(ENV_OUTPUT.notificationTopicArn)];
    let projectTopic: SnsTopic | undefined;
    if (p.notificationEmail) {
      const topic = (projectTopic = new SnsTopic(this, 'notifications', {
        name: resourceName('snsTopic', { ...parts, kind: 'alarms' }),
        kmsMasterKeyId: envOut.string(ENV_OUTPUT.notificationKeyArn),
      }));
      new SnsTopicSubscription(this, 'notification-email', {
        topicArn: topic.arn,
        protocol: 'email',
        endpoint: p.notificationEmail,
      });
      topics.push(topic.arn);
    }

    this.mockServer = new MockServerService(this, 'mockserver', {
      ...parts,
      region: env.region,
      clusterName: envOut.string(ENV_OUTPUT.clusterName),
      clusterArn: envOut.string(ENV_OUTPUT.clusterArn),
      vpcId,
      subnetIds: publicTasks ? publicSubnets : privateSubnets,
      assignPublicIp: publicTasks,
      size: p.size,
      logRetentionDays: env.logRetentionDays,
      minTasks: p.minTasks,
      maxTasks: p.maxTasks,
      capacity: p.capacity,
      image: env.images.mockserver,
      configLoaderImage: env.images.configLoader,
      controlPlane: { secretName: controlPlaneSecretName(env.prefix, env.name, p.name) },
      routing: p.routing,
      access: p.access,
      environment: p.environment,
      secrets: p.secrets,
      alarmTopicArns: topics,
      permissionsBoundary: environmentBoundaryArn(env),
      config: {
        bucketName: this.configBucket.bucketName,
        expectationsKey: this.configBucket.expectationsKey,
        readableObjectArns: this.configBucket.readableObjectArns,
        version: this.configBucket.expectations.hash,
        dependables: [this.configBucket.expectationsObject],
      },
      ...(dedicated
        ? {
            dedicatedAlb: {
              publicSubnetIds: publicSubnets,
              vpcCidr: env.vpcCidr,
              deletionProtection: env.deletionProtection && !p.ephemeral,
              accessLogs: env.albAccessLogs
                ? {
                    bucket: albAccessLogBucketName(env.prefix, env.name, env.accountId),
                    prefix: albAccessLogPrefix(p.name),
                  }
                : undefined,
            },
          }
        : { sharedAlb: sharedAlb(envOut) }),
    });
    this.configBucket.grantRead(this.mockServer.fargate.taskRole.arn);

    const logGroups = this.mockServer.fargate.logGroupNames;
    const queries = mockServerLogQueries({
      mockserver: logGroups[MOCKSERVER_CONTAINER]!,
      configLoader: logGroups[CONFIG_LOADER_CONTAINER]!,
    });
    this.dashboard = new ServiceDashboard(this, 'dashboard', {
      dashboardName: projectDashboardName(env.prefix, env.name, p.name),
      region: env.region,
      clusterName: envOut.string(ENV_OUTPUT.clusterName),
      serviceName: this.mockServer.fargate.serviceName,
      loadBalancerArnSuffix: this.mockServer.loadBalancerArnSuffix,
      targetGroupArnSuffixes: {
        api: this.mockServer.apiTargetGroup.arnSuffix,
        control: this.mockServer.controlPlaneTargetGroup.arnSuffix,
      },
      includeLoadBalancer5xx: dedicated,
      logWidgets: [
        {
          title: 'Requests without a matching expectation',
          logGroupNames: queries.find((q) => q.key === 'unmatched')!.logGroupNames,
          query: queries.find((q) => q.key === 'unmatched')!.queryString,
        },
      ],
    });
    this.logQueries = new SavedLogQueries(this, 'log-queries', {
      namePrefix: resourceName('queryDefinition', parts),
      queries,
    });

    const out = (name: string, value: unknown, description: string) =>
      new TerraformOutput(this, name, { value, description });
    out(PROJECT_OUTPUT.url, this.mockServer.url, 'MockServer base URL');
    out(PROJECT_OUTPUT.dashboardUrl, this.mockServer.dashboardUrl, 'MockServer dashboard URL');
    out(
      PROJECT_OUTPUT.metricsDashboardUrl,
      cloudwatchDashboardUrl(env.region, this.dashboard.dashboardName),
      'CloudWatch dashboard: requests, 5XX, latency, CPU, memory, tasks',
    );
    out(PROJECT_OUTPUT.clusterName, envOut.string(ENV_OUTPUT.clusterName), 'ECS cluster');
    out(PROJECT_OUTPUT.serviceName, this.mockServer.fargate.serviceName, 'ECS service');
    out(PROJECT_OUTPUT.logGroups, this.mockServer.fargate.logGroupNames, 'Log groups by container');
    out(PROJECT_OUTPUT.configBucket, this.configBucket.bucketName, 'Config bucket');
    out(
      PROJECT_OUTPUT.controlPlaneSecret,
      this.mockServer.controlPlaneToken.secret.name,
      `Secrets Manager secret whose value goes in the ${CONTROL_PLANE_HEADER} header of /mockserver/* requests`,
    );
    if (projectTopic)
      out(
        PROJECT_OUTPUT.notificationTopic,
        projectTopic.arn,
        "The deployer's topic: alarms, expiry warnings and the teardown notice",
      );
  }
}
