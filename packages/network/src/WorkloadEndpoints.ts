import { type EndpointResolved, IssueCollector, parseCidr } from '@automock/core';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';

/** Props of {@link WorkloadEndpoints}. */
export interface WorkloadEndpointsProps extends TerraformMetaArguments {
  readonly vpcId: string;
  /** The VPC's CIDR: the only source interface endpoints admit. */
  readonly vpcCidr: string;
  /** Subnets interface endpoints get a network interface in (one per AZ). */
  readonly privateSubnetIds: string[];
  /** Route tables gateway endpoints add their routes to. @default - none (then no gateway endpoint may be asked for) */
  readonly privateRouteTableIds?: string[];
  /** The endpoints, validated by core's `endpointsSection`. */
  readonly endpoints: readonly EndpointResolved[];
  /** Name of the interface endpoints' security group (core's `resourceName('securityGroup', ...)`). */
  readonly securityGroupName: string;
}

/** A construct id from a service name (`ecr.dkr` → `EcrDkr`). */
function idOf(service: string): string {
  return service
    .split(/[^a-z0-9]+/i)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * VPC endpoints: gateway endpoints (S3, DynamoDB) on the given route tables, interface endpoints
 * in the private subnets with private DNS, behind one security group that admits HTTPS (443) from
 * the VPC's CIDR and nothing else.
 */
export class WorkloadEndpoints extends Construct {
  /** By service, e.g. `ecr.api`. */
  readonly endpoints: ReadonlyMap<string, VpcEndpoint>;
  /** Only when there is an interface endpoint. */
  readonly securityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: WorkloadEndpointsProps) {
    super(scope, id);
    const issues = new IssueCollector();
    const gateways = props.endpoints.filter((e) => e.type === 'Gateway');
    const interfaces = props.endpoints.filter((e) => e.type === 'Interface');
    if (gateways.length > 0 && (props.privateRouteTableIds ?? []).length === 0)
      issues.add(
        'WorkloadEndpoints.privateRouteTableIds',
        props.privateRouteTableIds,
        `gateway endpoints (${gateways.map((g) => g.service).join(', ')}) need the private route tables`,
      );
    if (interfaces.length > 0 && props.privateSubnetIds.length === 0)
      issues.add(
        'WorkloadEndpoints.privateSubnetIds',
        props.privateSubnetIds,
        'interface endpoints need at least one private subnet',
      );
    if (!props.vpcCidr.includes('${') && !parseCidr(props.vpcCidr))
      issues.add('WorkloadEndpoints.vpcCidr', props.vpcCidr, 'must be an IPv4 CIDR block');
    issues.throwIfAny('WorkloadEndpoints');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };

    if (interfaces.length > 0) {
      this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
        ...meta,
        name: props.securityGroupName,
        description: 'Interface VPC endpoints: HTTPS from the VPC only',
        vpcId: props.vpcId,
      });
      new VpcSecurityGroupIngressRule(this, 'HttpsFromVpc', {
        ...meta,
        securityGroupId: this.securityGroup.id,
        description: 'HTTPS from inside the VPC',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: props.vpcCidr,
      });
    }
    const out = new Map<string, VpcEndpoint>();
    for (const e of props.endpoints) {
      const gateway = e.type === 'Gateway';
      out.set(
        e.service,
        new VpcEndpoint(this, `${idOf(e.service)}${e.type}`, {
          ...meta,
          vpcId: props.vpcId,
          vpcEndpointType: e.type,
          serviceName: e.serviceName,
          policy: e.policy,
          ...(gateway
            ? { routeTableIds: props.privateRouteTableIds }
            : {
                subnetIds: props.privateSubnetIds,
                securityGroupIds: [this.securityGroup!.id],
                privateDnsEnabled: true,
              }),
        }),
      );
    }
    this.endpoints = out;
  }
}
