import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Construct } from 'constructs';
import { IssueCollector } from '@automock/core';
import { checkInternetAlb, createInternetAlb, InternetAlbProps } from './internet-alb';
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
export interface SharedAlbProps extends InternetAlbProps {
  /** With a domain: HTTPS listener with a `*.<domain>` certificate, and HTTP redirects to it. @default - HTTP only */
  readonly domain?: AlbDomain;
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
    const issues = new IssueCollector();
    checkInternetAlb(issues, 'SharedAlb', props);
    issues.throwIfAny('SharedAlb');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    ({ securityGroup: this.securityGroup, alb: this.alb } = createInternetAlb(
      this,
      props,
      props.domain ? [80, 443] : [80],
      'Shared ALB: listener ports from the internet, traffic to the VPC only',
    ));
    this.securityGroupId = this.securityGroup.id;
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
