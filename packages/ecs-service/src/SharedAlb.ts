import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { DnsValidatedCertificate } from './DnsValidatedCertificate';

/** TLS policy for every HTTPS listener: TLS 1.3, with TLS 1.2 for older clients. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/** A domain served through Route53. */
export interface AlbDomain {
  /** Parent domain, e.g. `mocks.example.com`. */
  readonly name: string;
  /** Route53 hosted zone id of that domain. */
  readonly hostedZoneId: string;
}

/** Props of {@link SharedAlb}. */
export interface SharedAlbProps extends TerraformMetaArguments {
  /** ALB name, at most 32 characters. */
  readonly name: string;
  /** Security group name. */
  readonly securityGroupName: string;
  readonly vpcId: string;
  /** CIDR of the VPC: the only place the ALB sends traffic. */
  readonly vpcCidr: string;
  /** Public subnets, one per AZ (at least two). */
  readonly publicSubnetIds: string[];
  /** With a domain: HTTPS listener with a `*.<domain>` certificate, and HTTP redirects to it. @default - HTTP only */
  readonly domain?: AlbDomain;
  /** Deletion protection (production). @default false */
  readonly deletionProtection?: boolean;
  /** Seconds an idle connection stays open. @default 60 */
  readonly idleTimeoutSeconds?: number;
}

/**
 * The environment's shared ALB in public subnets. Its security group admits 80 (and 443 with a
 * domain) from anywhere; project listener ports are opened by each project's attachment. The
 * HTTP listener answers 404 to anything no project rule matches (or redirects to HTTPS with a
 * domain); the HTTPS listener does the same 404 behind a wildcard certificate.
 */
export class SharedAlb extends Construct {
  readonly alb: Lb;
  readonly securityGroup: SecurityGroup;
  readonly httpListener: LbListener;
  readonly httpsListener?: LbListener;
  readonly certificate?: DnsValidatedCertificate;
  readonly albArn: string;
  /** `app/<name>/<id>`: the CloudWatch `LoadBalancer` dimension. */
  readonly arnSuffix: string;
  readonly dnsName: string;
  readonly zoneId: string;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: SharedAlbProps) {
    super(scope, id);
    if (props.name.length > 32)
      throw new Error(
        `SharedAlb.name: got ${JSON.stringify(props.name)}, must be at most 32 characters`,
      );
    if (props.publicSubnetIds.length < 2)
      throw new Error(
        `SharedAlb.publicSubnetIds: got ${props.publicSubnetIds.length}, an ALB needs subnets in at least 2 AZs`,
      );
    const meta = { provider: props.provider, dependsOn: props.dependsOn };

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      ...meta,
      name: props.securityGroupName,
      description: 'Shared ALB: listener ports from the internet, traffic to the VPC only',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = this.securityGroup.id;
    const ports = props.domain ? [80, 443] : [80];
    for (const port of ports) {
      new VpcSecurityGroupIngressRule(this, `Ingress${port}`, {
        ...meta,
        securityGroupId: this.securityGroup.id,
        description: `Listener ${port} from the internet`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
    }
    new VpcSecurityGroupEgressRule(this, 'EgressVpc', {
      ...meta,
      securityGroupId: this.securityGroup.id,
      description: 'To targets and health checks inside the VPC',
      ipProtocol: 'tcp',
      fromPort: 0,
      toPort: 65535,
      cidrIpv4: props.vpcCidr,
    });

    this.alb = new Lb(this, 'Resource', {
      ...meta,
      name: props.name,
      loadBalancerType: 'application',
      internal: false,
      subnets: props.publicSubnetIds,
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection ?? false,
      idleTimeout: props.idleTimeoutSeconds ?? 60,
    });
    this.albArn = this.alb.arn;
    this.arnSuffix = this.alb.arnSuffix;
    this.dnsName = this.alb.dnsName;
    this.zoneId = this.alb.zoneId;

    const notFound = {
      type: 'fixed-response',
      fixedResponse: { contentType: 'text/plain', statusCode: '404', messageBody: 'No mock here' },
    };
    this.httpListener = new LbListener(this, 'Http', {
      ...meta,
      loadBalancerArn: this.alb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: [
        props.domain
          ? {
              type: 'redirect',
              redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' },
            }
          : notFound,
      ],
    });
    if (props.domain) {
      this.certificate = new DnsValidatedCertificate(this, 'Certificate', {
        ...meta,
        domainName: `*.${props.domain.name}`,
        hostedZoneId: props.domain.hostedZoneId,
      });
      this.httpsListener = new LbListener(this, 'Https', {
        ...meta,
        loadBalancerArn: this.alb.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        certificateArn: this.certificate.certificateArn,
        defaultAction: [notFound],
      });
    }
  }
}
