import {
  ENVIRONMENT_PROJECT,
  PolicyStatement as Statement,
  TAG_ENV,
  TAG_PROJECT,
} from '@automock/core';

/** What the policies are scoped to. */
export interface PolicyScope {
  /** Name prefix, e.g. `automock`. */
  readonly prefix: string;
  /** Environment name. */
  readonly env: string;
  /** Account id (for ARNs in policies). */
  readonly accountId: string;
  /** Region (for ARNs in policies). */
  readonly region: string;
  /** AWS partition. @default 'aws' */
  readonly partition?: string;
  /** State bucket (core's `stateBackendNames`): state archive and the destroyer script live here. */
  readonly stateBucketName: string;
  /** Terraform lock table. */
  readonly lockTableName: string;
  /** Deployments registry table. */
  readonly registryTableName: string;
}

/**
 * The condition every tag-scoped delete carries: the resource belongs to this environment and to
 * a project (the tag exists and is not the environment's own `_environment`).
 */
export function projectResourceCondition(env: string) {
  return {
    StringEquals: { [`aws:ResourceTag/${TAG_ENV}`]: env },
    StringNotEquals: { [`aws:ResourceTag/${TAG_PROJECT}`]: ENVIRONMENT_PROJECT },
    Null: { [`aws:ResourceTag/${TAG_PROJECT}`]: 'false' },
  };
}

/**
 * Deletes the sweep makes, all conditioned on the resource's tags. The services named here
 * support `aws:ResourceTag` on these actions.
 */
export const TAG_CONDITIONED_DELETES = [
  'ecs:UpdateService',
  'ecs:DeleteService',
  'ecs:DeleteCluster',
  'elasticloadbalancing:DeleteRule',
  'elasticloadbalancing:DeleteListener',
  'elasticloadbalancing:DeleteTargetGroup',
  'elasticloadbalancing:DeleteLoadBalancer',
  'ec2:DeleteVpcEndpoints',
  'ec2:DeleteNatGateway',
  'ec2:ReleaseAddress',
  'ec2:DeleteSubnet',
  'ec2:DeleteRouteTable',
  'ec2:DetachInternetGateway',
  'ec2:DeleteInternetGateway',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupEgress',
  'ec2:DeleteSecurityGroup',
  'ec2:DeleteVpc',
  'logs:DeleteLogGroup',
  'cloudwatch:DeleteAlarms',
  'application-autoscaling:DeregisterScalableTarget',
  'secretsmanager:DeleteSecret',
  // ---- workload data and messaging (issue 13 D1)
  'sns:DeleteTopic',
  'sqs:GetQueueUrl',
  'sqs:DeleteQueue',
  'kms:DescribeKey',
  'kms:DeleteAlias',
  'kms:ScheduleKeyDeletion',
  // ---- workload data II (issue 13 D2): container repositories (buckets and endpoints above)
  'ecr:DeleteRepository',
  // ---- workload tasks and internal services (issue 13, wave 2). A rule's targets are listed
  // and removed before it; a schedule group is read for its tags (schedules carry none) before
  // it goes; an internal service's Cloud Map service after the ECS service. All are authorised
  // on the rule, group or service, whose tags these conditions read.
  'events:ListTargetsByRule',
  'events:RemoveTargets',
  'events:DeleteRule',
  'scheduler:ListTagsForResource',
  'scheduler:DeleteScheduleGroup',
  'servicediscovery:DeleteService',
  // ---- issue 14: a workload's database (the instance, described when RDS says it is already
  // being deleted; its parameter group), its file systems (access points; mount targets, listed
  // and deleted on the file system, then the file system), its mail identities and configuration
  // set, and its user pools (described for their hosted UI domains and deletion protection; a
  // protected pool is refused, never unprotected, so no UpdateUserPool).
  'rds:DeleteDBInstance',
  'rds:DescribeDBInstances',
  'rds:DeleteDBParameterGroup',
  'elasticfilesystem:DeleteAccessPoint',
  'elasticfilesystem:DescribeMountTargets',
  'elasticfilesystem:DeleteMountTarget',
  'elasticfilesystem:DeleteFileSystem',
  'ses:DeleteEmailIdentity',
  'ses:DeleteConfigurationSet',
  'cognito-idp:DescribeUserPool',
  'cognito-idp:DeleteUserPoolDomain',
  'cognito-idp:DeleteUserPool',
] as const;

