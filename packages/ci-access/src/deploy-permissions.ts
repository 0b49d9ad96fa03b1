import { PolicyDocument, PolicyStatement } from './policy-document';

/**
 * Write actions the apply role needs for what AutoMock's stacks create (network, ECS, load
 * balancers, config buckets, logs, alarms, autoscaling, DNS, certificates, the reaper). Reads come
 * from the ReadOnlyAccess managed policy. Every action is named: no `service:*` and no `*`.
 * When an apply fails with AccessDenied on an action that a new construct needs, add it here.
 */
export const DEPLOY_ACTIONS = {
  ec2: [
    'ec2:CreateVpc',
    'ec2:DeleteVpc',
    'ec2:ModifyVpcAttribute',
    'ec2:CreateSubnet',
    'ec2:DeleteSubnet',
    'ec2:ModifySubnetAttribute',
    'ec2:CreateInternetGateway',
    'ec2:DeleteInternetGateway',
    'ec2:AttachInternetGateway',
    'ec2:DetachInternetGateway',
    'ec2:AllocateAddress',
    'ec2:ReleaseAddress',
    'ec2:AssociateAddress',
    'ec2:DisassociateAddress',
    'ec2:CreateNatGateway',
    'ec2:DeleteNatGateway',
    'ec2:CreateRouteTable',
    'ec2:DeleteRouteTable',
    'ec2:AssociateRouteTable',
    'ec2:DisassociateRouteTable',
    'ec2:ReplaceRouteTableAssociation',
    'ec2:CreateRoute',
    'ec2:DeleteRoute',
    'ec2:ReplaceRoute',
    'ec2:CreateSecurityGroup',
    'ec2:DeleteSecurityGroup',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:AuthorizeSecurityGroupEgress',
    'ec2:RevokeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:ModifySecurityGroupRules',
    'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
    'ec2:UpdateSecurityGroupRuleDescriptionsEgress',
    'ec2:CreateVpcEndpoint',
    'ec2:DeleteVpcEndpoints',
    'ec2:ModifyVpcEndpoint',
    'ec2:CreateFlowLogs',
    'ec2:DeleteFlowLogs',
    'ec2:CreateTags',
    'ec2:DeleteTags',
  ],
  ecs: [
    'ecs:CreateCluster',
    'ecs:DeleteCluster',
    'ecs:UpdateCluster',
    'ecs:UpdateClusterSettings',
    'ecs:PutClusterCapacityProviders',
    'ecs:CreateService',
    'ecs:DeleteService',
    'ecs:UpdateService',
    'ecs:TagResource',
    'ecs:UntagResource',
    'ecs:RunTask',
    'ecs:StopTask',
  ],
  elasticloadbalancing: [
    'elasticloadbalancing:CreateLoadBalancer',
    'elasticloadbalancing:DeleteLoadBalancer',
    'elasticloadbalancing:ModifyLoadBalancerAttributes',
    'elasticloadbalancing:SetSecurityGroups',
    'elasticloadbalancing:SetSubnets',
    'elasticloadbalancing:CreateTargetGroup',
    'elasticloadbalancing:DeleteTargetGroup',
    'elasticloadbalancing:ModifyTargetGroup',
    'elasticloadbalancing:ModifyTargetGroupAttributes',
    'elasticloadbalancing:CreateListener',
    'elasticloadbalancing:DeleteListener',
    'elasticloadbalancing:ModifyListener',
    'elasticloadbalancing:ModifyListenerAttributes',
    'elasticloadbalancing:AddListenerCertificates',
    'elasticloadbalancing:RemoveListenerCertificates',
    'elasticloadbalancing:CreateRule',
    'elasticloadbalancing:DeleteRule',
    'elasticloadbalancing:ModifyRule',
    'elasticloadbalancing:SetRulePriorities',
    'elasticloadbalancing:AddTags',
    'elasticloadbalancing:RemoveTags',
  ],
  logs: [
    'logs:CreateLogGroup',
    'logs:DeleteLogGroup',
    'logs:PutRetentionPolicy',
    'logs:DeleteRetentionPolicy',
    'logs:TagResource',
    'logs:UntagResource',
    'logs:TagLogGroup',
    'logs:UntagLogGroup',
    'logs:AssociateKmsKey',
    'logs:DisassociateKmsKey',
  ],
  sns: [
    'sns:CreateTopic',
    'sns:DeleteTopic',
    'sns:SetTopicAttributes',
    'sns:Subscribe',
    'sns:Unsubscribe',
    'sns:SetSubscriptionAttributes',
    'sns:TagResource',
    'sns:UntagResource',
  ],
  cloudwatch: [
    'cloudwatch:PutMetricAlarm',
    'cloudwatch:DeleteAlarms',
    'cloudwatch:TagResource',
    'cloudwatch:UntagResource',
  ],
  autoscaling: [
    'application-autoscaling:RegisterScalableTarget',
    'application-autoscaling:DeregisterScalableTarget',
    'application-autoscaling:PutScalingPolicy',
    'application-autoscaling:DeleteScalingPolicy',
    'application-autoscaling:TagResource',
    'application-autoscaling:UntagResource',
  ],
  acm: [
    'acm:RequestCertificate',
    'acm:DeleteCertificate',
    'acm:AddTagsToCertificate',
    'acm:RemoveTagsFromCertificate',
    'acm:UpdateCertificateOptions',
  ],
  lambda: [
    'lambda:CreateFunction',
    'lambda:DeleteFunction',
    'lambda:UpdateFunctionCode',
    'lambda:UpdateFunctionConfiguration',
    'lambda:AddPermission',
    'lambda:RemovePermission',
    'lambda:PutFunctionConcurrency',
    'lambda:DeleteFunctionConcurrency',
    'lambda:TagResource',
    'lambda:UntagResource',
  ],
  events: [
    'events:PutRule',
    'events:DeleteRule',
    'events:PutTargets',
    'events:RemoveTargets',
    'events:EnableRule',
    'events:DisableRule',
    'events:TagResource',
    'events:UntagResource',
    'scheduler:CreateSchedule',
    'scheduler:UpdateSchedule',
    'scheduler:DeleteSchedule',
    'scheduler:TagResource',
    'scheduler:UntagResource',
  ],
  s3: [
    's3:CreateBucket',
    's3:DeleteBucket',
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
    's3:PutBucketVersioning',
    's3:PutEncryptionConfiguration',
    's3:PutBucketPublicAccessBlock',
    's3:PutBucketOwnershipControls',
    's3:PutLifecycleConfiguration',
    's3:PutBucketTagging',
    's3:PutObject',
    's3:PutObjectTagging',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
  ],
  route53: ['route53:ChangeResourceRecordSets', 'route53:GetChange'],
} as const;

