import type { EndpointResolved } from '@automock/core';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { WorkloadEndpoints, WorkloadEndpointsProps } from './WorkloadEndpoints';

const GATEWAY: EndpointResolved = {
  service: 's3',
  type: 'Gateway',
  serviceName: 'com.amazonaws.eu-west-1.s3',
};
const SQS: EndpointResolved = {
  service: 'sqs',
  type: 'Interface',
  serviceName: 'com.amazonaws.eu-west-1.sqs',
  policy: '{"Version":"2012-10-17","Statement":[]}',
};
const base: WorkloadEndpointsProps = {
  vpcId: 'vpc-1',
  vpcCidr: '10.1.0.0/16',
  privateSubnetIds: ['subnet-a', 'subnet-b'],
  privateRouteTableIds: ['rtb-a', 'rtb-b'],
  endpoints: [GATEWAY, SQS],
  securityGroupName: 'automock-dev-shop-endpoints',
};

function synth(props: Partial<WorkloadEndpointsProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 's');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new WorkloadEndpoints(stack, 'E', { ...base, ...props });
  return JSON.parse(Testing.synth(stack)).resource;
}

describe('WorkloadEndpoints', () => {
  test('gateway on route tables, interface in subnets with private DNS, the policy, one group', () => {
    const r = synth();
    const [gw, sqs] = Object.values<any>(r.aws_vpc_endpoint);
    expect(gw).toMatchObject({ vpc_endpoint_type: 'Gateway', route_table_ids: ['rtb-a', 'rtb-b'] });
    expect(gw.security_group_ids).toBeUndefined();
    expect(sqs).toMatchObject({
      vpc_endpoint_type: 'Interface',
      subnet_ids: ['subnet-a', 'subnet-b'],
      private_dns_enabled: true,
      policy: SQS.policy,
      security_group_ids: [
        expect.stringMatching(/^\$\{aws_security_group\.E_SecurityGroup_\w+\.id\}$/),
      ],
    });
    expect(Object.values<any>(r.aws_vpc_security_group_ingress_rule)).toEqual([
      expect.objectContaining({
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: '10.1.0.0/16',
      }),
    ]);
  });

  test('gateway endpoints only: no security group', () => {
    const r = synth({ endpoints: [GATEWAY] });
    expect(r.aws_security_group).toBeUndefined();
  });

  test('missing route tables or subnets, and a bad CIDR, are refused together', () => {
    const stack = new TerraformStack(new App(), 's');
    expect(
      () =>
        new WorkloadEndpoints(stack, 'E', {
          ...base,
          privateRouteTableIds: [],
          privateSubnetIds: [],
          vpcCidr: '10.0.0.0',
        }),
    ).toThrow(
      /privateRouteTableIds[\s\S]*need the private route tables[\s\S]*privateSubnetIds[\s\S]*vpcCidr: got "10\.0\.0\.0"/,
    );
  });
});
