import { resourceName } from './naming';

/**
 * What the stacks promise the CLI, the registry and each other: output names and the names of
 * resources found by name. Deployed stacks and the CLI that reads them may come from different
 * versions, so renaming anything here breaks what is already deployed. Core, because the CLI and
 * the reaper Lambda import it without loading cdktf.
 */

/**
 * Output names every environment stack exports, and that project stacks read through remote
 * state. Fixed outputs (rather than cdktf's automatic cross-stack references) keep the
 * environment stack unchanged when an ephemeral project comes or goes.
 */
export const ENV_OUTPUT = {
  vpcId: 'vpc_id',
  vpcCidr: 'vpc_cidr',
  publicSubnetIds: 'public_subnet_ids',
  privateSubnetIds: 'private_subnet_ids',
  /** Route tables of the private subnets, one per AZ (a workload's gateway endpoints). */
  privateRouteTableIds: 'private_route_table_ids',
  /** Only when the environment has `databaseSubnets`: the database tier's subnets, one per AZ. */
  databaseSubnetIds: 'database_subnet_ids',
  /** Only when the environment has `databaseSubnets`: its RDS DB subnet group. */
  databaseSubnetGroupName: 'database_subnet_group_name',
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
  /** The Cloud Map private DNS namespace internal workload services register in. */
  serviceDiscoveryNamespaceId: 'service_discovery_namespace_id',
  serviceDiscoveryNamespaceName: 'service_discovery_namespace_name',
} as const;

export type EnvOutputName = (typeof ENV_OUTPUT)[keyof typeof ENV_OUTPUT];

/** Output names of a project stack; `automock deploy` records them in the registry and reads them back. */
export const PROJECT_OUTPUT = {
  url: 'mockserver_url',
  dashboardUrl: 'dashboard_url',
  clusterName: 'cluster_name',
  serviceName: 'service_name',
  logGroups: 'log_group_names',
  configBucket: 'config_bucket',
  controlPlaneSecret: 'control_plane_secret_name',
  /** The project's CloudWatch dashboard in the AWS console (not MockServer's own dashboard). */
  metricsDashboardUrl: 'cloudwatch_dashboard_url',
  /** Only when the deployer gave an address: the project's topic (the reaper notifies it too). */
  notificationTopic: 'notification_topic_arn',
} as const;

export type ProjectOutputName = (typeof PROJECT_OUTPUT)[keyof typeof PROJECT_OUTPUT];

/**
 * DNS name of an environment's Cloud Map private namespace (`dev.automock.internal`): internal
 * workload services answer at `<service>-<workload>.<namespace>` inside the VPC.
 */
export function serviceDiscoveryNamespaceName(prefix: string, env: string): string {
  return `${env}.${prefix}.internal`;
}

/** Name of an environment's ECS cluster, which its projects' services run in. */
export function ecsClusterName(prefix: string, env: string): string {
  return resourceName('ecsCluster', { prefix, env });
}

/** The service name a project's MockServer runs under (ecs-service's `MockServerService`). */
export const MOCKSERVER_SERVICE = 'mockserver';

/** ECS service name of a project's service `service`, e.g. {@link MOCKSERVER_SERVICE}. */
export function ecsServiceName(
  prefix: string,
  env: string,
  project: string,
  service: string,
): string {
  return resourceName('ecsService', { prefix, env, project, kind: service });
}

/** Name of a project's config bucket (s3-config's `ConfigBucket`); the account makes it globally unique. */
export function configBucketName(
  prefix: string,
  env: string,
  project: string,
  accountId: string,
): string {
  return resourceName('s3Bucket', { prefix, env, project, kind: `config-${accountId}` });
}

/** Name of a project's CloudWatch dashboard (ecs-service's `ServiceDashboard`). */
export function projectDashboardName(prefix: string, env: string, project: string): string {
  return resourceName('dashboard', { prefix, env, project });
}

/**
 * The AWS console page of a CloudWatch dashboard. Dashboards are global; `region` is the console
 * region the page opens in (the region of the dashboard's metrics).
 */
export function cloudwatchDashboardUrl(region: string, dashboardName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${encodeURIComponent(dashboardName)}`;
}
