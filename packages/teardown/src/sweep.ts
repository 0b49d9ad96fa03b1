import { DeleteSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  type ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteRepositoryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import {
  DeleteInternetGatewayCommand,
  DeleteNatGatewayCommand,
  DeleteNetworkInterfaceCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DetachInternetGatewayCommand,
  EC2Client,
  ReleaseAddressCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  ECSClient,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteAliasCommand,
  DescribeKeyCommand,
  type KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { DeleteTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DeleteRuleCommand as DeleteEventRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  DeleteScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListTagsForResourceCommand as ListSchedulerTagsCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  DeleteServiceCommand as DeleteCloudMapServiceCommand,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
// ---- database tier (issue 14 A)
import {
  DeleteDBInstanceCommand,
  DeleteDBParameterGroupCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { DeleteParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
// ---- workload mail (issue 14 M)
import {
  DeleteConfigurationSetCommand,
  DeleteEmailIdentityCommand,
  ListConfigurationSetsCommand,
  ListEmailIdentitiesCommand,
  ListTagsForResourceCommand as ListSesTagsCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
// ---- files (issue 14 E)
import {
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteMountTargetCommand,
  DescribeMountTargetsCommand,
  type EFSClient,
} from '@aws-sdk/client-efs';
// ---- identity (issue 14 C) and the HTTP API (issue 14 H)
import {
  type CognitoIdentityProviderClient,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  type ApiGatewayV2Client,
  DeleteApiCommand,
  DeleteApiMappingCommand,
  DeleteDomainNameCommand,
  DeleteVpcLinkCommand,
  GetApiMappingsCommand,
} from '@aws-sdk/client-apigatewayv2';
import { ENVIRONMENT_PROJECT, TAG_ENV, TAG_PROJECT } from '@automock/core';
import {
  type Clock,
  DeadlineReachedError,
  type RetryOptions,
  errorName,
  isGone,
  withRetry,
} from './retry';

/** The AWS clients a sweep uses. */
export interface SweepClients {
  readonly tagging: ResourceGroupsTaggingAPIClient;
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly logs: CloudWatchLogsClient;
  readonly cloudwatch: CloudWatchClient;
  readonly autoscaling: ApplicationAutoScalingClient;
  readonly secrets: SecretsManagerClient;
  /** Workload container repositories (issue 13 D2). */
  readonly ecr: ECRClient;
  /** Project roles: the Tagging API does not return IAM roles. */
  readonly iam: IAMClient;
  /** The caller's account, checked before anything else. */
  readonly sts: STSClient;
  // ---- workload sections (issue 13). Optional so callers that sweep only mocks need not
  // build them; teardownClients always does.
  /** Schedule groups (found by name and tags: schedules themselves carry no tags). */
  readonly scheduler?: SchedulerClient;
  /** Rules of event tasks (their targets are removed first). */
  readonly eventbridge?: EventBridgeClient;
  /** Workload queues, their dead-letter queues and event tasks' dead-letter queues. */
  readonly sqs?: SQSClient;
  /** Workload tables. */
  readonly dynamodb?: DynamoDBClient;
  /** Workload topics (deleting one deletes its subscriptions). */
  readonly sns?: SNSClient;
  /** A workload's own topic key and its alias. */
  readonly kms?: KMSClient;
  /** Cloud Map services of internal workload services (issue 13, wave 2). */
  readonly servicediscovery?: ServiceDiscoveryClient;
  // ---- database tier (issue 14 A)
  /** A workload's database instance and its parameter group. */
  readonly rds?: RDSClient;
  /** A workload database's connection parameters. */
  readonly ssm?: SSMClient;
  // ---- workload mail (issue 14 M)
  /** A workload's SES identities and configuration set (listed directly, tags read per item). */
  readonly sesv2?: SESv2Client;
  // ---- files (issue 14 E)
  /** A workload's EFS file systems, their mount targets and access points. */
  readonly efs?: EFSClient;
  // ---- identity (issue 14 C) and the HTTP API (issue 14 H)
  /** A workload's Cognito user pools and their hosted UI domains. */
  readonly cognito?: CognitoIdentityProviderClient;
  /** A workload's HTTP APIs, their VPC links and custom domain names (with their API mappings). */
  readonly apigatewayv2?: ApiGatewayV2Client;
}

/**
 * What the sweep deletes, in the order it deletes them (dependents first). A dedicated ALB's
 * listeners go before its target groups: a target group a listener still forwards to cannot be
 * deleted (ResourceInUse), so the other order would only wait out its retries.
 */
export const SWEEP_ORDER = [
  // ---- scheduled and event tasks: what starts tasks goes first, so none starts mid-teardown.
  // Deleting a schedule group deletes its schedules; a rule's targets are removed before it;
  // queues (event tasks' dead-letter queues among them) go with the data, below.
  'scheduler-schedule-group',
  'event-rule',
  // ---- the HTTP API (issue 14 H): the public entry goes before what it routes to. A custom
  // domain's API mappings name the API, so the domain (mappings first) goes before it; a VPC link
  // after the APIs whose integrations use it. Its network interfaces hold the security groups
  // and subnets below until it is gone.
  'apigw-domain-name',
  'apigw-api',
  'apigw-vpc-link',
  'ecs-service',
  // ---- Cloud Map (issue 13, wave 2): an internal service's DNS entry. ECS deregisters the
  // service's instances as it deletes it; Cloud Map refuses to delete a service that still has
  // some (ResourceInUse, retried), so it goes right after the ECS services.
  'cloudmap-service',
  'ecs-task-definition',
  'ecs-cluster',
  // ---- database tier (issue 14 A): the instance before its security group, which RDS's network
  // interfaces hold until the instance is gone (the group's deletion retries meanwhile).
  'rds-instance',
  // ---- files (issue 14 E): the services that mount them are gone. Access points first; a file
  // system goes after its mount targets (deleted with it), whose network interfaces hold the
  // security groups and subnets below.
  'efs-access-point',
  'efs-file-system',
  'listener-rule',
  'listener',
  'target-group',
  'load-balancer',
  'vpc-endpoint',
  'nat-gateway',
  'elastic-ip',
  'network-interface',
  'subnet',
  'route-table',
  'internet-gateway',
  // A project's rule on another security group (the environment's load balancer admitting an
  // HTTP API's VPC link): EC2 refuses to delete a group that another group's rule references, so
  // those rules go before the groups.
  'security-group-rule',
  'security-group',
  'vpc',
  's3-bucket',
  // ---- workload data II (issue 13 D2): repositories hold images only; nothing depends on them.
  // Buckets are emptied then deleted (s3-bucket), VPC endpoints go before their security groups.
  'ecr-repository',
  // ---- end of 13 D2
  'log-group',
  'alarm',
  'scalable-target',
  // ---- workload data and messaging (issue 13 D1). Services and tasks that use them are gone by
  // now. A topic goes first: DeleteTopic also removes its subscriptions, the queue's among them.
  // A table with deletion protection on is refused by DynamoDB and reported as a failure: the
  // sweep never turns protection off.
  'sns-topic',
  'sqs-queue',
  'dynamodb-table',
  // ---- database tier (issue 14 A): a parameter group is refused while its instance is being
  // deleted (retried); the connection parameters depend on nothing.
  'rds-parameter-group',
  'ssm-parameter',
  // ---- workload mail (issue 14 M): the services that send are gone by now; identities before
  // the configuration set they name as their default.
  'ses-email-identity',
  'ses-configuration-set',
  // ---- identity (issue 14 C): the services that manage its users are gone by now. Its hosted UI
  // domains are deleted with it (first: Cognito refuses to delete a pool that still has one).
  'cognito-user-pool',
  // IAM does not stop a role from being deleted while a task uses it: deleted once the services
  // that assume it are gone, so nothing running loses its credentials mid-teardown.
  'iam-role',
  // The control-plane token: nothing depends on it; deleted without a recovery window so the
  // project can be deployed again under its name.
  'secret',
  // Issue 13 D1: last, after the topics it encrypts; KMS keeps it 7 days, then deletes it.
  'kms-key',
] as const;

export type SweepKind = (typeof SWEEP_ORDER)[number];

/** One resource the sweep would delete (or has). */
export interface SweepItem {
  /** ARN (from the Tagging API or IAM), or `eni:<id>` for a lingering network interface. */
  readonly arn: string;
  readonly kind: SweepKind;
  /** The id the delete call takes (name, id or ARN). */
  readonly id: string;
}

/** A tagged resource the sweep will not touch, and why. */
export interface SweepSkip {
  readonly arn: string;
  readonly reason: string;
}

/** What to sweep. */
export interface SweepOptions {
  readonly env: string;
  readonly project: string;
  /**
   * The environment's AWS account. The sweep asks STS who it runs as first and refuses, touching
   * nothing, when it is another account: with the wrong credentials it would find nothing and
   * report a teardown that never happened.
   */
  readonly accountId: string;
  /**
   * The environment's name prefix (`automock`). Project roles are found by name,
   * `<namePrefix>-<env>-*` (how core's resourceName names them), then kept only when they carry
   * both tags.
   */
  readonly namePrefix: string;
  /**
   * Called after each delete with every ARN deleted so far (this and earlier runs), and awaited:
   * the caller records progress as it goes, so a run killed mid-way (a Lambda timeout) loses
   * nothing. @default - nothing recorded until the sweep returns
   */
  readonly onProgress?: (deletedSoFar: readonly string[]) => Promise<void>;
  /** Only list what would be deleted. @default false */
  readonly dryRun?: boolean;
  /** ARNs a previous run already deleted: never sent a delete again. @default [] */
  readonly alreadyDeleted?: readonly string[];
  /**
   * Names that are never deleted whatever their tags: the state bucket, lock table and registry.
   * @default []
   */
  readonly protectedNames?: readonly string[];
  /** Deadline and sleep. */
  readonly clock: Clock;
  /** Backoff for "not yet" errors. @default withRetry's defaults */
  readonly retry?: RetryOptions;
  /** Pause between NAT gateway state checks. @default 5000 */
  readonly natPollMs?: number;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** What a sweep did. */
export interface SweepResult {
  /** Everything found to delete, in order (the dry-run answer). */
  readonly planned: readonly SweepItem[];
  /** ARNs deleted by this run (or found already gone). */
  readonly deleted: readonly string[];
  /** ARNs deleted by this and earlier runs: persist this and pass it back as `alreadyDeleted`. */
  readonly deletedSoFar: readonly string[];
  /** Tagged resources left alone (wrong tags, protected, unsupported type). */
  readonly skipped: readonly SweepSkip[];
  /** Deletes that failed after their retries. */
  readonly failures: readonly { readonly arn: string; readonly error: string }[];
  /** True when everything planned is gone. */
  readonly complete: boolean;
  /** True when the run stopped to stay inside its deadline. */
  readonly stoppedForDeadline: boolean;
  /**
   * True when nothing carrying the project's tags was found and no earlier run deleted anything:
   * for a project believed alive that is a finding (wrong region, tags lost), not a success.
   */
  readonly foundNothing: boolean;
}

/** The credentials are for another account than the environment's; the sweep touched nothing. */
export class WrongAccountError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly arn: string,
  ) {
    super(
      `AWS credentials are for account ${actual} (${arn}), but the environment is in account ${expected}; nothing was swept`,
    );
    this.name = 'WrongAccountError';
  }
}

/** Refuses to go on when the caller's credentials are not for `accountId`. */
export async function checkSweepAccount(sts: STSClient, accountId: string): Promise<void> {
  const who = await sts.send(new GetCallerIdentityCommand({}));
  if (who.Account !== accountId)
    throw new WrongAccountError(accountId, who.Account ?? 'unknown', who.Arn ?? 'unknown');
}

interface ParsedArn {
  readonly service: string;
  readonly resource: string;
}

function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { service: parts[2]!, resource: parts.slice(5).join(':') };
}

function after(resource: string, prefix: string): string | undefined {
  return resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined;
}

/** Maps a tagged ARN to what the sweep does with it, or undefined for unsupported types. */
export function classify(arn: string): SweepItem | undefined {
  const p = parseArn(arn);
  if (!p) return undefined;
  const r = p.resource;
  let v: string | undefined;
  switch (p.service) {
    case 'ecs':
      if (after(r, 'service/')) return { arn, kind: 'ecs-service', id: arn };
      if ((v = after(r, 'task-definition/'))) return { arn, kind: 'ecs-task-definition', id: v };
      if ((v = after(r, 'cluster/'))) return { arn, kind: 'ecs-cluster', id: v };
      return undefined;
    case 'elasticloadbalancing':
      if (after(r, 'listener-rule/')) return { arn, kind: 'listener-rule', id: arn };
      if (after(r, 'listener/')) return { arn, kind: 'listener', id: arn };
      if (after(r, 'targetgroup/')) return { arn, kind: 'target-group', id: arn };
      if (after(r, 'loadbalancer/app/') || after(r, 'loadbalancer/net/'))
        return { arn, kind: 'load-balancer', id: arn };
      return undefined;
    case 'ec2': {
      const [type, id] = r.split('/');
      const kinds: Record<string, SweepKind> = {
        'vpc-endpoint': 'vpc-endpoint',
        natgateway: 'nat-gateway',
        'elastic-ip': 'elastic-ip',
        subnet: 'subnet',
        'route-table': 'route-table',
        'internet-gateway': 'internet-gateway',
        'security-group-rule': 'security-group-rule',
        'security-group': 'security-group',
        vpc: 'vpc',
      };
      const kind = type ? kinds[type] : undefined;
      return kind && id ? { arn, kind, id } : undefined;
    }
    case 's3':
      return r && !r.includes('/') ? { arn, kind: 's3-bucket', id: r } : undefined;
    case 'logs':
      if ((v = after(r, 'log-group:')))
        return { arn, kind: 'log-group', id: v.replace(/:\*$/, '') };
      return undefined;
    case 'cloudwatch':
      if ((v = after(r, 'alarm:'))) return { arn, kind: 'alarm', id: v };
      return undefined;
    case 'application-autoscaling':
      if (after(r, 'scalable-target/')) return { arn, kind: 'scalable-target', id: arn };
      return undefined;
    case 'secretsmanager':
      if (after(r, 'secret:')) return { arn, kind: 'secret', id: arn };
      return undefined;
    // ---- scheduled and event tasks
    case 'scheduler':
      if ((v = after(r, 'schedule-group/')))
        return { arn, kind: 'scheduler-schedule-group', id: v };
      return undefined;
    case 'events':
      // rule/<name> on the default bus, rule/<bus>/<name> on another: the id keeps both.
      if ((v = after(r, 'rule/'))) return { arn, kind: 'event-rule', id: v };
      return undefined;
    case 'sqs':
      return r && !r.includes('/') ? { arn, kind: 'sqs-queue', id: r } : undefined;
    // ---- workload data and messaging (issue 13 D1)
    case 'sns':
      // A topic's resource is its name; a subscription's is `<topic>:<id>` (never tagged).
      return r && !r.includes(':') ? { arn, kind: 'sns-topic', id: arn } : undefined;
    case 'dynamodb':
      if ((v = after(r, 'table/')) && !v.includes('/'))
        return { arn, kind: 'dynamodb-table', id: v };
      return undefined;
    case 'kms':
      if ((v = after(r, 'key/'))) return { arn, kind: 'kms-key', id: v };
      return undefined;
    // ---- Cloud Map (issue 13, wave 2): services only; the namespace is the environment's.
    case 'servicediscovery':
      if ((v = after(r, 'service/')) && !v.includes('/'))
        return { arn, kind: 'cloudmap-service', id: v };
      return undefined;
    // ---- workload data II (issue 13 D2)
    case 'ecr':
      if ((v = after(r, 'repository/'))) return { arn, kind: 'ecr-repository', id: v };
      return undefined;
    // ---- database tier (issue 14 A): RDS ARNs separate type and name with `:`; subnet groups
    // belong to the environment, never to a workload.
    case 'rds':
      if ((v = after(r, 'db:'))) return { arn, kind: 'rds-instance', id: v };
      if ((v = after(r, 'pg:'))) return { arn, kind: 'rds-parameter-group', id: v };
      return undefined;
    // ---- files (issue 14 E): mount targets are not taggable; they go with their file system.
    case 'elasticfilesystem':
      if ((v = after(r, 'access-point/'))) return { arn, kind: 'efs-access-point', id: v };
      if ((v = after(r, 'file-system/'))) return { arn, kind: 'efs-file-system', id: v };
      return undefined;
    case 'ssm':
      // Only a database's connection parameters (`parameter/dev/shop/postgres_host` names
      // `/dev/shop/postgres_host`): no other parameter is AutoMock's to delete.
      if (
        (v = after(r, 'parameter/')) &&
        /^[^/]+\/[^/]+\/postgres_(host|port|database|username)$/.test(v)
      )
        return { arn, kind: 'ssm-parameter', id: `/${v}` };
      return undefined;
    // ---- workload mail (issue 14 M): domain and address identities, configuration sets.
    case 'ses':
      if ((v = after(r, 'identity/'))) return { arn, kind: 'ses-email-identity', id: v };
      if ((v = after(r, 'configuration-set/')))
        return { arn, kind: 'ses-configuration-set', id: v };
      return undefined;
    // ---- identity (issue 14 C): `userpool/<region>_<id>`.
    case 'cognito-idp':
      if ((v = after(r, 'userpool/')) && !v.includes('/'))
        return { arn, kind: 'cognito-user-pool', id: v };
      return undefined;
    // ---- the HTTP API (issue 14 H): API Gateway ARNs have no account, and the resource is a
    // path: `/apis/<id>`, `/vpclinks/<id>`, `/domainnames/<name>`. An API's stages (tagged too)
    // and other parts go with it.
    case 'apigateway': {
      const m = /^\/(apis|vpclinks|domainnames)\/([^/]+)$/.exec(r);
      if (!m) return undefined;
      const kinds = {
        apis: 'apigw-api',
        vpclinks: 'apigw-vpc-link',
        domainnames: 'apigw-domain-name',
      } as const;
      return { arn, kind: kinds[m[1] as keyof typeof kinds], id: m[2]! };
    }
    default:
      return undefined;
  }
}

/** Tagged parts of a resource the sweep deletes whole (an HTTP API's stages). */
function partOfAnother(arn: string): boolean {
  const p = parseArn(arn);
  return p?.service === 'apigateway' && /^\/apis\/[^/]+\/./.test(p.resource);
}

const ORDER_INDEX = new Map<SweepKind, number>(SWEEP_ORDER.map((k, i) => [k, i]));

/**
 * Deletes every resource that carries both `automock:env = env` and `automock:project = project`,
 * in dependency order, idempotently: "not yet" errors are retried with backoff, "not found" counts
 * as deleted, and the run stops before its deadline so the next one resumes from
 * `deletedSoFar`. Never deletes anything without both tags, anything named in `protectedNames`,
 * nor environment-level resources (`automock:project = _environment`). With `dryRun`, only lists.
 */
export async function sweepProject(
  clients: SweepClients,
  opts: SweepOptions,
): Promise<SweepResult> {
  const { env, project, clock } = opts;
  if (
    !env ||
    !project ||
    project === ENVIRONMENT_PROJECT ||
    env.includes('*') ||
    project.includes('*')
  )
    throw new Error(
      `sweep: env ${JSON.stringify(env)} / project ${JSON.stringify(project)} must name one project ` +
        `(not empty, not '${ENVIRONMENT_PROJECT}', no wildcards)`,
    );
  await checkSweepAccount(clients.sts, opts.accountId);
  const log = opts.log ?? (() => undefined);
  const protectedNames = new Set(opts.protectedNames ?? []);
  const done = new Set(opts.alreadyDeleted ?? []);
  const deleted: string[] = [];
  const skipped: SweepSkip[] = [];
  const failures: { arn: string; error: string }[] = [];

  // 1. Discover by both tags; re-check the tags ourselves so a filter mistake cannot widen it.
  const planned: SweepItem[] = [];
  // The Tagging API can return one resource twice (across pages, or under two mappings).
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await clients.tagging.send(
      new GetResourcesCommand({
        TagFilters: [
          { Key: TAG_ENV, Values: [env] },
          { Key: TAG_PROJECT, Values: [project] },
        ],
        PaginationToken: token || undefined,
        ResourcesPerPage: 100,
      }),
    );
    for (const m of page.ResourceTagMappingList ?? []) {
      const arn = m.ResourceARN;
      if (!arn || seen.has(arn)) continue;
      seen.add(arn);
      const tags = new Map((m.Tags ?? []).map((t) => [t.Key, t.Value]));
      if (tags.get(TAG_ENV) !== env || tags.get(TAG_PROJECT) !== project) {
        skipped.push({
          arn,
          reason: `tags ${TAG_ENV}/${TAG_PROJECT} do not both match ${env}/${project}`,
        });
        continue;
      }
      const item = classify(arn);
      if (!item) {
        skipped.push({
          arn,
          reason: partOfAnother(arn)
            ? 'part of another resource, deleted with it'
            : 'resource type not handled by the sweep',
        });
        continue;
      }
      if (
        protectedNames.has(item.id) ||
        [...protectedNames].some((n) => arn.endsWith(`/${n}`) || arn.endsWith(`:${n}`))
      ) {
        skipped.push({ arn, reason: 'protected (state bucket, lock table or registry)' });
        continue;
      }
      planned.push(item);
    }
    token = page.PaginationToken;
  } while (token);

  planned.push(...(await projectRoles(clients.iam, opts)));
  // ---- workload mail (issue 14 M): SES identities and configuration sets, if the Tagging API
  // did not list them.
  for (const m of await projectSesResources(clients.sesv2, opts))
    if (!seen.has(m.arn)) {
      seen.add(m.arn);
      planned.push(m);
    }
  // ---- scheduled and event tasks: schedule groups, if the Tagging API did not list them.
  for (const g of await projectScheduleGroups(clients.scheduler, opts))
    if (!seen.has(g.arn)) {
      seen.add(g.arn);
      planned.push(g);
    }

  // Lingering ENIs (ALB, NAT, task leftovers) carry no tags of ours; they are only considered
  // inside a VPC that carries both tags, i.e. one dedicated to this project, and only when detached.
  const vpcIds = planned.filter((i) => i.kind === 'vpc').map((i) => i.id);
  if (vpcIds.length > 0) {
    let next: string | undefined;
    do {
      const page = await clients.ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [
            { Name: 'vpc-id', Values: vpcIds },
            { Name: 'status', Values: ['available'] },
          ],
          NextToken: next,
        }),
      );
      for (const eni of page.NetworkInterfaces ?? []) {
        if (eni.NetworkInterfaceId)
          planned.push({
            arn: `eni:${eni.NetworkInterfaceId}`,
            kind: 'network-interface',
            id: eni.NetworkInterfaceId,
          });
      }
      next = page.NextToken;
    } while (next);
  }
  planned.sort(
    (a, b) => ORDER_INDEX.get(a.kind)! - ORDER_INDEX.get(b.kind)! || a.arn.localeCompare(b.arn),
  );

  const foundNothing = planned.length === 0 && done.size === 0;
  const result = (complete: boolean, stoppedForDeadline: boolean): SweepResult => ({
    planned,
    deleted,
    deletedSoFar: [...done],
    skipped,
    failures,
    complete,
    stoppedForDeadline,
    foundNothing,
  });
  if (opts.dryRun) return result(false, false);

  const scalable = planned.some((i) => i.kind === 'scalable-target')
    ? await scalableTargetsByArn(clients.autoscaling)
    : new Map<string, ScalableTarget>();
  const natIds: string[] = planned.filter((i) => i.kind === 'nat-gateway').map((i) => i.id);

  try {
    for (const item of planned) {
      if (item.kind === 'elastic-ip' && natIds.length > 0) {
        // An EIP cannot be released while its NAT gateway is still deleting.
        await waitForNatGatewaysDeleted(clients.ec2, natIds, clock, opts.natPollMs ?? 5000);
        natIds.length = 0;
      }
      if (done.has(item.arn)) continue;
      try {
        const how = await withRetry(
          `deleting ${item.kind} ${item.id}`,
          () => deleteOne(clients, item, scalable, clock),
          clock,
          opts.retry,
        );
        log(`${how === 'gone' ? 'already gone' : 'deleted'}: ${item.kind} ${item.arn}`);
        done.add(item.arn);
        deleted.push(item.arn);
      } catch (err) {
        if (err instanceof DeadlineReachedError) throw err;
        failures.push({ arn: item.arn, error: `${errorName(err)}: ${(err as Error).message}` });
        log(`failed: ${item.kind} ${item.arn}: ${errorName(err)}`);
        continue;
      }
      // Outside the per-item catch: a progress write that fails (another writer got in) stops
      // the sweep rather than being counted as a failed delete.
      if (opts.onProgress) await opts.onProgress([...done]);
    }
  } catch (err) {
    if (err instanceof DeadlineReachedError) {
      log(err.message);
      return result(false, true);
    }
    throw err;
  }
  return result(failures.length === 0, false);
}

