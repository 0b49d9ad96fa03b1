// cdktf's jest matcher types (the matchers themselves are installed by jest.setup.js).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { ConfigValidationError } from '@automock/core';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { Network, NetworkProps } from './Network';

type Json = Record<string, any>;

function synth(props: Partial<NetworkProps> = {}): { json: Json; network: Network; raw: string } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const network = new Network(stack, 'Network', { env: 'dev', ...props });
  const raw = Testing.synth(stack);
  return { json: JSON.parse(raw), network, raw };
}

const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});

/** The route table id token a resource points at, e.g. `${aws_route_table.Network_PublicRouteTable_xxx.id}`. */
const ref = (json: Json, type: string, idPart: string): string => {
  const key = Object.keys(json.resource[type]).find((k) => k.includes(idPart));
  if (!key) throw new Error(`no ${type} with ${idPart}`);
  return `\${${type}.${key}.id}`;
};

describe('Network', () => {
  describe('VPC basics', () => {
    it('enables DNS support and hostnames on the VPC with the given CIDR', () => {
      const { raw } = synth({ cidr: '10.20.0.0/16' });
      expect(raw).toHaveResourceWithProperties(Vpc, {
        cidr_block: '10.20.0.0/16',
        enable_dns_support: true,
        enable_dns_hostnames: true,
        tags: expect.objectContaining({ Name: 'automock-dev' }),
      });
    });

    it('adopts the default security group with no ingress or egress rules', () => {
      const { json, raw } = synth();
      expect(raw).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
      const [sg] = resources(json, 'aws_default_security_group');
      expect(sg!.vpc_id).toBe(ref(json, 'aws_vpc', 'Vpc'));
    });

    it('creates an internet gateway and a public route table whose default route goes to it', () => {
      const { json } = synth();
      expect(resources(json, 'aws_internet_gateway')).toHaveLength(1);
      const publicRoutes = resources(json, 'aws_route').filter(
        (r) => r.route_table_id === ref(json, 'aws_route_table', 'PublicRouteTable'),
      );
      expect(publicRoutes).toEqual([
        expect.objectContaining({
          destination_cidr_block: '0.0.0.0/0',
          gateway_id: ref(json, 'aws_internet_gateway', 'InternetGateway'),
        }),
      ]);
    });

    it('takes AZ names from the available, non-opt-in zones by index', () => {
      const { json, network } = synth({ azCount: 3 });
      const azs = Object.values(json.data.aws_availability_zones) as Json[];
      expect(azs).toEqual([
        expect.objectContaining({
          state: 'available',
          filter: [{ name: 'opt-in-status', values: ['opt-in-not-required'] }],
        }),
      ]);
      const subnets = resources(json, 'aws_subnet');
      const zones = subnets.map((s) => s.availability_zone);
      expect(
        zones.filter((z) => /element\(.*aws_availability_zones.*\.names, 2\)/.test(z)),
      ).toHaveLength(2);
      expect(network.azNames).toHaveLength(3);
    });
  });

  describe('subnets', () => {
    it('computes one public and one private subnet per AZ from eighths of the VPC', () => {
      const { json, network } = synth({ cidr: '10.0.0.0/16', azCount: 3 });
      expect(network.privateSubnetCidrs).toEqual(['10.0.0.0/19', '10.0.32.0/19', '10.0.64.0/19']);
      expect(network.publicSubnetCidrs).toEqual([
        '10.0.128.0/19',
        '10.0.160.0/19',
        '10.0.192.0/19',
      ]);
      const byTier = (tier: string) =>
        resources(json, 'aws_subnet')
          .filter((s) => s.tags.Tier === tier)
          .map((s) => s.cidr_block)
          .sort();
      expect(byTier('private')).toEqual([...network.privateSubnetCidrs].sort());
      expect(byTier('public')).toEqual([...network.publicSubnetCidrs].sort());
      expect(network.publicSubnetIds).toHaveLength(3);
      expect(network.privateSubnetIds).toHaveLength(3);
    });

    it('computes /27 subnets inside a /24 VPC', () => {
      const { network } = synth({ cidr: '192.168.4.0/24', azCount: 2 });
      expect(network.privateSubnetCidrs).toEqual(['192.168.4.0/27', '192.168.4.32/27']);
      expect(network.publicSubnetCidrs).toEqual(['192.168.4.128/27', '192.168.4.160/27']);
    });

    it('uses given CIDRs as they are and never maps public IPs on launch', () => {
      const { raw, json } = synth({
        publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'],
        privateSubnetCidrs: ['10.0.10.0/24', '10.0.11.0/24'],
      });
      expect(raw).toHaveResourceWithProperties(Subnet, {
        cidr_block: '10.0.1.0/24',
        map_public_ip_on_launch: false,
        tags: expect.objectContaining({ Tier: 'public', Name: 'automock-dev-public-1' }),
      });
      expect(raw).toHaveResourceWithProperties(Subnet, {
        cidr_block: '10.0.11.0/24',
        tags: expect.objectContaining({ Tier: 'private', Name: 'automock-dev-private-2' }),
      });
      expect(resources(json, 'aws_subnet').every((s) => s.map_public_ip_on_launch === false)).toBe(
        true,
      );
    });
  });

  describe('validation', () => {
    const errorOf = (props: Partial<NetworkProps>): ConfigValidationError => {
      try {
        synth(props);
      } catch (e) {
        if (e instanceof ConfigValidationError) return e;
        throw e;
      }
      throw new Error('expected a ConfigValidationError');
    };

    it('rejects a count that does not match azCount', () => {
      expect(() =>
        synth({ azCount: 3, publicSubnetCidrs: ['10.0.1.0/24', '10.0.2.0/24'] }),
      ).toThrow(
        /network\.publicSubnetCidrs: got \["10\.0\.1\.0\/24","10\.0\.2\.0\/24"\], must have exactly azCount \(3\) entries/,
      );
    });

    it('rejects a subnet outside the VPC', () => {
      expect(() =>
        synth({ cidr: '10.0.0.0/16', privateSubnetCidrs: ['10.0.10.0/24', '10.1.0.0/24'] }),
      ).toThrow(
        /network\.privateSubnetCidrs\[1\]: got "10\.1\.0\.0\/24", must lie inside the VPC CIDR 10\.0\.0\.0\/16/,
      );
    });

    it('rejects overlapping subnets, also across tiers and against computed ones', () => {
      expect(() => synth({ privateSubnetCidrs: ['10.0.0.0/24', '10.0.0.128/25'] })).toThrow(
        /privateSubnetCidrs\[1\]: got "10\.0\.0\.128\/25", must not overlap network\.privateSubnetCidrs\[0\]/,
      );
      // computed private subnets are 10.0.0.0/19 and 10.0.32.0/19
      expect(() => synth({ publicSubnetCidrs: ['10.0.33.0/24', '10.0.200.0/24'] })).toThrow(
        /publicSubnetCidrs\[0\]: got "10\.0\.33\.0\/24", must not overlap network\.privateSubnetCidrs\[1\] \(10\.0\.32\.0\/19\)/,
      );
    });

    it('rejects malformed CIDRs, host bits and subnets smaller than /28', () => {
      const e = errorOf({
        publicSubnetCidrs: ['10.0.1.0/33', '10.0.2.1/24'],
        privateSubnetCidrs: ['10.0.10.0/29', 'banana'],
      });
      expect(e.issues.map((i) => i.field)).toEqual([
        'network.privateSubnetCidrs[0]',
        'network.privateSubnetCidrs[1]',
        'network.publicSubnetCidrs[0]',
        'network.publicSubnetCidrs[1]',
      ]);
      expect(e.message).toMatch(
        /privateSubnetCidrs\[0\]: got "10\.0\.10\.0\/29", must have a prefix from \/16 to \/28/,
      );
      expect(e.message).toMatch(
        /publicSubnetCidrs\[1\]: got "10\.0\.2\.1\/24", must be an IPv4 network/,
      );
    });

    it('reports every problem at once: VPC CIDR, azCount, nat, flow log retention', () => {
      const e = errorOf({
        cidr: '10.0.0.0/8',
        azCount: 4 as 2,
        nat: 'two' as 'single',
        flowLogs: { enabled: true, retentionDays: 10 },
      });
      expect(e.issues.map((i) => i.field).sort()).toEqual([
        'network.azCount',
        'network.cidr',
        'network.flowLogs.retentionDays',
        'network.nat',
      ]);
      expect(e.message).toMatch(
        /network\.cidr: got "10\.0\.0\.0\/8", must have a prefix from \/16 to \/24/,
      );
    });

    it('rejects tags that would hijack the teardown selection keys', () => {
      expect(() => synth({ tags: { 'automock:env': 'prod' } })).toThrow(
        /network\.tags\.automock:env: got "automock:env", key must not start with 'automock:'/,
      );
    });

    it('creates nothing when validation fails', () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, 'test');
      expect(() => new Network(stack, 'Network', { env: 'dev', cidr: 'nope' })).toThrow(
        ConfigValidationError,
      );
      expect(stack.node.findAll().filter((c) => c !== stack)).toHaveLength(0);
    });

    it('does not mutate the props it is given', () => {
      const props: NetworkProps = Object.freeze({
        env: 'dev',
        publicSubnetCidrs: Object.freeze(['10.0.201.0/24', '10.0.202.0/24']),
        gatewayEndpoints: Object.freeze({ s3: false }),
      });
      const app = new App();
      const stack = new TerraformStack(app, 'test');
      expect(() => new Network(stack, 'Network', props)).not.toThrow();
      expect(props).toEqual({
        env: 'dev',
        publicSubnetCidrs: ['10.0.201.0/24', '10.0.202.0/24'],
        gatewayEndpoints: { s3: false },
      });
    });
  });

  describe('database subnets', () => {
    it('are off by default: no database subnet, route table or subnet group', () => {
      const { json, network } = synth();
      expect(resources(json, 'aws_db_subnet_group')).toEqual([]);
      expect(resources(json, 'aws_subnet').filter((s) => s.tags.Tier === 'database')).toEqual([]);
      expect(network.databaseSubnetIds).toEqual([]);
      expect(network.databaseSubnetGroupName).toBeUndefined();
    });

    it('take one sixteenth per AZ from the blocks no other tier uses, numbering nothing else anew', () => {
      const three = synth({ databaseSubnets: true, azCount: 3 });
      expect(three.network.databaseSubnetCidrs).toEqual([
        '10.0.96.0/20',
        '10.0.112.0/20',
        '10.0.224.0/20',
      ]);
      expect(three.network.privateSubnetCidrs).toEqual(
        synth({ azCount: 3 }).network.privateSubnetCidrs,
      );
      expect(three.network.publicSubnetCidrs).toEqual(
        synth({ azCount: 3 }).network.publicSubnetCidrs,
      );
      // The smallest VPC still gets subnets AWS accepts (/28).
      expect(
        synth({ databaseSubnets: true, cidr: '10.1.2.0/24' }).network.databaseSubnetCidrs,
      ).toEqual(['10.1.2.96/28', '10.1.2.112/28']);
      const db = resources(three.json, 'aws_subnet').filter((s) => s.tags.Tier === 'database');
      expect(db).toHaveLength(3);
      for (const s of db) expect(s.map_public_ip_on_launch).toBe(false);
    });

    it('route through one table of their own with no route at all (nothing to the internet or NAT)', () => {
      const { json } = synth({ databaseSubnets: true, nat: 'per-az' });
      const table = ref(json, 'aws_route_table', 'DatabaseRouteTable');
      const assoc = resources(json, 'aws_route_table_association').filter(
        (a) => a.route_table_id === table,
      );
      expect(assoc.map((a) => a.subnet_id).sort()).toEqual(
        [0, 1].map((i) => ref(json, 'aws_subnet', `DatabaseSubnet${i}`)).sort(),
      );
      expect(resources(json, 'aws_route').filter((r) => r.route_table_id === table)).toEqual([]);
      // Not on the gateway endpoints either: nothing in the tier talks to S3 or DynamoDB.
      for (const e of resources(json, 'aws_vpc_endpoint'))
        expect(e.route_table_ids).not.toContain(table);
    });

    it('form a lowercase DB subnet group over exactly the database subnets', () => {
      const { json, network } = synth({ databaseSubnets: true, prefix: 'acme' });
      const [group] = resources(json, 'aws_db_subnet_group');
      expect(group).toEqual(
        expect.objectContaining({
          name: 'acme-dev-database',
          subnet_ids: [0, 1].map((i) => ref(json, 'aws_subnet', `DatabaseSubnet${i}`)),
        }),
      );
      expect(network.databaseSubnetGroupName).toEqual(expect.any(String));
    });

    it('accept given CIDRs, checked like the other tiers', () => {
      expect(
        synth({ databaseSubnets: true, databaseSubnetCidrs: ['10.0.200.0/24', '10.0.201.0/24'] })
          .network.databaseSubnetCidrs,
      ).toEqual(['10.0.200.0/24', '10.0.201.0/24']);
      expect(() =>
        synth({ databaseSubnets: true, databaseSubnetCidrs: ['10.0.0.0/24', '10.0.201.0/24'] }),
      ).toThrow(
        /network\.databaseSubnetCidrs\[0\].*must not overlap network\.privateSubnetCidrs\[0\]/s,
      );
      expect(() => synth({ databaseSubnetCidrs: ['10.0.200.0/24', '10.0.201.0/24'] })).toThrow(
        /network\.databaseSubnetCidrs.*must be left out unless databaseSubnets is true/s,
      );
      expect(() => synth({ databaseSubnets: 'yes' as unknown as boolean })).toThrow(
        ConfigValidationError,
      );
    });
  });

  describe('NAT strategies', () => {
    const privateRoutes = (json: Json) =>
      resources(json, 'aws_route').filter((r) => r.nat_gateway_id !== undefined);

    it("'none': no NAT gateway or EIP, private route tables per AZ with no default route", () => {
      const { json, network } = synth({ nat: 'none', azCount: 3 });
      expect(resources(json, 'aws_nat_gateway')).toHaveLength(0);
      expect(resources(json, 'aws_eip')).toHaveLength(0);
      expect(privateRoutes(json)).toHaveLength(0);
      expect(resources(json, 'aws_route')).toHaveLength(1); // the public default route only
      expect(network.privateRouteTableIds).toHaveLength(3);
      expect(network.natGatewayIds).toEqual([]);
    });

    it("'single': one NAT with one EIP in the first public subnet; every AZ's private table routes to it", () => {
      const { json, network } = synth({ nat: 'single', azCount: 3 });
      const nats = resources(json, 'aws_nat_gateway');
      expect(nats).toHaveLength(1);
      expect(nats[0]!.subnet_id).toBe(ref(json, 'aws_subnet', 'PublicSubnet0'));
      expect(nats[0]!.allocation_id).toBe(ref(json, 'aws_eip', 'NatEip0'));
      expect(resources(json, 'aws_eip')).toEqual([expect.objectContaining({ domain: 'vpc' })]);
      const routes = privateRoutes(json);
      expect(routes).toHaveLength(3);
      expect(new Set(routes.map((r) => r.route_table_id)).size).toBe(3);
      for (const r of routes) {
        expect(r.destination_cidr_block).toBe('0.0.0.0/0');
        expect(r.nat_gateway_id).toBe(ref(json, 'aws_nat_gateway', 'NatGateway0'));
      }
      expect(network.natGatewayIds).toHaveLength(1);
    });

    it("'per-az': one NAT and EIP per AZ, each in its AZ's public subnet, each private table routes to its own", () => {
      const { json, network } = synth({ nat: 'per-az', azCount: 3 });
      expect(resources(json, 'aws_nat_gateway')).toHaveLength(3);
      expect(resources(json, 'aws_eip')).toHaveLength(3);
      for (let i = 0; i < 3; i++) {
        const nat =
          json.resource.aws_nat_gateway[
            Object.keys(json.resource.aws_nat_gateway).find((k) => k.includes(`NatGateway${i}`))!
          ];
        expect(nat.subnet_id).toBe(ref(json, 'aws_subnet', `PublicSubnet${i}`));
        const route = privateRoutes(json).find(
          (r) => r.route_table_id === ref(json, 'aws_route_table', `PrivateRouteTable${i}`),
        );
        expect(route?.nat_gateway_id).toBe(ref(json, 'aws_nat_gateway', `NatGateway${i}`));
      }
      expect(network.natGatewayIds).toHaveLength(3);
      expect(network.natPublicIps).toHaveLength(3);
    });

    it('associates each private subnet with its own AZ route table and public subnets with the public one', () => {
      const { json } = synth({ nat: 'per-az', azCount: 2 });
      const assoc = resources(json, 'aws_route_table_association');
      expect(assoc).toHaveLength(4);
      for (let i = 0; i < 2; i++) {
        expect(assoc).toContainEqual({
          subnet_id: ref(json, 'aws_subnet', `PrivateSubnet${i}`),
          route_table_id: ref(json, 'aws_route_table', `PrivateRouteTable${i}`),
        });
        expect(assoc).toContainEqual({
          subnet_id: ref(json, 'aws_subnet', `PublicSubnet${i}`),
          route_table_id: ref(json, 'aws_route_table', 'PublicRouteTable'),
        });
      }
    });
  });

  describe('gateway endpoints', () => {
    it('creates S3 and DynamoDB gateway endpoints on every route table by default', () => {
      const { json, raw } = synth({ azCount: 2 });
      const endpoints = resources(json, 'aws_vpc_endpoint');
      expect(endpoints).toHaveLength(2);
      const tables = Object.keys(json.resource.aws_route_table).map(
        (k) => `\${aws_route_table.${k}.id}`,
      );
      expect(tables).toHaveLength(3);
      for (const ep of endpoints) {
        expect(ep.vpc_endpoint_type).toBe('Gateway');
        expect([...ep.route_table_ids].sort()).toEqual([...tables].sort());
      }
      expect(raw).toHaveResourceWithProperties(VpcEndpoint, {
        service_name: expect.stringMatching(
          /^com\.amazonaws\.\$\{data\.aws_region\..*\.region\}\.s3$/,
        ),
      });
      expect(raw).toHaveResourceWithProperties(VpcEndpoint, {
        service_name: expect.stringMatching(/\.dynamodb$/),
      });
    });

    it('leaves out the endpoints that are switched off', () => {
      const { json, network } = synth({ gatewayEndpoints: { s3: true, dynamodb: false } });
      expect(resources(json, 'aws_vpc_endpoint').map((e) => e.service_name)).toEqual([
        expect.stringMatching(/\.s3$/),
      ]);
      expect(network.dynamodbEndpoint).toBeUndefined();
      const none = synth({ gatewayEndpoints: { s3: false, dynamodb: false } }).json;
      expect(resources(none, 'aws_vpc_endpoint')).toHaveLength(0);
      expect(none.data.aws_region).toBeUndefined();
    });
  });

  describe('flow logs', () => {
    it('are off by default: no flow log, log group or role', () => {
      const { json, raw, network } = synth();
      expect(raw).not.toHaveResource(FlowLog);
      expect(raw).not.toHaveResource(CloudwatchLogGroup);
      expect(resources(json, 'aws_iam_role')).toHaveLength(0);
      expect(network.flowLog).toBeUndefined();
    });

    it('stay off when enabled is false, whatever the retention', () => {
      const { raw } = synth({ flowLogs: { enabled: false, retentionDays: 30 } });
      expect(raw).not.toHaveResource(FlowLog);
    });

    it('send all traffic to a log group with the given retention through a role scoped to that group', () => {
      const { json, raw } = synth({ flowLogs: { enabled: true, retentionDays: 30 } });
      expect(raw).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: '/automock/dev/vpc-flow-logs',
        retention_in_days: 30,
      });
      const groupArn = `\${${'aws_cloudwatch_log_group'}.${Object.keys(json.resource.aws_cloudwatch_log_group)[0]}.arn}`;
      const [flow] = resources(json, 'aws_flow_log');
      expect(flow).toMatchObject({
        traffic_type: 'ALL',
        log_destination_type: 'cloud-watch-logs',
        log_destination: groupArn,
        vpc_id: ref(json, 'aws_vpc', 'Vpc'),
      });
      const [role] = resources(json, 'aws_iam_role');
      expect(role!.name).toBe('automock-dev-vpc-flow-logs');
      expect(flow!.iam_role_arn).toMatch(/^\$\{aws_iam_role\..*\.arn\}$/);

      const docs = json.data.aws_iam_policy_document as Record<string, Json>;
      const assume = Object.entries(docs).find(([k]) => k.includes('AssumeRole'))![1];
      expect(assume.statement[0]).toMatchObject({
        actions: ['sts:AssumeRole'],
        principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }],
        condition: [expect.objectContaining({ variable: 'aws:SourceAccount' })],
      });
      const write = Object.entries(docs).find(([k]) => k.includes('FlowLogWrite'))![1];
      expect(write.statement).toHaveLength(1);
      expect(write.statement[0].resources).toEqual([groupArn, `${groupArn}:*`]);
      for (const a of write.statement[0].actions) expect(a).not.toMatch(/\*/);
    });
  });

  it('puts extra tags on every resource it creates', () => {
    const { json } = synth({ tags: { CostCentre: 'qa' }, nat: 'per-az' });
    for (const type of ['aws_vpc', 'aws_subnet', 'aws_route_table', 'aws_nat_gateway', 'aws_eip']) {
      for (const r of resources(json, type)) expect(r.tags.CostCentre).toBe('qa');
    }
  });
});

describe('Network permissions boundary', () => {
  const boundary = 'arn:aws:iam::111111111111:policy/automock-dev-boundary';
  it('sets the boundary on the flow log role, and none when not given', () => {
    const on = synth({ flowLogs: { enabled: true }, permissionsBoundary: boundary }).json;
    expect(resources(on, 'aws_iam_role').map((r) => r.permissions_boundary)).toEqual([boundary]);
    const off = synth({ flowLogs: { enabled: true } }).json;
    expect(resources(off, 'aws_iam_role')[0]!.permissions_boundary).toBeUndefined();
  });
  it('rejects a boundary that is not a policy ARN', () => {
    expect(() => synth({ permissionsBoundary: 'automock-dev-boundary' })).toThrow(
      /network\.permissionsBoundary: got "automock-dev-boundary", must be an IAM policy ARN/,
    );
  });
});
