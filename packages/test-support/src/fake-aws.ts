/**
 * A small stateful fake of the mocked services (aws-sdk-client-mock underneath): the Tagging API
 * answers from a list of tagged resources honouring its tag filters, and every delete is recorded
 * in one global order so tests can assert sequence, retries and "never twice".
 */
import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
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
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, type LocalDynamo, type LocalS3 } from './emulators';

/** The clients a sweep uses (the shape of `@automock/teardown`'s `SweepClients`). */
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
  readonly ecr: ECRClient;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  // Issue 13 D1: workload data and messaging.
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly kms: KMSClient;
}

export interface FakeResource {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

const ACCT = '123456789012';
const R = 'us-east-1';

/** The resources of a dedicated project, in no particular order. */
export function dedicatedProject(env: string, project: string): FakeResource[] {
  const tags = { 'automock:env': env, 'automock:project': project, Project: project };
  // Ids carry the environment, as real ids are unique across environments.
  const id = `${env}-${project}`;
  const arns = [
    `arn:aws:ec2:${R}:${ACCT}:vpc/vpc-${id}`,
    `arn:aws:s3:::automock-${env}-${id}-config`,
    `arn:aws:ec2:${R}:${ACCT}:security-group/sg-${id}-svc`,
    `arn:aws:elasticloadbalancing:${R}:${ACCT}:loadbalancer/app/${id}-alb/50dc6c495c0c9188`,
    `arn:aws:ec2:${R}:${ACCT}:subnet/subnet-${id}-a`,
    `arn:aws:ec2:${R}:${ACCT}:subnet/subnet-${id}-b`,
    `arn:aws:ecs:${R}:${ACCT}:service/automock-${env}/${project}`,
    `arn:aws:elasticloadbalancing:${R}:${ACCT}:targetgroup/${id}-tg/73e2d6bc24d8a067`,
    `arn:aws:ec2:${R}:${ACCT}:natgateway/nat-${id}`,
    `arn:aws:logs:${R}:${ACCT}:log-group:/automock/${env}/${project}`,
    `arn:aws:ec2:${R}:${ACCT}:internet-gateway/igw-${id}`,
    `arn:aws:elasticloadbalancing:${R}:${ACCT}:listener/app/${id}-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`,
    `arn:aws:ec2:${R}:${ACCT}:route-table/rtb-${id}-public`,
    `arn:aws:ec2:${R}:${ACCT}:elastic-ip/eipalloc-${id}`,
    `arn:aws:cloudwatch:${R}:${ACCT}:alarm:${id}-cpu-high`,
    `arn:aws:secretsmanager:${R}:${ACCT}:secret:automock/${env}/${project}/control-plane-token-AbCdEf`,
    `arn:aws:ec2:${R}:${ACCT}:security-group/sg-${id}-alb`,
    `arn:aws:application-autoscaling:${R}:${ACCT}:scalable-target/0ec5${id}`,
    `arn:aws:ecs:${R}:${ACCT}:task-definition/${id}:3`,
    `arn:aws:elasticloadbalancing:${R}:${ACCT}:listener-rule/app/${id}-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`,
  ];
  return arns.map((arn) => ({ arn, tags }));
}

/** An IAM role the fake knows (IAM is not in the Tagging API). */
export interface FakeRole {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Inline policy names. @default [] */
  readonly inline?: readonly string[];
  /** Attached managed policy ARNs. @default [] */
  readonly attached?: readonly string[];
  /** Instance profiles holding it. @default [] */
  readonly instanceProfiles?: readonly string[];
}

/** The roles a project's service gets (core's naming: `<prefix>-<env>-<project>-<service>-…`). */
export function projectRoles(env: string, project: string, prefix = 'automock'): FakeRole[] {
  const tags = { 'automock:env': env, 'automock:project': project, Project: project };
  return [
    {
      name: `${prefix}-${env}-${project}-mockserver-execution`,
      tags,
      inline: ['execution'],
      attached: ['arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'],
    },
    { name: `${prefix}-${env}-${project}-mockserver-task`, tags, inline: ['task'] },
  ];
}

/** The account the fake's STS answers with. */
export const FAKE_ACCOUNT = '123456789012';

export interface FakeAws {
  /** Every mutating call, in order, as `Command id`. */
  readonly calls: string[];
  readonly mocks: ReturnType<typeof mockAll>;
  /** Makes the next `times` calls of `command` for `id` fail with `errorName`. */
  failNext(command: string, id: string, errorName: string, times: number): void;
  /** Total calls to every mocked client (reads included). */
  apiCalls(): number;
  restore(): void;
}

function mockAll(c: Omit<SweepClients, 's3'> & { s3?: S3Client }) {
  return {
    tagging: mockClient(c.tagging),
    ecs: mockClient(c.ecs),
    elbv2: mockClient(c.elbv2),
    ec2: mockClient(c.ec2),
    logs: mockClient(c.logs),
    cloudwatch: mockClient(c.cloudwatch),
    autoscaling: mockClient(c.autoscaling),
    secrets: mockClient(c.secrets),
    ecr: mockClient(c.ecr),
    iam: mockClient(c.iam),
    sts: mockClient(c.sts),
    s3: c.s3 ? mockClient(c.s3) : undefined,
  };
}

/** Options of {@link fakeAws}. */
export interface FakeAwsOptions {
  /** Answer GetResources with every resource, whatever its filters ask. @default false */
  readonly ignoreTagFilters?: boolean;
  /** Detached network interfaces DescribeNetworkInterfaces finds. @default [] */
  readonly enis?: readonly string[];
  /** Versions (half of them delete markers) each config bucket starts with. @default 3 */
  readonly versionsPerBucket?: number;
  /** Tagging API page size. @default 5 */
  readonly pageSize?: number;
  /** IAM roles in the account (ListRoles pages of 2). @default [] */
  readonly roles?: readonly FakeRole[];
  /** The account STS says the credentials are for. @default FAKE_ACCOUNT */
  readonly account?: string;
  /** Return every Tagging API mapping twice, as the API sometimes does. @default false */
  readonly duplicateMappings?: boolean;
}

/**
 * Installs the fake on `clients`. `s3` (optional) is a client to mock for config buckets; each
 * bucket starts with `versionsPerBucket` versions (half of them delete markers).
 */
export function fakeAws(
  clients: Omit<SweepClients, 's3'> & { s3?: S3Client },
  resources: readonly FakeResource[],
  opts: FakeAwsOptions = {},
): FakeAws {
  const calls: string[] = [];
  const failures = new Map<string, { name: string; left: number }>();
  const mocks = mockAll(clients);
  const rec = (command: string, id: string) => {
    const key = `${command} ${id}`;
    const f = failures.get(key);
    if (f && f.left > 0) {
      f.left--;
      calls.push(`${key} -> ${f.name}`);
      const err = new Error(`${f.name} (fake)`);
      err.name = f.name;
      throw err;
    }
    calls.push(key);
    return {};
  };
  const pageSize = opts.pageSize ?? 5;
  mocks.tagging
    .on(GetResourcesCommand)
    .callsFake(
      (input: { TagFilters?: { Key: string; Values: string[] }[]; PaginationToken?: string }) => {
        const match = resources.filter(
          (r) =>
            opts.ignoreTagFilters ||
            (input.TagFilters ?? []).every((f) => f.Values.includes(r.tags[f.Key] ?? '\u0000')),
        );
        const start = Number(input.PaginationToken || 0);
        const slice = match.slice(start, start + pageSize);
        const page = opts.duplicateMappings ? [...slice, ...slice] : slice;
        return {
          ResourceTagMappingList: page.map((r) => ({
            ResourceARN: r.arn,
            Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })),
          })),
          PaginationToken: start + pageSize < match.length ? String(start + pageSize) : '',
        };
      },
    );
  mocks.ecs
    .on(UpdateServiceCommand)
    .callsFake((i) => rec('UpdateService', `${i.cluster}/${i.service}`));
  mocks.ecs
    .on(DeleteServiceCommand)
    .callsFake((i) => rec('DeleteService', `${i.cluster}/${i.service}`));
  mocks.ecs
    .on(DeregisterTaskDefinitionCommand)
    .callsFake((i) => rec('DeregisterTaskDefinition', i.taskDefinition));
  mocks.ecs.on(DeleteClusterCommand).callsFake((i) => rec('DeleteCluster', i.cluster));
  mocks.elbv2.on(DeleteRuleCommand).callsFake((i) => rec('DeleteRule', i.RuleArn));
  mocks.elbv2.on(DeleteListenerCommand).callsFake((i) => rec('DeleteListener', i.ListenerArn));
  mocks.elbv2
    .on(DeleteTargetGroupCommand)
    .callsFake((i) => rec('DeleteTargetGroup', i.TargetGroupArn));
  mocks.elbv2
    .on(DeleteLoadBalancerCommand)
    .callsFake((i) => rec('DeleteLoadBalancer', i.LoadBalancerArn));
  mocks.ec2
    .on(DeleteVpcEndpointsCommand)
    .callsFake((i) => rec('DeleteVpcEndpoints', i.VpcEndpointIds[0]));
  mocks.ec2.on(DeleteNatGatewayCommand).callsFake((i) => rec('DeleteNatGateway', i.NatGatewayId));
  mocks.ec2.on(DescribeNatGatewaysCommand).callsFake((i) => ({
    NatGateways: (i.NatGatewayIds ?? []).map((id: string) => ({
      NatGatewayId: id,
      State: 'deleted',
    })),
  }));
  mocks.ec2.on(ReleaseAddressCommand).callsFake((i) => rec('ReleaseAddress', i.AllocationId));
  mocks.ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: (opts.enis ?? []).map((id) => ({
      NetworkInterfaceId: id,
      Status: 'available',
    })),
  });
  mocks.ec2
    .on(DeleteNetworkInterfaceCommand)
    .callsFake((i) => rec('DeleteNetworkInterface', i.NetworkInterfaceId));
  mocks.ec2.on(DeleteSubnetCommand).callsFake((i) => rec('DeleteSubnet', i.SubnetId));
  mocks.ec2.on(DeleteRouteTableCommand).callsFake((i) => rec('DeleteRouteTable', i.RouteTableId));
  mocks.ec2.on(DescribeInternetGatewaysCommand).callsFake((i) => ({
    InternetGateways: [
      {
        InternetGatewayId: i.InternetGatewayIds[0],
        // Attached to the project's own VPC, as a dedicated project's gateway is.
        Attachments: [
          { VpcId: String(i.InternetGatewayIds[0]).replace(/^igw-/, 'vpc-'), State: 'available' },
        ],
      },
    ],
  }));
  mocks.ec2
    .on(DetachInternetGatewayCommand)
    .callsFake((i) => rec('DetachInternetGateway', i.InternetGatewayId));
  mocks.ec2
    .on(DeleteInternetGatewayCommand)
    .callsFake((i) => rec('DeleteInternetGateway', i.InternetGatewayId));
  mocks.ec2.on(DescribeSecurityGroupRulesCommand).callsFake((i) => ({
    SecurityGroupRules: [
      {
        SecurityGroupRuleId: `sgr-${i.Filters[0].Values[0]}`,
        IsEgress: false,
        ReferencedGroupInfo: { GroupId: 'sg-other' },
      },
      { SecurityGroupRuleId: `sgr-cidr`, IsEgress: true, CidrIpv4: '0.0.0.0/0' },
    ],
  }));
  mocks.ec2
    .on(RevokeSecurityGroupIngressCommand)
    .callsFake((i) => rec('RevokeSecurityGroupIngress', i.GroupId));
  mocks.ec2.on(DeleteSecurityGroupCommand).callsFake((i) => rec('DeleteSecurityGroup', i.GroupId));
  mocks.ec2.on(DeleteVpcCommand).callsFake((i) => rec('DeleteVpc', i.VpcId));
  mocks.logs.on(DeleteLogGroupCommand).callsFake((i) => rec('DeleteLogGroup', i.logGroupName));
  mocks.cloudwatch.on(DeleteAlarmsCommand).callsFake((i) => rec('DeleteAlarms', i.AlarmNames[0]));
  mocks.autoscaling.on(DescribeScalableTargetsCommand).callsFake(() => ({
    ScalableTargets: resources
      .filter((r) => r.arn.includes(':scalable-target/'))
      .map((r) => ({
        ScalableTargetARN: r.arn,
        ServiceNamespace: 'ecs',
        ResourceId: `service/${r.tags['automock:env']}/${r.tags['automock:project']}`,
        ScalableDimension: 'ecs:service:DesiredCount',
      })),
  }));
  mocks.autoscaling
    .on(DeregisterScalableTargetCommand)
    .callsFake((i) => rec('DeregisterScalableTarget', i.ResourceId));
  mocks.secrets.on(DeleteSecretCommand).callsFake((i) => {
    if (i.ForceDeleteWithoutRecovery !== true) throw new Error('must skip the recovery window');
    return rec('DeleteSecret', i.SecretId.split(':').pop());
  });
  mocks.ecr.on(DeleteRepositoryCommand).callsFake((i) => {
    if (i.force !== true)
      throw new Error('must force: a repository with images is refused otherwise');
    return rec('DeleteRepository', i.repositoryName);
  });

  const account = opts.account ?? FAKE_ACCOUNT;
  mocks.sts.on(GetCallerIdentityCommand).resolves({
    Account: account,
    Arn: `arn:aws:sts::${account}:assumed-role/automock-dev-reaper/reaper`,
  });
  // IAM roles with their policies: deletes really remove, and DeleteRole refuses a role that
  // still has policies or instance profiles, as IAM does (DeleteConflict).
  const roles = new Map(
    (opts.roles ?? []).map((r) => [
      r.name,
      {
        tags: r.tags,
        inline: new Set(r.inline ?? []),
        attached: new Set(r.attached ?? []),
        profiles: new Set(r.instanceProfiles ?? []),
      },
    ]),
  );
  const role = (name: string) => {
    const r = roles.get(name);
    if (!r)
      throw Object.assign(new Error(`role ${name} not found (fake)`), { name: 'NoSuchEntity' });
    return r;
  };
  mocks.iam.on(ListRolesCommand).callsFake((i) => {
    const names = [...roles.keys()].sort();
    const start = Number(i.Marker || 0);
    const page = names.slice(start, start + 2);
    const more = start + 2 < names.length;
    return {
      Roles: page.map((n) => ({ RoleName: n, Arn: `arn:aws:iam::${account}:role/${n}` })),
      IsTruncated: more,
      Marker: more ? String(start + 2) : undefined,
    };
  });
  mocks.iam.on(ListRoleTagsCommand).callsFake((i) => ({
    Tags: Object.entries(role(i.RoleName).tags).map(([Key, Value]) => ({ Key, Value })),
    IsTruncated: false,
  }));
  mocks.iam.on(ListRolePoliciesCommand).callsFake((i) => ({
    PolicyNames: [...role(i.RoleName).inline],
    IsTruncated: false,
  }));
  mocks.iam.on(ListAttachedRolePoliciesCommand).callsFake((i) => ({
    AttachedPolicies: [...role(i.RoleName).attached].map((PolicyArn) => ({ PolicyArn })),
    IsTruncated: false,
  }));
  mocks.iam.on(ListInstanceProfilesForRoleCommand).callsFake((i) => ({
    InstanceProfiles: [...role(i.RoleName).profiles].map((InstanceProfileName) => ({
      InstanceProfileName,
    })),
    IsTruncated: false,
  }));
  mocks.iam.on(DeleteRolePolicyCommand).callsFake((i) => {
    role(i.RoleName).inline.delete(i.PolicyName);
    return rec('DeleteRolePolicy', `${i.RoleName}/${i.PolicyName}`);
  });
  mocks.iam.on(DetachRolePolicyCommand).callsFake((i) => {
    role(i.RoleName).attached.delete(i.PolicyArn);
    return rec('DetachRolePolicy', `${i.RoleName}/${i.PolicyArn}`);
  });
  mocks.iam.on(RemoveRoleFromInstanceProfileCommand).callsFake((i) => {
    role(i.RoleName).profiles.delete(i.InstanceProfileName);
    return rec('RemoveRoleFromInstanceProfile', `${i.RoleName}/${i.InstanceProfileName}`);
  });
  mocks.iam.on(DeleteRoleCommand).callsFake((i) => {
    const r = role(i.RoleName);
    if (r.inline.size || r.attached.size || r.profiles.size)
      throw Object.assign(new Error(`role ${i.RoleName} still has policies (fake)`), {
        name: 'DeleteConflict',
      });
    const out = rec('DeleteRole', i.RoleName);
    roles.delete(i.RoleName);
    return out;
  });

  // Versioned buckets: a version list DeleteObjects really shrinks.
  const buckets = new Map<string, { Key: string; VersionId: string; marker: boolean }[]>();
  const bucketOf = (name: string) => {
    if (!buckets.has(name)) {
      const n = opts.versionsPerBucket ?? 3;
      buckets.set(
        name,
        Array.from({ length: n }, (_, i) => ({
          Key: `expectations-${i % 7}.json`,
          VersionId: `v${i}`,
          marker: i % 2 === 1,
        })),
      );
    }
    return buckets.get(name)!;
  };
  if (mocks.s3) {
    mocks.s3.on(ListObjectVersionsCommand).callsFake((i) => {
      const all = bucketOf(i.Bucket);
      const page = all.slice(0, i.MaxKeys ?? 1000);
      return {
        Versions: page
          .filter((o) => !o.marker)
          .map((o) => ({ Key: o.Key, VersionId: o.VersionId })),
        DeleteMarkers: page
          .filter((o) => o.marker)
          .map((o) => ({ Key: o.Key, VersionId: o.VersionId })),
        IsTruncated: all.length > page.length,
      };
    });
    mocks.s3.on(DeleteObjectsCommand).callsFake((i) => {
      if (i.Delete.Objects.length > 1000)
        throw Object.assign(new Error('MalformedXML'), { name: 'MalformedXML' });
      const gone = new Set(
        i.Delete.Objects.map((o: { Key: string; VersionId: string }) => `${o.Key}@${o.VersionId}`),
      );
      buckets.set(
        i.Bucket,
        bucketOf(i.Bucket).filter((o) => !gone.has(`${o.Key}@${o.VersionId}`)),
      );
      rec('DeleteObjects', `${i.Bucket}:${i.Delete.Objects.length}`);
      return { Deleted: i.Delete.Objects };
    });
    mocks.s3.on(DeleteBucketCommand).callsFake((i) => {
      if (bucketOf(i.Bucket).length > 0)
        throw Object.assign(new Error('BucketNotEmpty'), { name: 'BucketNotEmpty' });
      return rec('DeleteBucket', i.Bucket);
    });
  }
  return {
    calls,
    mocks,
    failNext(command, id, name, times) {
      failures.set(`${command} ${id}`, { name, left: times });
    },
    apiCalls() {
      return Object.values(mocks).reduce((n, m) => n + (m ? m.calls().length : 0), 0);
    },
    restore() {
      for (const m of Object.values(mocks)) m?.restore();
    },
  };
}