async function deleteOne(
  c: SweepClients,
  item: SweepItem,
  scalable: ReadonlyMap<string, ScalableTarget>,
  clock: Clock,
): Promise<void> {
  switch (item.kind) {
    case 'ecs-service': {
      const [, cluster, service] = parseArn(item.arn)!.resource.split('/');
      await c.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 }));
      await c.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
      return;
    }
    case 'ecs-task-definition':
      await c.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: item.id }));
      return;
    case 'ecs-cluster':
      await c.ecs.send(new DeleteClusterCommand({ cluster: item.id }));
      return;
    case 'listener-rule':
      await c.elbv2.send(new DeleteRuleCommand({ RuleArn: item.id }));
      return;
    case 'listener':
      await c.elbv2.send(new DeleteListenerCommand({ ListenerArn: item.id }));
      return;
    case 'target-group':
      await c.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: item.id }));
      return;
    case 'load-balancer':
      await c.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: item.id }));
      return;
    case 'vpc-endpoint':
      await c.ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [item.id] }));
      return;
    case 'nat-gateway':
      await c.ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: item.id }));
      return;
    case 'elastic-ip':
      await c.ec2.send(new ReleaseAddressCommand({ AllocationId: item.id }));
      return;
    case 'network-interface':
      await c.ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: item.id }));
      return;
    case 'subnet':
      await c.ec2.send(new DeleteSubnetCommand({ SubnetId: item.id }));
      return;
    case 'route-table':
      await c.ec2.send(new DeleteRouteTableCommand({ RouteTableId: item.id }));
      return;
    case 'internet-gateway': {
      const out = await c.ec2.send(
        new DescribeInternetGatewaysCommand({ InternetGatewayIds: [item.id] }),
      );
      for (const a of out.InternetGateways?.[0]?.Attachments ?? []) {
        if (a.VpcId)
          await c.ec2.send(
            new DetachInternetGatewayCommand({ InternetGatewayId: item.id, VpcId: a.VpcId }),
          );
      }
      await c.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: item.id }));
      return;
    }
    case 'security-group-rule':
      await revokeRule(c.ec2, item.id);
      return;
    case 'security-group':
      await revokeGroupReferences(c.ec2, item.id);
      await c.ec2.send(new DeleteSecurityGroupCommand({ GroupId: item.id }));
      return;
    case 'vpc':
      await c.ec2.send(new DeleteVpcCommand({ VpcId: item.id }));
      return;
    case 's3-bucket':
      await emptyBucket(c.s3, item.id, clock);
      await c.s3.send(new DeleteBucketCommand({ Bucket: item.id }));
      return;
    case 'log-group':
      await c.logs.send(new DeleteLogGroupCommand({ logGroupName: item.id }));
      return;
    case 'alarm':
      await c.cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [item.id] }));
      return;
    case 'scalable-target': {
      const t = scalable.get(item.arn);
      // Not listed any more: deregistered already.
      if (!t) return;
      // Deregistering also deletes the target's scaling policies and scheduled actions.
      await c.autoscaling.send(
        new DeregisterScalableTargetCommand({
          ServiceNamespace: t.ServiceNamespace,
          ResourceId: t.ResourceId,
          ScalableDimension: t.ScalableDimension,
        }),
      );
      return;
    }
    case 'iam-role':
      await deleteRole(c.iam, item.id);
      return;
    case 'secret':
      await c.secrets.send(
        new DeleteSecretCommand({ SecretId: item.id, ForceDeleteWithoutRecovery: true }),
      );
      return;
    // ---- scheduled and event tasks
    case 'scheduler-schedule-group':
      await need(c.scheduler, 'Scheduler').send(new DeleteScheduleGroupCommand({ Name: item.id }));
      return;
    case 'event-rule':
      await deleteEventRule(need(c.eventbridge, 'EventBridge'), item.id);
      return;
    case 'sqs-queue':
      await deleteQueue(need(c.sqs, 'SQS'), item);
      return;
    // ---- workload data and messaging (issue 13 D1)
    case 'sns-topic':
      await need(c.sns, 'SNS').send(new DeleteTopicCommand({ TopicArn: item.id }));
      return;
    case 'dynamodb-table':
      await need(c.dynamodb, 'DynamoDB').send(new DeleteTableCommand({ TableName: item.id }));
      return;
    case 'kms-key': {
      const key = await need(c.kms, 'KMS').send(new DescribeKeyCommand({ KeyId: item.id }));
      // Already scheduled by an earlier run: rescheduling is refused (KMSInvalidStateException).
      if (key.KeyMetadata?.KeyState === 'PendingDeletion') return;
      // Aliases are not tagged: found by their key, and removed so a redeploy can create them.
      const aliases = await need(c.kms, 'KMS').send(new ListAliasesCommand({ KeyId: item.id }));
      for (const a of aliases.Aliases ?? [])
        if (a.AliasName)
          await partGone(() =>
            need(c.kms, 'KMS').send(new DeleteAliasCommand({ AliasName: a.AliasName })),
          );
      await need(c.kms, 'KMS').send(
        new ScheduleKeyDeletionCommand({ KeyId: item.id, PendingWindowInDays: 7 }),
      );
      return;
    }
    // ---- Cloud Map (issue 13, wave 2)
    case 'cloudmap-service':
      await need(c.servicediscovery, 'Cloud Map').send(
        new DeleteCloudMapServiceCommand({ Id: item.id }),
      );
      return;
    // ---- workload data II (issue 13 D2): force deletes the images with the repository.
    case 'ecr-repository':
      await c.ecr.send(new DeleteRepositoryCommand({ repositoryName: item.id, force: true }));
      return;
    // ---- database tier (issue 14 A). Only ephemeral workloads are swept: no final snapshot.
    // An instance with deletion protection is refused by RDS and reported as a failure: the
    // sweep never turns protection off.
    case 'rds-instance':
      try {
        await need(c.rds, 'RDS').send(
          new DeleteDBInstanceCommand({
            DBInstanceIdentifier: item.id,
            SkipFinalSnapshot: true,
            DeleteAutomatedBackups: true,
          }),
        );
      } catch (err) {
        // Already being deleted by an earlier run (or Terraform): nothing more to ask.
        if (/^InvalidDBInstanceState(Fault)?$/.test(errorName(err))) {
          const out = await need(c.rds, 'RDS').send(
            new DescribeDBInstancesCommand({ DBInstanceIdentifier: item.id }),
          );
          if (out.DBInstances?.[0]?.DBInstanceStatus === 'deleting') return;
        }
        throw err;
      }
      return;
    case 'rds-parameter-group':
      await need(c.rds, 'RDS').send(
        new DeleteDBParameterGroupCommand({ DBParameterGroupName: item.id }),
      );
      return;
    case 'ssm-parameter':
      await need(c.ssm, 'SSM').send(new DeleteParameterCommand({ Name: item.id }));
      return;
    // ---- workload mail (issue 14 M)
    case 'ses-email-identity':
      await need(c.sesv2, 'SES').send(new DeleteEmailIdentityCommand({ EmailIdentity: item.id }));
      return;
    case 'ses-configuration-set':
      await need(c.sesv2, 'SES').send(
        new DeleteConfigurationSetCommand({ ConfigurationSetName: item.id }),
      );
      return;
    // ---- files (issue 14 E)
    case 'efs-access-point':
      await need(c.efs, 'EFS').send(new DeleteAccessPointCommand({ AccessPointId: item.id }));
      return;
    case 'efs-file-system': {
      // EFS refuses to delete a file system with mount targets (FileSystemInUse, retried while
      // the ones asked for here are deleted, which takes a while).
      const efs = need(c.efs, 'EFS');
      let marker: string | undefined;
      do {
        const out = await efs.send(
          new DescribeMountTargetsCommand({ FileSystemId: item.id, Marker: marker }),
        );
        for (const mt of out.MountTargets ?? [])
          if (mt.LifeCycleState !== 'deleting' && mt.LifeCycleState !== 'deleted')
            await partGone(() =>
              efs.send(new DeleteMountTargetCommand({ MountTargetId: mt.MountTargetId! })),
            );
        marker = out.NextMarker;
      } while (marker);
      await efs.send(new DeleteFileSystemCommand({ FileSystemId: item.id }));
      return;
    }
    // ---- identity (issue 14 C)
    case 'cognito-user-pool':
      await deleteUserPool(need(c.cognito, 'Cognito'), item.id);
      return;
    // ---- the HTTP API (issue 14 H)
    case 'apigw-domain-name':
      await deleteDomainName(need(c.apigatewayv2, 'API Gateway'), item.id);
      return;
    case 'apigw-api':
      await need(c.apigatewayv2, 'API Gateway').send(new DeleteApiCommand({ ApiId: item.id }));
      return;
    case 'apigw-vpc-link':
      await need(c.apigatewayv2, 'API Gateway').send(
        new DeleteVpcLinkCommand({ VpcLinkId: item.id }),
      );
      return;
  }
}

