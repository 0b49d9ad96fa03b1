import {
  checkIamPolicyArn,
  IssueCollector,
  LOG_RETENTION_DAYS,
  checkTags,
  NatStrategy,
  cidrContains,
  cidrSubnet,
  cidrsOverlap,
  parseCidr,
  policyDocumentBlocks,
  resourceName,
  serviceTrustStatement,
} from '@automock/core';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Fn, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';

/** Which gateway VPC endpoints to create (free; keep S3 and DynamoDB traffic off the NAT). */
export interface GatewayEndpointsProps {
  /** S3 gateway endpoint on every route table. @default true */
  readonly s3?: boolean;
  /** DynamoDB gateway endpoint on every route table. @default true */
  readonly dynamodb?: boolean;
}

/** VPC flow logs to a CloudWatch log group. */
export interface FlowLogsProps {
  /** Whether to record flow logs. */
  readonly enabled: boolean;
  /** Days to keep flow log events; one of CloudWatch's allowed values. @default 14 */
  readonly retentionDays?: number;
  /** Which traffic to record. @default 'ALL' */
  readonly trafficType?: 'ACCEPT' | 'REJECT' | 'ALL';
}

/** Inputs of {@link Network}. */
export interface NetworkProps {
  /** Environment name, part of every resource name (`<prefix>-<env>-...`). */
  readonly env: string;
  /** Name prefix for every resource. @default 'automock' */
  readonly prefix?: string;
  /** VPC CIDR, /16 to /24. @default '10.0.0.0/16' */
  readonly cidr?: string;
  /** Availability zones to spread subnets over (the first `azCount` available zones of the region). @default 2 */
  readonly azCount?: 2 | 3;
  /**
   * NAT gateways for the private subnets. `none`: private subnets have no route to the internet;
   * `single`: one NAT gateway in the first public subnet serves every AZ (cheap, one AZ's outage
   * cuts egress); `per-az`: one NAT gateway per AZ, each AZ's private subnet routes to its own.
   * @default 'single'
   */
  readonly nat?: NatStrategy;
  /**
   * Public subnet CIDRs, one per AZ, inside the VPC and not overlapping any other subnet.
   * @default - the VPC split into eighths: public subnet i is eighth 4 + i
   */
  readonly publicSubnetCidrs?: readonly string[];
  /**
   * Private subnet CIDRs, one per AZ, inside the VPC and not overlapping any other subnet.
   * @default - the VPC split into eighths: private subnet i is eighth i
   */
  readonly privateSubnetCidrs?: readonly string[];
  /**
   * A third subnet tier for databases (as terraform-aws-modules/vpc's `database_subnets`): one
   * subnet per AZ on a route table of its own with no route to the internet, and an RDS DB subnet
   * group over them.
   * @default false
   */
  readonly databaseSubnets?: boolean;
  /**
   * Database subnet CIDRs, one per AZ, inside the VPC and not overlapping any other subnet; only
   * with `databaseSubnets`.
   * @default - the VPC split into sixteenths: database subnet i is sixteenth 6, 7 or 14 (the
   * blocks the private and public tiers leave free)
   */
  readonly databaseSubnetCidrs?: readonly string[];
  /** Gateway endpoints, attached to every route table. @default - S3 and DynamoDB */
  readonly gatewayEndpoints?: GatewayEndpointsProps;
  /** VPC flow logs to CloudWatch. @default - off */
  readonly flowLogs?: FlowLogsProps;
  /** Extra tags on every resource this construct creates (on top of the provider's default tags). @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * ARN of the IAM policy set as the permissions boundary of every role this construct creates
   * (the CI apply role may create roles only with its environment's boundary).
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: string;
  /** Provider to create the resources with. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** Defaults of {@link NetworkProps}, merged field by field. */
export const NETWORK_DEFAULTS = {
  prefix: 'automock',
  cidr: '10.0.0.0/16',
  azCount: 2,
  nat: 'single',
  flowLogRetentionDays: 14,
  flowLogTrafficType: 'ALL',
} as const;

/**
 * Bits added to the VPC prefix for computed subnets: eight equal blocks, private subnets in the
 * first half and public in the second, so a third tier (e.g. databases) can later take the unused
 * blocks without renumbering anything.
 */
const SUBNET_NEW_BITS = 3;
const PUBLIC_BLOCK_OFFSET = 4;
/**
 * Database subnets take sixteenths of the VPC from the eighths no other tier uses (3 and 7), so
 * turning them on renumbers nothing; a /24 VPC still gets /28 subnets, the smallest AWS allows.
 */
const DATABASE_NEW_BITS = 4;
const DATABASE_BLOCKS = [6, 7, 14] as const;

interface ResolvedNetworkProps {
  readonly env: string;
  readonly prefix: string;
  readonly cidr: string;
  readonly azCount: 2 | 3;
  readonly nat: NatStrategy;
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  /** Empty when the network has no database tier. */
  readonly databaseSubnetCidrs: readonly string[];
  readonly s3Endpoint: boolean;
  readonly dynamodbEndpoint: boolean;
  readonly flowLogs?: { readonly retentionDays: number; readonly trafficType: string };
  readonly tags: Readonly<Record<string, string>>;
}

function isToken(v: unknown): boolean {
  return typeof v === 'string' && Token.isUnresolved(v);
}

/**
 * Validates {@link NetworkProps} and fills in defaults. Every problem is reported at once.
 *
 * @throws ConfigValidationError naming each field, value and rule.
 */
export function resolveNetworkProps(props: NetworkProps): ResolvedNetworkProps {
  const issues = new IssueCollector();
  const prefix = props.prefix ?? NETWORK_DEFAULTS.prefix;
  const cidr = props.cidr ?? NETWORK_DEFAULTS.cidr;
  const azCount = props.azCount ?? NETWORK_DEFAULTS.azCount;
  const nat = props.nat ?? NETWORK_DEFAULTS.nat;
  const f = (k: string) => `network.${k}`;

  if (typeof props.env !== 'string' || props.env.length === 0) {
    issues.add(f('env'), props.env, 'must be a non-empty environment name');
  }
  if (azCount !== 2 && azCount !== 3) issues.add(f('azCount'), azCount, 'must be 2 or 3');
  if (!['none', 'single', 'per-az'].includes(nat)) {
    issues.add(f('nat'), nat, "must be 'none', 'single' or 'per-az'");
  }

  const vpc = parseCidr(cidr);
  if (!vpc) {
    issues.add(
      f('cidr'),
      cidr,
      'must be an IPv4 network in CIDR form with no host bits set, e.g. 10.0.0.0/16',
    );
  } else if (vpc.prefix < 16 || vpc.prefix > 24) {
    issues.add(f('cidr'), cidr, 'must have a prefix from /16 to /24');
  }
  const vpcOk = vpc !== undefined && vpc.prefix >= 16 && vpc.prefix <= 24;
  const count = azCount === 3 ? 3 : 2;

  const tier = (
    name: 'publicSubnetCidrs' | 'privateSubnetCidrs' | 'databaseSubnetCidrs',
    computed: (i: number) => string,
  ): string[] => {
    const given = props[name];
    if (given === undefined) {
      return vpcOk ? Array.from({ length: count }, (_, i) => computed(i)) : [];
    }
    if (!Array.isArray(given)) {
      issues.add(f(name), given, 'must be a list of CIDRs, one per availability zone');
      return [];
    }
    if (given.length !== count) {
      issues.add(
        f(name),
        given,
        `must have exactly azCount (${count}) entries, one per availability zone`,
      );
    }
    given.forEach((c, i) => {
      if (isToken(c)) return;
      const parsed = typeof c === 'string' ? parseCidr(c) : undefined;
      if (!parsed) {
        issues.add(
          `${f(name)}[${i}]`,
          c,
          'must be an IPv4 network in CIDR form with no host bits set, e.g. 10.0.1.0/24',
        );
      } else if (parsed.prefix < 16 || parsed.prefix > 28) {
        issues.add(`${f(name)}[${i}]`, c, 'must have a prefix from /16 to /28 (AWS subnet limits)');
      } else if (vpc && !cidrContains(vpc, parsed)) {
        issues.add(`${f(name)}[${i}]`, c, `must lie inside the VPC CIDR ${cidr}`);
      }
    });
    return [...given];
  };
  const privateSubnetCidrs = tier('privateSubnetCidrs', (i) =>
    cidrSubnet(cidr, SUBNET_NEW_BITS, i),
  );
  const publicSubnetCidrs = tier('publicSubnetCidrs', (i) =>
    cidrSubnet(cidr, SUBNET_NEW_BITS, PUBLIC_BLOCK_OFFSET + i),
  );
  const databaseSubnets = props.databaseSubnets ?? false;
  if (typeof databaseSubnets !== 'boolean') {
    issues.add(f('databaseSubnets'), databaseSubnets, 'must be true or false');
  }
  if (props.databaseSubnetCidrs !== undefined && databaseSubnets !== true) {
    issues.add(
      f('databaseSubnetCidrs'),
      props.databaseSubnetCidrs,
      'must be left out unless databaseSubnets is true',
    );
  }
  const databaseSubnetCidrs =
    databaseSubnets === true
      ? tier('databaseSubnetCidrs', (i) => cidrSubnet(cidr, DATABASE_NEW_BITS, DATABASE_BLOCKS[i]!))
      : [];

  // Overlap across every tier: a given public CIDR can collide with a computed private one.
  const all = [
    ...privateSubnetCidrs.map((c, i) => ({ field: `${f('privateSubnetCidrs')}[${i}]`, c })),
    ...publicSubnetCidrs.map((c, i) => ({ field: `${f('publicSubnetCidrs')}[${i}]`, c })),
    ...databaseSubnetCidrs.map((c, i) => ({ field: `${f('databaseSubnetCidrs')}[${i}]`, c })),
  ]
    .filter((e) => !isToken(e.c))
    .map((e) => ({ ...e, parsed: typeof e.c === 'string' ? parseCidr(e.c) : undefined }));
  for (let a = 0; a < all.length; a++) {
    for (let b = a + 1; b < all.length; b++) {
      const x = all[a]!;
      const y = all[b]!;
      if (x.parsed && y.parsed && cidrsOverlap(x.parsed, y.parsed)) {
        issues.add(y.field, y.c, `must not overlap ${x.field} (${x.c})`);
      }
    }
  }

  checkIamPolicyArn(issues, f('permissionsBoundary'), props.permissionsBoundary);
  const ep = props.gatewayEndpoints ?? {};
  let flowLogs: ResolvedNetworkProps['flowLogs'];
  if (props.flowLogs !== undefined) {
    if (typeof props.flowLogs.enabled !== 'boolean') {
      issues.add(f('flowLogs.enabled'), props.flowLogs.enabled, 'must be true or false');
    }
    const retentionDays = props.flowLogs.retentionDays ?? NETWORK_DEFAULTS.flowLogRetentionDays;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retentionDays)) {
      issues.add(
        f('flowLogs.retentionDays'),
        retentionDays,
        `must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(', ')}`,
      );
    }
    const trafficType = props.flowLogs.trafficType ?? NETWORK_DEFAULTS.flowLogTrafficType;
    if (!['ACCEPT', 'REJECT', 'ALL'].includes(trafficType)) {
      issues.add(f('flowLogs.trafficType'), trafficType, "must be 'ACCEPT', 'REJECT' or 'ALL'");
    }
    if (props.flowLogs.enabled === true) flowLogs = { retentionDays, trafficType };
  }

  checkTags(issues, f('tags'), props.tags ?? {});

  issues.throwIfAny(`network for environment ${JSON.stringify(props.env)}`);
  return {
    env: props.env,
    prefix,
    cidr,
    azCount: count,
    nat,
    publicSubnetCidrs,
    privateSubnetCidrs,
    databaseSubnetCidrs,
    s3Endpoint: ep.s3 ?? true,
    dynamodbEndpoint: ep.dynamodb ?? true,
    flowLogs,
    tags: { ...(props.tags ?? {}) },
  };
}