/**
 * Read-only calls of the sweep, unconditioned: the Tagging API and these EC2 and Application Auto
 * Scaling Describe calls have no resource-level permissions.
 */
const SWEEP_READS = [
  'tag:GetResources',
  // The account check before any write (GetCallerIdentity needs no permission; named so the
  // policy says what the code does).
  'sts:GetCallerIdentity',
  // Project roles are found by name: ListRoles has no resource-level permissions.
  'iam:ListRoles',
  'ec2:DescribeNatGateways',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeSecurityGroupRules',
  'application-autoscaling:DescribeScalableTargets',
  // Issue 13 D1: a workload key's aliases are found by key (no resource-level permissions).
  'kms:ListAliases',
  // Issue 13: workload schedule groups are found by name (no resource-level permissions).
  'scheduler:ListScheduleGroups',
  // Issue 14: SES's list calls take no tag filter and have no resource-level permissions; each
  // candidate's tags are read (SweepMailTags) before anything is deleted.
  'ses:ListEmailIdentities',
  'ses:ListConfigurationSets',
];

function arns(s: PolicyScope) {
  const p = s.partition ?? 'aws';
  const table = (n: string) => `arn:${p}:dynamodb:${s.region}:${s.accountId}:table/${n}`;
  return {
    p,
    registry: table(s.registryTableName),
    registryIndexes: `${table(s.registryTableName)}/index/*`,
    lockTable: table(s.lockTableName),
    bucket: `arn:${p}:s3:::${s.stateBucketName}`,
    projectBuckets: `arn:${p}:s3:::${s.prefix}-${s.env}-*`,
    projectRoles: `arn:${p}:iam::${s.accountId}:role/${s.prefix}-${s.env}-*`,
  };
}

/** Registry read/write limited to this environment's items (and its index partition). */
function registryStatement(s: PolicyScope, actions: readonly string[]): Statement {
  const a = arns(s);
  return {
    Sid: 'RegistryThisEnvironment',
    Effect: 'Allow',
    Action: actions,
    Resource: [a.registry, a.registryIndexes],
    // Item keys are `<env>#<project>` (and `<env>#<kind>#<n>` for shared-ALB slots); the env
    // index's partition key is the env itself.
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${s.env}#*`, s.env] } },
  };
}

/**
 * State-bucket and lock-table access for archiving a project's state after teardown. A workload
 * preview (`automock deploy --workload`) keeps its state under `workloads/<env>/` instead of
 * `projects/<env>/`, and the reaper finalises it the same way.
 */
function stateStatements(s: PolicyScope, write: boolean): Statement[] {
  const a = arns(s);
  const projects = `${a.bucket}/projects/${s.env}/*`;
  const workloads = `${a.bucket}/workloads/${s.env}/*`;
  return [
    {
      Sid: 'ProjectState',
      Effect: 'Allow',
      Action: write
        ? ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']
        : ['s3:GetObject', 's3:DeleteObject'],
      Resource: [projects, workloads],
    },
    {
      Sid: 'ArchiveAndStacks',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [`${a.bucket}/archive/${s.env}/*`, `${a.bucket}/stacks/${s.env}/*`],
    },
    {
      Sid: 'ListProjectState',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: a.bucket,
      Condition: {
        StringLike: {
          's3:prefix': [
            `projects/${s.env}/*`,
            `workloads/${s.env}/*`,
            `archive/${s.env}/*`,
            // Terraform's S3 backend lists workspaces under `env:/` during init.
            ...(write ? ['env:/*'] : []),
          ],
        },
      },
    },
    {
      Sid: 'ProjectLocks',
      Effect: 'Allow',
      Action: write
        ? ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']
        : ['dynamodb:DeleteItem'],
      Resource: a.lockTable,
      Condition: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': [
            `${s.stateBucketName}/projects/${s.env}/*`,
            `${s.stateBucketName}/workloads/${s.env}/*`,
          ],
        },
      },
    },
  ];
}