/**
 * Deletes a part of the item being deleted (a pool's domain, a domain's API mapping, a file
 * system's mount target, a key's alias, a security group's rule, a role's policy). That part being gone already is no reason to stop: left to withRetry,
 * its "not found" would count the whole item as deleted while it still exists.
 */
async function partGone(del: () => Promise<unknown>): Promise<void> {
  try {
    await del();
  } catch (err) {
    if (!isGone(err)) throw err;
  }
}

/**
 * A user pool: its hosted UI domains first (Cognito refuses to delete a pool that has one), then
 * the pool. A pool with deletion protection on is refused before anything of it is touched and
 * reported as a failure, as RDS instances and DynamoDB tables are: its users are data, and the
 * sweep never turns protection off (the reaper is not even allowed UpdateUserPool, which could
 * rewrite every other setting of the pool). A retry after a failure starts over from
 * DescribeUserPool, so a domain already gone is not asked for again.
 */
async function deleteUserPool(cognito: CognitoIdentityProviderClient, id: string): Promise<void> {
  const { UserPool: pool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }));
  if (pool?.DeletionProtection === 'ACTIVE')
    throw new Error(
      `user pool ${id} has deletion protection on: the sweep never turns it off (turn it off, then sweep again)`,
    );
  for (const domain of [pool?.Domain, pool?.CustomDomain])
    if (domain)
      await partGone(() =>
        cognito.send(new DeleteUserPoolDomainCommand({ UserPoolId: id, Domain: domain })),
      );
  await cognito.send(new DeleteUserPoolCommand({ UserPoolId: id }));
}