/** Clients for the mocked services (each a fresh instance for aws-sdk-client-mock). */
export function mockedServiceClients() {
  const o = { region: EMULATOR_REGION, credentials: { ...EMULATOR_CREDENTIALS } };
  return {
    sns: new SNSClient(o),
    tagging: new ResourceGroupsTaggingAPIClient(o),
    ecs: new ECSClient(o),
    elbv2: new ElasticLoadBalancingV2Client(o),
    ec2: new EC2Client(o),
    logs: new CloudWatchLogsClient(o),
    cloudwatch: new CloudWatchClient(o),
    autoscaling: new ApplicationAutoScalingClient(o),
    secrets: new SecretsManagerClient(o),
    ecr: new ECRClient(o),
    iam: new IAMClient(o),
    sts: new STSClient(o),
    // Issue 13 D1: the sweep's workload data and messaging clients (tests mock them as needed).
    dynamodb: new DynamoDBClient(o),
    sqs: new SQSClient(o),
    kms: new KMSClient(o),
  };
}

/** A clock that never runs out and does not wait, recording the pauses asked for. */
export function instantClock(): {
  timeLeftMs: () => number;
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
} {
  const sleeps: number[] = [];
  return {
    timeLeftMs: () => 600_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    sleeps,
  };
}

/** What {@link teardownTestBed} sets up. */
export interface TeardownTestBed {
  /** The clients to run a teardown with (the reaper's: the sweep's, DynamoDB and SNS). */
  readonly clients: SweepClients & { readonly dynamodb: DynamoDBClient; readonly sns: SNSClient };
  /** The fake behind every service but DynamoDB and the state bucket. */
  readonly fake: FakeAws;
  /** The mocked service clients (to mock SNS, say, or read a mock's calls). */
  readonly services: ReturnType<typeof mockedServiceClients>;
  /** The DynamoDB client on dynalite (registry and lock table). */
  readonly dynamodb: DynamoDBClient;
  /** The S3 client on s3rver, for the state bucket. */
  readonly stateS3: S3Client;
}