function sweepStatements(s: PolicyScope): Statement[] {
  const a = arns(s);
  return [
    { Sid: 'SweepReads', Effect: 'Allow', Action: SWEEP_READS, Resource: '*' },
    {
      Sid: 'SweepTaggedDeletes',
      Effect: 'Allow',
      Action: TAG_CONDITIONED_DELETES,
      Resource: '*',
      Condition: projectResourceCondition(s.env),
    },
    // Workload tables (issue 13 D1): by name as well as by tags, so no tag mistake can reach the
    // account's lock table or registry (`<prefix>-terraform-locks`, `<prefix>-deployments`).
    {
      Sid: 'SweepWorkloadTables',
      Effect: 'Allow',
      Action: ['dynamodb:DeleteTable'],
      Resource: `arn:${a.p}:dynamodb:${s.region}:${s.accountId}:table/${s.prefix}-${s.env}-*`,
      Condition: projectResourceCondition(s.env),
    },
    // ---- issue 14. A database's connection parameters are named by the seed, `/<env>/<workload>/
    // postgres_*`: this environment's names, and its project's tags.
    {
      Sid: 'SweepDatabaseParameters',
      Effect: 'Allow',
      Action: ['ssm:DeleteParameter'],
      Resource: `arn:${a.p}:ssm:${s.region}:${s.accountId}:parameter/${s.env}/*/postgres_*`,
      Condition: projectResourceCondition(s.env),
    },
    // Identities are named by their domain or address, not by us: any identity's tags may be read
    // (the tags decide); configuration sets only by the environment's names.
    {
      Sid: 'SweepMailTags',
      Effect: 'Allow',
      Action: ['ses:ListTagsForResource'],
      Resource: [
        `arn:${a.p}:ses:${s.region}:${s.accountId}:identity/*`,
        `arn:${a.p}:ses:${s.region}:${s.accountId}:configuration-set/${s.prefix}-${s.env}-*`,
      ],
    },
    // HTTP APIs, VPC links and custom domain names (API Gateway v2 authorises by HTTP method on
    // the resource's path). An API mapping is not taggable: its delete is authorised with the
    // tags of the domain it belongs to (API Gateway's tag inheritance), which carries ours.
    {
      Sid: 'SweepHttpApis',
      Effect: 'Allow',
      Action: ['apigateway:DELETE'],
      Resource: ['apis', 'vpclinks', 'domainnames'].map(
        (r) => `arn:${a.p}:apigateway:${s.region}::/${r}/*`,
      ),
      Condition: projectResourceCondition(s.env),
    },
    // A project's rule on a group of the environment (its ALB admitting an HTTP API's VPC link)
    // must be revoked before the project's group can go, and EC2 authorises a revoke on the group
    // only (the Service Authorization Reference lists no rule resource for it): any group tagged
    // for this environment, the environment's own included. The sweep revokes only rules carrying
    // the project's tags; deleting a group stays project-scoped (SweepTaggedDeletes).
    {
      Sid: 'SweepRulesOnEnvironmentGroups',
      Effect: 'Allow',
      Action: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
      Resource: `arn:${a.p}:ec2:${s.region}:${s.accountId}:security-group/*`,
      Condition: { StringEquals: { [`aws:ResourceTag/${TAG_ENV}`]: s.env } },
    },
    // A custom domain's API mappings are listed (names and API ids only) before they go.
    {
      Sid: 'SweepApiMappingReads',
      Effect: 'Allow',
      Action: ['apigateway:GET'],
      Resource: `arn:${a.p}:apigateway:${s.region}::/domainnames/*/apimappings`,
    },
    // DeleteAlias is authorised on the alias too, which carries no tags: the environment's names.
    {
      Sid: 'SweepKeyAliases',
      Effect: 'Allow',
      Action: ['kms:DeleteAlias'],
      Resource: `arn:${a.p}:kms:${s.region}:${s.accountId}:alias/${s.prefix}-${s.env}-*`,
    },
    // No resource-level permissions either (and task definitions cost nothing).
    {
      Sid: 'SweepTaskDefinitions',
      Effect: 'Allow',
      Action: ['ecs:DeregisterTaskDefinition'],
      Resource: '*',
    },
    // Lingering ENIs carry no tags of ours: the sweep deletes only detached ENIs inside a VPC
    // tagged for the project.
    {
      Sid: 'SweepLingeringEnis',
      Effect: 'Allow',
      Action: ['ec2:DeleteNetworkInterface'],
      Resource: `arn:${a.p}:ec2:${s.region}:${s.accountId}:network-interface/*`,
    },
    // IAM is not in the Tagging API: roles named <prefix>-<env>-* are read, and deleted only when
    // they carry the environment's tags and a project's (IAM roles support aws:ResourceTag).
    {
      Sid: 'SweepRoleReads',
      Effect: 'Allow',
      Action: [
        'iam:ListRoleTags',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
      ],
      Resource: a.projectRoles,
    },
    {
      Sid: 'SweepProjectRoles',
      Effect: 'Allow',
      Action: ['iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRole'],
      Resource: a.projectRoles,
      Condition: projectResourceCondition(s.env),
    },
    {
      Sid: 'SweepRoleInstanceProfiles',
      Effect: 'Allow',
      Action: ['iam:RemoveRoleFromInstanceProfile'],
      Resource: `arn:${a.p}:iam::${s.accountId}:instance-profile/${s.prefix}-${s.env}-*`,
    },
    // S3 bucket actions do not evaluate aws:ResourceTag: scoped by name to <prefix>-<env>-*,
    // which never matches the state bucket.
    {
      Sid: 'SweepProjectBuckets',
      Effect: 'Allow',
      Action: [
        's3:ListBucketVersions',
        's3:ListBucket',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
        's3:DeleteBucket',
      ],
      Resource: [a.projectBuckets, `${a.projectBuckets}/*`],
    },
  ];
}