/** A custom domain name: its API mappings first, then the domain. */
async function deleteDomainName(api: ApiGatewayV2Client, domain: string): Promise<void> {
  let token: string | undefined;
  do {
    const page = await api.send(
      new GetApiMappingsCommand({ DomainName: domain, NextToken: token }),
    );
    for (const m of page.Items ?? [])
      if (m.ApiMappingId)
        await partGone(() =>
          api.send(
            new DeleteApiMappingCommand({ DomainName: domain, ApiMappingId: m.ApiMappingId }),
          ),
        );
    token = page.NextToken;
  } while (token);
  await api.send(new DeleteDomainNameCommand({ DomainName: domain }));
}

// ---- scheduled and event tasks (workload sections scheduledTasks and eventTasks)

function need<T>(client: T | undefined, service: string): T {
  if (!client) throw new Error(`the sweep was given no ${service} client`);
  return client;
}

/**
 * The project's schedule group: schedules take no tags, so workloads keep theirs in a group named
 * `<namePrefix>-<env>-<project>` that carries both tags (checked here, as for roles).
 */
async function projectScheduleGroups(
  scheduler: SchedulerClient | undefined,
  opts: SweepOptions,
): Promise<SweepItem[]> {
  if (!scheduler) return [];
  const name = `${opts.namePrefix}-${opts.env}-${opts.project}`;
  const out: SweepItem[] = [];
  let token: string | undefined;
  do {
    const page = await scheduler.send(
      new ListScheduleGroupsCommand({ NamePrefix: name, NextToken: token }),
    );
    for (const g of page.ScheduleGroups ?? []) {
      if (g.Name !== name || !g.Arn) continue;
      const tags = await scheduler.send(new ListSchedulerTagsCommand({ ResourceArn: g.Arn }));
      const byKey = new Map((tags.Tags ?? []).map((t) => [t.Key, t.Value]));
      if (byKey.get(TAG_ENV) === opts.env && byKey.get(TAG_PROJECT) === opts.project)
        out.push({ arn: g.Arn, kind: 'scheduler-schedule-group', id: g.Name });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

// ---- workload mail (issue 14 M)

/** The partition of a region's ARNs. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The project's SES identities and configuration sets. SES's list calls return names without
 * tags, so each candidate's tags are read and only those carrying both are kept (as for roles).
 * Identities are named by their domain or address, not by us: the tags alone decide.
 */
async function projectSesResources(
  ses: SESv2Client | undefined,
  opts: SweepOptions,
): Promise<SweepItem[]> {
  if (!ses) return [];
  const region = await ses.config.region();
  const arnOf = (rest: string) =>
    `arn:${partitionOf(region)}:ses:${region}:${opts.accountId}:${rest}`;
  const ours = async (arn: string) => {
    const out = await ses.send(new ListSesTagsCommand({ ResourceArn: arn }));
    const tags = new Map((out.Tags ?? []).map((t) => [t.Key, t.Value]));
    return tags.get(TAG_ENV) === opts.env && tags.get(TAG_PROJECT) === opts.project;
  };
  const out: SweepItem[] = [];
  let token: string | undefined;
  do {
    const page = await ses.send(new ListEmailIdentitiesCommand({ NextToken: token }));
    for (const i of page.EmailIdentities ?? []) {
      if (!i.IdentityName) continue;
      const arn = arnOf(`identity/${i.IdentityName}`);
      if (await ours(arn)) out.push({ arn, kind: 'ses-email-identity', id: i.IdentityName });
    }
    token = page.NextToken;
  } while (token);
  // Ours are named `<namePrefix>-<env>-…` (core's resourceName); others are not even read.
  const namePrefix = `${opts.namePrefix}-${opts.env}-`;
  let next: string | undefined;
  do {
    const page = await ses.send(new ListConfigurationSetsCommand({ NextToken: next }));
    for (const name of page.ConfigurationSets ?? []) {
      if (!name.startsWith(namePrefix)) continue;
      const arn = arnOf(`configuration-set/${name}`);
      if (await ours(arn)) out.push({ arn, kind: 'ses-configuration-set', id: name });
    }
    next = page.NextToken;
  } while (next);
  return out;
}

/** EventBridge refuses to delete a rule that still has targets: they go first. */
async function deleteEventRule(events: EventBridgeClient, id: string): Promise<void> {
  const slash = id.lastIndexOf('/');
  const rule = {
    Rule: id.slice(slash + 1),
    EventBusName: slash < 0 ? undefined : id.slice(0, slash),
  };
  let token: string | undefined;
  do {
    const page = await events.send(new ListTargetsByRuleCommand({ ...rule, NextToken: token }));
    const ids = (page.Targets ?? []).map((t) => t.Id).filter((x): x is string => !!x);
    if (ids.length > 0) await events.send(new RemoveTargetsCommand({ ...rule, Ids: ids }));
    token = page.NextToken;
  } while (token);
  await events.send(
    new DeleteEventRuleCommand({ Name: rule.Rule, EventBusName: rule.EventBusName }),
  );
}

/** DeleteQueue takes the queue's URL; a queue that no longer exists counts as deleted. */
async function deleteQueue(sqs: SQSClient, item: SweepItem): Promise<void> {
  const account = item.arn.split(':')[4];
  let url: string | undefined;
  try {
    url = (
      await sqs.send(
        new GetQueueUrlCommand({ QueueName: item.id, QueueOwnerAWSAccountId: account }),
      )
    ).QueueUrl;
  } catch (err) {
    if (/QueueDoesNotExist|NonExistentQueue/.test(errorName(err))) return;
    throw err;
  }
  if (url) await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
}

/**
 * Removes this group's rules that reference other groups, so two project groups that reference
 * each other do not block each other's deletion with DependencyViolation.
 */
/**
 * One tagged rule, on whichever group holds it (revoking needs the group and the direction, which
 * the rule's ARN does not carry). A rule already gone is not listed: nothing to revoke.
 */
async function revokeRule(ec2: EC2Client, ruleId: string): Promise<void> {
  const out = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }),
  );
  for (const r of out.SecurityGroupRules ?? []) {
    if (!r.GroupId) continue;
    const revoke = { GroupId: r.GroupId, SecurityGroupRuleIds: [ruleId] };
    if (r.IsEgress) await ec2.send(new RevokeSecurityGroupEgressCommand(revoke));
    else await ec2.send(new RevokeSecurityGroupIngressCommand(revoke));
  }
}

