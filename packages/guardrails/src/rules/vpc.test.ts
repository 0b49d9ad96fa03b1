import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { TerraformStack } from 'cdktf';
import { check, DEV, findings, PROD, testStack } from '../testing/fixtures';

function network(stack: TerraformStack, zones: string[], natZones: string[], flowLog: boolean) {
  const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.30.0.0/16' });
  zones.forEach((az, i) => {
    const pub = new Subnet(stack, `public-${az}`, {
      vpcId: vpc.id,
      availabilityZone: az,
      cidrBlock: `10.30.${i}.0/24`,
    });
    new Subnet(stack, `private-${az}`, {
      vpcId: vpc.id,
      availabilityZone: az,
      cidrBlock: `10.30.${10 + i}.0/24`,
    });
    if (natZones.includes(az))
      new NatGateway(stack, `nat-${az}`, { subnetId: pub.id, allocationId: 'eipalloc-1' });
  });
  if (flowLog) {
    new FlowLog(stack, 'flow', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestination: 'arn:aws:logs:us-east-1:333333333333:log-group:x',
    });
  }
}

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

describe('VPC rules (production only)', () => {
  test('a prod VPC with flow logs and a NAT per zone passes', () => {
    const { app, stack } = testStack(PROD);
    network(stack, ZONES, ZONES, true);
    const r = check(app, PROD);
    expect(findings(r, 'AM-VPC-1')).toHaveLength(0);
    expect(findings(r, 'AM-VPC-2')).toHaveLength(0);
  });

  test('AM-VPC-1: a prod VPC without flow logs is caught; dev is not checked', () => {
    const prod = testStack(PROD);
    network(prod.stack, ZONES, ZONES, false);
    expect(findings(check(prod.app, PROD), 'AM-VPC-1').map((f) => f.address)).toEqual([
      'aws_vpc.vpc',
    ]);
    const dev = testStack(DEV);
    network(dev.stack, ZONES, ZONES, false);
    expect(findings(check(dev.app, DEV), 'AM-VPC-1')).toHaveLength(0);
  });

  test('AM-VPC-2: a prod VPC with a single NAT for three zones is caught; dev is not checked', () => {
    const prod = testStack(PROD);
    network(prod.stack, ZONES, ['us-east-1a'], true);
    const f = findings(check(prod.app, PROD), 'AM-VPC-2');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/us-east-1b.*us-east-1c/);
    const dev = testStack(DEV);
    network(dev.stack, ZONES, ['us-east-1a'], true);
    expect(findings(check(dev.app, DEV), 'AM-VPC-2')).toHaveLength(0);
  });

  test('AM-VPC-2: a prod VPC with no NAT at all (public tasks) is not judged', () => {
    const { app, stack } = testStack(PROD);
    network(stack, ZONES, [], true);
    expect(findings(check(app, PROD), 'AM-VPC-2')).toHaveLength(0);
  });
});