/** The reaper Lambda's statements (besides its own logs, DLQ, SNS and RunTask). */
export function reaperStatements(s: PolicyScope): Statement[] {
  return [
    // DeleteItem: a finished teardown frees the project's shared-ALB slot (`<env>#<kind>#<n>`).
    registryStatement(s, [
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:DeleteItem',
    ]),
    ...stateStatements(s, false),
    ...sweepStatements(s),
  ];
}

/**
 * Reads Terraform's refresh makes before destroying the resources a project stack holds, for
 * actions without resource-level permissions (Describe calls). The AWS provider reads many
 * attributes per resource; this list covers the project stack's resource types and must be
 * re-checked when those change (a missing one fails the task, and the reaper falls back to the
 * sweep).
 */
export const DESTROYER_GLOBAL_READS = [
  'ecs:DescribeTaskDefinition',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerAttributes',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTags',
  'ec2:DescribeVpcs',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeSubnets',
  'ec2:DescribeRouteTables',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeNatGateways',
  'ec2:DescribeAddresses',
  'ec2:DescribeAddressesAttribute',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeFlowLogs',
  'ec2:DescribeTags',
  'logs:DescribeLogGroups',
  'cloudwatch:DescribeAlarms',
  'application-autoscaling:DescribeScalableTargets',
  'application-autoscaling:DescribeScalingPolicies',
  'sts:GetCallerIdentity',
];