async function revokeGroupReferences(ec2: EC2Client, groupId: string): Promise<void> {
  const out = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  const refs = (out.SecurityGroupRules ?? []).filter(
    (r) => r.ReferencedGroupInfo?.GroupId && r.SecurityGroupRuleId,
  );
  const ingress = refs.filter((r) => !r.IsEgress).map((r) => r.SecurityGroupRuleId!);
  const egress = refs.filter((r) => r.IsEgress).map((r) => r.SecurityGroupRuleId!);
  if (ingress.length)
    await partGone(() =>
      ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ingress }),
      ),
    );
  if (egress.length)
    await partGone(() =>
      ec2.send(
        new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: egress }),
      ),
    );
}

/**
 * Deletes every object version and delete marker, 1000 per DeleteObjects call (the API's limit).
 * Lists from the start each round: what was deleted no longer appears, so no markers are needed.
 * With a `clock`, stops with {@link DeadlineReachedError} between rounds once its time is up (a
 * bucket of millions of versions takes longer than a Lambda runs); the next run carries on.
 */
export async function emptyBucket(s3: S3Client, bucket: string, clock?: Clock): Promise<number> {
  let removed = 0;
  let previousFirst: string | undefined;
  for (;;) {
    if (clock && clock.timeLeftMs() <= 0)
      throw new DeadlineReachedError(`emptying ${bucket} (${removed} versions deleted this run)`);
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((o) => o.Key !== undefined)
      .map((o) => ({ Key: o.Key!, VersionId: o.VersionId }));
    if (objects.length === 0) return removed;
    // A round that deleted nothing (object lock, a policy denying deletes) would loop forever.
    const first = `${objects[0]!.Key}@${objects[0]!.VersionId}`;
    if (first === previousFirst) {
      const err = new Error(`${bucket}: ${first} is still listed after being deleted`);
      err.name = 'BucketNotEmpty';
      throw err;
    }
    previousFirst = first;
    for (let i = 0; i < objects.length; i += 1000) {
      const batch = objects.slice(i, i + 1000);
      const out = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
      );
      if (out.Errors && out.Errors.length > 0) {
        const e = out.Errors[0]!;
        const err = new Error(
          `${out.Errors.length} objects not deleted from ${bucket}, first ${e.Key}: ${e.Message}`,
        );
        err.name = e.Code ?? 'OperationAbortedException';
        throw err;
      }
      removed += batch.length;
    }
  }
}