/** Where {@link deployPolicy} scopes the actions. */
export interface DeployScope {
  readonly partition: string;
  readonly accountId: string;
  /** Region the environment deploys to. */
  readonly region: string;
  /** Name prefix of AutoMock's buckets. */
  readonly prefix: string;
  /** Hosted zone the environment's DNS records go in, if it has a domain. */
  readonly hostedZoneId?: string;
  /** The state bucket, which matches the prefix but must never be reconfigured or deleted by CI. */
  readonly stateBucket: string;
}

/** The apply role's write permissions for one environment: its account and region only. */
export function deployPolicy(scope: DeployScope): PolicyDocument {
  const { partition: p, accountId: a, region: r } = scope;
  const regional = (service: string): string => `arn:${p}:${service}:${r}:${a}:*`;
  const statements: PolicyStatement[] = [
    { Sid: 'Network', Effect: 'Allow', Action: [...DEPLOY_ACTIONS.ec2], Resource: regional('ec2') },
    { Sid: 'Ecs', Effect: 'Allow', Action: [...DEPLOY_ACTIONS.ecs], Resource: regional('ecs') },
    // Task definitions have no resource-level permissions.
    {
      Sid: 'EcsTaskDefinitions',
      Effect: 'Allow',
      Action: ['ecs:RegisterTaskDefinition', 'ecs:DeregisterTaskDefinition'],
      Resource: '*',
    },
    {
      Sid: 'LoadBalancing',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.elasticloadbalancing],
      Resource: regional('elasticloadbalancing'),
    },
    { Sid: 'Logs', Effect: 'Allow', Action: [...DEPLOY_ACTIONS.logs], Resource: regional('logs') },
    {
      Sid: 'Notifications',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.sns],
      Resource: regional('sns'),
    },
    {
      Sid: 'Alarms',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.cloudwatch],
      Resource: regional('cloudwatch'),
    },
    {
      Sid: 'Autoscaling',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.autoscaling],
      Resource: regional('application-autoscaling'),
    },
    {
      Sid: 'Certificates',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.acm],
      Resource: regional('acm'),
    },
    {
      Sid: 'Reaper',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.lambda],
      Resource: regional('lambda'),
    },
    {
      Sid: 'Schedules',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.events],
      Resource: [regional('events'), regional('scheduler')],
    },
    {
      Sid: 'ConfigBuckets',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.s3],
      Resource: [`arn:${p}:s3:::${scope.prefix}-*`, `arn:${p}:s3:::${scope.prefix}-*/*`],
    },
  ];
  statements.push({
    Sid: 'ProtectState',
    Effect: 'Deny',
    Action: [
      's3:DeleteBucket',
      's3:PutBucketPolicy',
      's3:DeleteBucketPolicy',
      's3:PutBucketVersioning',
      's3:PutEncryptionConfiguration',
      's3:PutBucketPublicAccessBlock',
      's3:PutBucketOwnershipControls',
      's3:PutLifecycleConfiguration',
      's3:DeleteObjectVersion',
    ],
    Resource: [`arn:${p}:s3:::${scope.stateBucket}`, `arn:${p}:s3:::${scope.stateBucket}/*`],
  });
  if (scope.hostedZoneId) {
    statements.push({
      Sid: 'Dns',
      Effect: 'Allow',
      Action: [...DEPLOY_ACTIONS.route53],
      Resource: [
        `arn:${p}:route53:::hostedzone/${scope.hostedZoneId}`,
        `arn:${p}:route53:::change/*`,
      ],
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