/** Refresh reads that support resource-level permissions, scoped to this environment's projects. */
function scopedReads(s: PolicyScope): Statement[] {
  const a = arns(s);
  const at = (service: string, resource: string) =>
    `arn:${a.p}:${service}:${s.region}:${s.accountId}:${resource}`;
  return [
    {
      Sid: 'RefreshEcs',
      Effect: 'Allow',
      Action: ['ecs:DescribeServices', 'ecs:DescribeClusters', 'ecs:ListTagsForResource'],
      Resource: [at('ecs', 'service/*'), at('ecs', 'cluster/*'), at('ecs', 'task-definition/*')],
    },
    {
      Sid: 'RefreshProjectBuckets',
      Effect: 'Allow',
      Action: [
        's3:GetBucketAcl',
        's3:GetBucketCORS',
        's3:GetBucketLocation',
        's3:GetBucketLogging',
        's3:GetBucketObjectLockConfiguration',
        's3:GetBucketOwnershipControls',
        's3:GetBucketPolicy',
        's3:GetBucketPublicAccessBlock',
        's3:GetBucketRequestPayment',
        's3:GetBucketTagging',
        's3:GetBucketVersioning',
        's3:GetBucketWebsite',
        's3:GetAccelerateConfiguration',
        's3:GetEncryptionConfiguration',
        's3:GetLifecycleConfiguration',
        's3:GetReplicationConfiguration',
      ],
      Resource: a.projectBuckets,
    },
    {
      Sid: 'RefreshTags',
      Effect: 'Allow',
      Action: [
        'logs:ListTagsForResource',
        'logs:ListTagsLogGroup',
        'cloudwatch:ListTagsForResource',
        'application-autoscaling:ListTagsForResource',
      ],
      Resource: [
        at('logs', 'log-group:*'),
        at('cloudwatch', 'alarm:*'),
        at('application-autoscaling', 'scalable-target/*'),
      ],
    },
    {
      // The control-plane token: the secret and its one version.
      Sid: 'RefreshProjectSecrets',
      Effect: 'Allow',
      Action: [
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetResourcePolicy',
        'secretsmanager:GetSecretValue',
        'secretsmanager:ListSecretVersionIds',
      ],
      Resource: at('secretsmanager', `secret:${s.prefix}/${s.env}/*`),
    },
    {
      Sid: 'RefreshProjectRoles',
      Effect: 'Allow',
      Action: [
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListRolePolicies',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfilesForRole',
      ],
      Resource: `arn:${a.p}:iam::${s.accountId}:role/${s.prefix}-${s.env}-*`,
    },
  ];
}

/** The destroyer task role: Terraform's state, refresh reads, and tag-scoped deletes. */
export function destroyerStatements(s: PolicyScope, scriptKey: string): Statement[] {
  const a = arns(s);
  return [
    {
      Sid: 'DestroyerScript',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: `${a.bucket}/${scriptKey}`,
    },
    {
      // Project stacks read the environment's outputs through terraform_remote_state.
      Sid: 'EnvironmentOutputs',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: `${a.bucket}/envs/${s.env}/terraform.tfstate`,
    },
    registryStatement(s, ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
    ...stateStatements(s, true),
    { Sid: 'RefreshReads', Effect: 'Allow', Action: DESTROYER_GLOBAL_READS, Resource: '*' },
    ...scopedReads(s),
    ...sweepStatements(s).filter((st) => st.Sid !== 'SweepReads'),
    {
      Sid: 'ProjectScalingPolicies',
      Effect: 'Allow',
      Action: ['application-autoscaling:DeleteScalingPolicy'],
      Resource: '*',
      Condition: projectResourceCondition(s.env),
    },
    {
      Sid: 'ProjectRoles',
      Effect: 'Allow',
      Action: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy'],
      Resource: `arn:${a.p}:iam::${s.accountId}:role/${s.prefix}-${s.env}-*`,
      Condition: projectResourceCondition(s.env),
    },
  ];
}