/**
 * The project's IAM roles: named `<namePrefix>-<env>-*` and carrying both tags (ListRoles returns
 * no tags, so each candidate's are read). A role of another project, of the environment itself
 * (`_environment`) or of nothing of ours is never selected.
 */
async function projectRoles(iam: IAMClient, opts: SweepOptions): Promise<SweepItem[]> {
  const namePrefix = `${opts.namePrefix}-${opts.env}-`;
  const out: SweepItem[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker }));
    for (const role of page.Roles ?? []) {
      if (!role.RoleName?.startsWith(namePrefix) || !role.Arn) continue;
      const tags = await roleTags(iam, role.RoleName);
      if (tags.get(TAG_ENV) === opts.env && tags.get(TAG_PROJECT) === opts.project)
        out.push({ arn: role.Arn, kind: 'iam-role', id: role.RoleName });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return out;
}

async function roleTags(iam: IAMClient, roleName: string): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRoleTagsCommand({ RoleName: roleName, Marker: marker }));
    for (const t of page.Tags ?? []) if (t.Key) tags.set(t.Key, t.Value ?? '');
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return tags;
}

/**
 * IAM refuses to delete a role that still has inline or attached policies or instance profiles
 * (DeleteConflict): those go first. Attached managed policies are only detached, never deleted.
 */