/**
 * A VPC with a public and a private subnet in each of 2 or 3 availability zones, an internet
 * gateway, NAT gateways per the chosen strategy, S3 and DynamoDB gateway endpoints, optional flow
 * logs, and the default security group stripped of its rules.
 *
 * Routing: one public route table (default route to the internet gateway) shared by the public
 * subnets, and one private route table per AZ whatever the NAT strategy. With `single` every
 * private table routes to the one NAT gateway; with `per-az` each routes to its AZ's; with `none`
 * they have no default route. Keeping a table per AZ (unlike terraform-aws-modules/vpc, which
 * shares one table under a single NAT) costs nothing and means moving from `single` to `per-az`
 * only adds NAT gateways and changes routes: no route table or association is replaced.
 *
 * With `databaseSubnets`, a third tier (as terraform-aws-modules/vpc's `database_subnets`): one
 * subnet per AZ sharing a route table that has no route out of the VPC, and a DB subnet group.
 *
 * Public subnets do not assign public IPs on launch; tasks that run there ask for one explicitly
 * (`assign_public_ip`), so nothing else started in them is exposed by accident.
 *
 * Construct ids are stable contract: renaming one replaces the resource.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  /** The VPC CIDR. */
  readonly cidr: string;
  /** Names of the availability zones used, in subnet order (tokens until apply). */
  readonly azNames: string[];
  readonly internetGateway: InternetGateway;
  readonly defaultSecurityGroup: DefaultSecurityGroup;
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  /** CIDRs of the public subnets, given or computed, in AZ order. */
  readonly publicSubnetCidrs: readonly string[];
  /** CIDRs of the private subnets, given or computed, in AZ order. */
  readonly privateSubnetCidrs: readonly string[];
  readonly publicRouteTable: RouteTable;
  readonly publicRouteTableId: string;
  /** One private route table per AZ, in AZ order. */
  readonly privateRouteTables: RouteTable[];
  readonly privateRouteTableIds: string[];
  /** NAT gateways: none, one, or one per AZ. */
  readonly natGateways: NatGateway[];
  readonly natGatewayIds: string[];
  /** Elastic IPs of the NAT gateways (what third parties allow-list for egress). */
  readonly natPublicIps: string[];
  readonly s3Endpoint?: VpcEndpoint;
  readonly dynamodbEndpoint?: VpcEndpoint;
  /** Database subnets, one per AZ in AZ order; empty without `databaseSubnets`. */
  readonly databaseSubnets: Subnet[];
  readonly databaseSubnetIds: string[];
  /** CIDRs of the database subnets; empty without `databaseSubnets`. */
  readonly databaseSubnetCidrs: readonly string[];
  /** The database subnets' route table: local routes only, nothing to the internet. */
  readonly databaseRouteTable?: RouteTable;
  /** RDS DB subnet group over the database subnets. */
  readonly databaseSubnetGroup?: DbSubnetGroup;
  /** Its name, what an RDS instance's `db_subnet_group_name` takes. */
  readonly databaseSubnetGroupName?: string;
  readonly flowLogGroup?: CloudwatchLogGroup;
  readonly flowLogRole?: IamRole;
  readonly flowLog?: FlowLog;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    // Validate before joining the tree, so bad input leaves no half-built construct behind.
    const p = resolveNetworkProps(props);
    super(scope, id);
    const provider = props.provider;
    const name = (kind?: string) => resourceName('generic', { prefix: p.prefix, env: p.env, kind });
    const tags = (kind?: string, extra: Record<string, string> = {}) => ({
      ...p.tags,
      ...extra,
      Name: name(kind),
    });

    this.cidr = p.cidr;
    this.publicSubnetCidrs = p.publicSubnetCidrs;
    this.privateSubnetCidrs = p.privateSubnetCidrs;

    const azs = new DataAwsAvailabilityZones(this, 'Azs', {
      provider,
      state: 'available',
      // Local and Wavelength zones are opt-in and lack NAT gateways; stay on the regular zones.
      filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
    });
    this.azNames = Array.from({ length: p.azCount }, (_, i) =>
      Token.asString(Fn.element(azs.names, i)),
    );

    this.vpc = new Vpc(this, 'Vpc', {
      provider,
      cidrBlock: p.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: tags(),
    });
    this.vpcId = this.vpc.id;

    // Adopting the default group with no rule blocks removes AWS's allow-all rules from it.
    this.defaultSecurityGroup = new DefaultSecurityGroup(this, 'DefaultSecurityGroup', {
      provider,
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: tags('default-deny'),
    });

    this.internetGateway = new InternetGateway(this, 'InternetGateway', {
      provider,
      vpcId: this.vpc.id,
      tags: tags('igw'),
    });

    this.publicSubnets = p.publicSubnetCidrs.map(
      (cidrBlock, i) =>
        new Subnet(this, `PublicSubnet${i}`, {
          provider,
          vpcId: this.vpc.id,
          cidrBlock,
          availabilityZone: this.azNames[i],
          mapPublicIpOnLaunch: false,
          tags: tags(`public-${i + 1}`, { Tier: 'public' }),
        }),
    );
    this.privateSubnets = p.privateSubnetCidrs.map(
      (cidrBlock, i) =>
        new Subnet(this, `PrivateSubnet${i}`, {
          provider,
          vpcId: this.vpc.id,
          cidrBlock,
          availabilityZone: this.azNames[i],
          mapPublicIpOnLaunch: false,
          tags: tags(`private-${i + 1}`, { Tier: 'private' }),
        }),
    );
    this.publicSubnetIds = this.publicSubnets.map((s) => s.id);
    this.privateSubnetIds = this.privateSubnets.map((s) => s.id);

    this.publicRouteTable = new RouteTable(this, 'PublicRouteTable', {
      provider,
      vpcId: this.vpc.id,
      tags: tags('public'),
    });
    this.publicRouteTableId = this.publicRouteTable.id;
    new Route(this, 'PublicInternetRoute', {
      provider,
      routeTableId: this.publicRouteTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: this.internetGateway.id,
    });
    this.publicSubnets.forEach(
      (s, i) =>
        new RouteTableAssociation(this, `PublicRouteTableAssociation${i}`, {
          provider,
          subnetId: s.id,
          routeTableId: this.publicRouteTable.id,
        }),
    );

    const natCount = p.nat === 'per-az' ? p.azCount : p.nat === 'single' ? 1 : 0;
    const eips = Array.from(
      { length: natCount },
      (_, i) =>
        new Eip(this, `NatEip${i}`, {
          provider,
          domain: 'vpc',
          tags: tags(`nat-${i + 1}`),
          // The address is only routable once the VPC has an internet gateway.
          dependsOn: [this.internetGateway],
        }),
    );
    this.natGateways = eips.map(
      (eip, i) =>
        new NatGateway(this, `NatGateway${i}`, {
          provider,
          allocationId: eip.id,
          subnetId: this.publicSubnets[i]!.id,
          tags: tags(`nat-${i + 1}`),
          dependsOn: [this.internetGateway],
        }),
    );
    this.natGatewayIds = this.natGateways.map((n) => n.id);
    this.natPublicIps = eips.map((e) => e.publicIp);

    this.privateRouteTables = this.privateSubnets.map((subnet, i) => {
      const table = new RouteTable(this, `PrivateRouteTable${i}`, {
        provider,
        vpcId: this.vpc.id,
        tags: tags(`private-${i + 1}`),
      });
      new RouteTableAssociation(this, `PrivateRouteTableAssociation${i}`, {
        provider,
        subnetId: subnet.id,
        routeTableId: table.id,
      });
      const nat = this.natGateways[p.nat === 'per-az' ? i : 0];
      if (nat) {
        new Route(this, `PrivateNatRoute${i}`, {
          provider,
          routeTableId: table.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: nat.id,
        });
      }
      return table;
    });
    this.privateRouteTableIds = this.privateRouteTables.map((t) => t.id);

    this.databaseSubnetCidrs = p.databaseSubnetCidrs;
    this.databaseSubnets = p.databaseSubnetCidrs.map(
      (cidrBlock, i) =>
        new Subnet(this, `DatabaseSubnet${i}`, {
          provider,
          vpcId: this.vpc.id,
          cidrBlock,
          availabilityZone: this.azNames[i],
          mapPublicIpOnLaunch: false,
          tags: tags(`database-${i + 1}`, { Tier: 'database' }),
        }),
    );
    this.databaseSubnetIds = this.databaseSubnets.map((s) => s.id);
    if (this.databaseSubnets.length > 0) {
      // One table for every AZ, with no route besides the VPC's local one: databases neither
      // reach nor are reached from the internet, even through NAT.
      const table = new RouteTable(this, 'DatabaseRouteTable', {
        provider,
        vpcId: this.vpc.id,
        tags: tags('database'),
      });
      this.databaseRouteTable = table;
      this.databaseSubnets.forEach(
        (s, i) =>
          new RouteTableAssociation(this, `DatabaseRouteTableAssociation${i}`, {
            provider,
            subnetId: s.id,
            routeTableId: table.id,
          }),
      );
      this.databaseSubnetGroup = new DbSubnetGroup(this, 'DatabaseSubnetGroup', {
        provider,
        // RDS keeps subnet group names in lowercase; giving it one avoids a perpetual diff.
        name: name('database').toLowerCase(),
        description: `Database subnets of ${p.env}`,
        subnetIds: this.databaseSubnetIds,
        tags: tags('database'),
      });
      this.databaseSubnetGroupName = this.databaseSubnetGroup.name;
    }

    if (p.s3Endpoint || p.dynamodbEndpoint) {
      const region = new DataAwsRegion(this, 'Region', { provider });
      const routeTableIds = [this.publicRouteTable.id, ...this.privateRouteTableIds];
      const endpoint = (id: string, service: string) =>
        new VpcEndpoint(this, id, {
          provider,
          vpcId: this.vpc.id,
          vpcEndpointType: 'Gateway',
          serviceName: `com.amazonaws.${region.region}.${service}`,
          routeTableIds,
          tags: tags(`${service}-endpoint`),
        });
      if (p.s3Endpoint) this.s3Endpoint = endpoint('S3Endpoint', 's3');
      if (p.dynamodbEndpoint) this.dynamodbEndpoint = endpoint('DynamodbEndpoint', 'dynamodb');
    }

    if (p.flowLogs) {
      const logGroupName = resourceName('logGroup', {
        prefix: p.prefix,
        env: p.env,
        kind: 'vpc-flow-logs',
      });
      this.flowLogGroup = new CloudwatchLogGroup(this, 'FlowLogGroup', {
        provider,
        name: logGroupName,
        retentionInDays: p.flowLogs.retentionDays,
        tags: tags('vpc-flow-logs'),
      });
      const account = new DataAwsCallerIdentity(this, 'Account', { provider });
      const assume = new DataAwsIamPolicyDocument(this, 'FlowLogAssumeRole', {
        provider,
        statement: policyDocumentBlocks([
          // Only flow logs of this account may use the role (confused-deputy guard).
          serviceTrustStatement('vpc-flow-logs.amazonaws.com', {
            StringEquals: { 'aws:SourceAccount': account.accountId },
          }),
        ]),
      });
      this.flowLogRole = new IamRole(this, 'FlowLogRole', {
        provider,
        name: resourceName('iamRole', { prefix: p.prefix, env: p.env, kind: 'vpc-flow-logs' }),
        assumeRolePolicy: assume.json,
        permissionsBoundary: props.permissionsBoundary,
        tags: tags('vpc-flow-logs'),
      });
      const write = new DataAwsIamPolicyDocument(this, 'FlowLogWrite', {
        provider,
        statement: policyDocumentBlocks([
          {
            Sid: 'WriteFlowLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            Resource: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
          },
        ]),
      });
      new IamRolePolicy(this, 'FlowLogRolePolicy', {
        provider,
        name: 'write-flow-logs',
        role: this.flowLogRole.id,
        policy: write.json,
      });
      this.flowLog = new FlowLog(this, 'FlowLog', {
        provider,
        vpcId: this.vpc.id,
        trafficType: p.flowLogs.trafficType,
        logDestinationType: 'cloud-watch-logs',
        logDestination: this.flowLogGroup.arn,
        iamRoleArn: this.flowLogRole.arn,
        tags: tags('vpc-flow-logs'),
      });
    }
  }
}