/**
 * Clients for a teardown test: DynamoDB and the state bucket on the emulators, as real as it gets
 * here; every other service on {@link fakeAws}, config buckets included (they need versioning,
 * which s3rver lacks), with `resources` as what the Tagging API knows.
 */
export function teardownTestBed(opts: {
  /** The emulators (startBackendEmulators). */
  readonly dynamo: LocalDynamo;
  readonly s3: LocalS3;
  readonly stateBucket: string;
  readonly resources: readonly FakeResource[];
  readonly fake?: FakeAwsOptions;
}): TeardownTestBed {
  const services = mockedServiceClients();
  const dynamodb = opts.dynamo.client();
  const stateS3 = opts.s3.client();
  const configS3 = new S3Client({
    region: EMULATOR_REGION,
    credentials: { ...EMULATOR_CREDENTIALS },
  });
  const s3 = {
    send: (cmd: { input: { Bucket?: string } }) =>
      cmd.input.Bucket === opts.stateBucket
        ? stateS3.send(cmd as never)
        : configS3.send(cmd as never),
  } as unknown as S3Client;
  const fake = fakeAws({ ...services, s3: configS3 }, opts.resources, opts.fake);
  return { clients: { ...services, dynamodb, s3 }, fake, services, dynamodb, stateS3 };
}