async function deleteRole(iam: IAMClient, roleName: string): Promise<void> {
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }),
    );
    for (const name of page.PolicyNames ?? [])
      await partGone(() =>
        iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })),
      );
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }),
    );
    for (const p of page.AttachedPolicies ?? [])
      if (p.PolicyArn)
        await partGone(() =>
          iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: p.PolicyArn })),
        );
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await iam.send(
      new ListInstanceProfilesForRoleCommand({ RoleName: roleName, Marker: marker }),
    );
    for (const ip of page.InstanceProfiles ?? [])
      if (ip.InstanceProfileName)
        await partGone(() =>
          iam.send(
            new RemoveRoleFromInstanceProfileCommand({
              RoleName: roleName,
              InstanceProfileName: ip.InstanceProfileName,
            }),
          ),
        );
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
}

async function scalableTargetsByArn(
  aas: ApplicationAutoScalingClient,
): Promise<Map<string, ScalableTarget>> {
  const map = new Map<string, ScalableTarget>();
  let next: string | undefined;
  do {
    const page = await aas.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken: next }),
    );
    for (const t of page.ScalableTargets ?? [])
      if (t.ScalableTargetARN) map.set(t.ScalableTargetARN, t);
    next = page.NextToken;
  } while (next);
  return map;
}

async function waitForNatGatewaysDeleted(
  ec2: EC2Client,
  ids: readonly string[],
  clock: Clock,
  pollMs: number,
): Promise<void> {
  for (;;) {
    let pending: string[];
    try {
      const out = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [...ids] }));
      pending = (out.NatGateways ?? [])
        .filter((n) => n.State !== 'deleted' && n.State !== 'failed')
        .map((n) => n.NatGatewayId!);
    } catch (err) {
      if (/NotFound/.test(errorName(err))) return;
      throw err;
    }
    if (pending.length === 0) return;
    if (clock.timeLeftMs() <= pollMs)
      throw new DeadlineReachedError(
        `waiting for NAT gateways ${pending.join(', ')} to be deleted`,
      );
    await clock.sleep(pollMs);
  }
}
