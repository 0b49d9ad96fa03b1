import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { IssueCollector, ProjectDomain } from '@automock/core';
import { checkInternetAlb, createInternetAlb, InternetAlbProps } from './internet-alb';
import { DnsValidatedCertificate } from './DnsValidatedCertificate';
import { TLS_POLICY } from './SharedAlb';
import { checkRouting, PathTarget, ProtectedPaths, routingRules, RoutingShape } from './routing';

/** Props of {@link DedicatedAlb}. */
export interface DedicatedAlbProps extends InternetAlbProps {
  /** Where requests go unless a path target matches. */
  readonly defaultTargetGroupArn: string;
  /** Path-specific targets. @default [] */
  readonly pathTargets?: readonly PathTarget[];
  /** Paths only authorised callers reach (MockServer's control plane). @default - none */
  readonly protectedPaths?: ProtectedPaths;
  /** Who may reach the rest, enforced by listener rules. @default ['0.0.0.0/0'] */
  readonly allowedCidrs?: readonly string[];
  /** With a domain: certificate, HTTPS listener (TLS 1.3 policy), HTTP redirect, alias record. @default - HTTP on the ALB's DNS name */
  readonly domain?: ProjectDomain;
  /**
   * An ACM certificate to serve instead of issuing one for `domain` (which then only names the
   * alias record). @default - a DNS-validated certificate for `domain.hostname`
   */
  readonly certificateArn?: string;
  /** TLS policy of the HTTPS listener. @default TLS_POLICY (TLS 1.3 and 1.2) */
  readonly tlsPolicy?: string;
}

/**
 * Checks {@link DedicatedAlbProps}; the target groups and the header's value may be left out, so
 * a construct that creates them can check first.
 */
export function checkDedicatedAlb(
  issues: IssueCollector,
  owner: string,
  props: InternetAlbProps & Omit<RoutingShape, 'host'>,
): void {
  checkInternetAlb(issues, owner, props);
  checkRouting(issues, owner, props);
}

/**
 * A project's own internet-facing ALB (isolated, so a load test neither shares nor exhausts the
 * environment's ALB and its quotas): security
 * group open on 80 (and 443 with a domain) only, invalid header fields dropped, and with a domain
 * an HTTPS listener with a DNS-validated certificate while HTTP redirects to it.
 */
export class DedicatedAlb extends Construct {
  readonly alb: Lb;
  readonly securityGroup: SecurityGroup;
  readonly httpListener: LbListener;
  readonly httpsListener?: LbListener;
  readonly certificate?: DnsValidatedCertificate;
  readonly aliasRecord?: Route53Record;
  readonly rules: LbListenerRule[] = [];
  readonly dependables: ITerraformDependable[] = [];
  readonly securityGroupId: string;
  readonly arnSuffix: string;
  readonly dnsName: string;
  /** `https://<hostname>` or `http://<alb dns name>`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DedicatedAlbProps) {
    super(scope, id);
    const issues = new IssueCollector();
    checkDedicatedAlb(issues, 'DedicatedAlb', props);
    issues.throwIfAny('DedicatedAlb');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    ({ securityGroup: this.securityGroup, alb: this.alb } = createInternetAlb(
      this,
      props,
      props.domain || props.certificateArn ? [80, 443] : [80],
      'Project ALB: listener ports from the internet, traffic to the VPC only',
    ));
    this.securityGroupId = this.securityGroup.id;
    this.arnSuffix = this.alb.arnSuffix;
    this.dnsName = this.alb.dnsName;
    const { rules, defaultAction } = routingRules('DedicatedAlb', {
      protectedPaths: props.protectedPaths,
      pathTargets: props.pathTargets,
      defaultTargetGroupArn: props.defaultTargetGroupArn,
      allowedCidrs: props.allowedCidrs,
    });

    let serving: LbListener;
    if (props.domain || props.certificateArn) {
      if (props.certificateArn === undefined)
        this.certificate = new DnsValidatedCertificate(this, 'Certificate', {
          ...meta,
          domainName: props.domain!.hostname,
          hostedZoneId: props.domain!.hostedZoneId,
        });
      this.httpsListener = new LbListener(this, 'Https', {
        ...meta,
        loadBalancerArn: this.alb.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: props.tlsPolicy ?? TLS_POLICY,
        certificateArn: props.certificateArn ?? this.certificate!.certificateArn,
        defaultAction: [defaultAction],
      });
      this.httpListener = new LbListener(this, 'Http', {
        ...meta,
        loadBalancerArn: this.alb.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [
          {
            type: 'redirect',
            redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' },
          },
        ],
      });
      if (props.domain)
        this.aliasRecord = new Route53Record(this, 'Alias', {
          ...meta,
          zoneId: props.domain.hostedZoneId,
          name: props.domain.hostname,
          type: 'A',
          alias: { name: this.alb.dnsName, zoneId: this.alb.zoneId, evaluateTargetHealth: true },
        });
      serving = this.httpsListener;
      this.url = `https://${props.domain?.hostname ?? this.alb.dnsName}`;
    } else {
      this.httpListener = new LbListener(this, 'Http', {
        ...meta,
        loadBalancerArn: this.alb.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [defaultAction],
      });
      serving = this.httpListener;
      this.url = `http://${this.alb.dnsName}`;
    }
    rules.forEach((r, i) => {
      this.rules.push(
        new LbListenerRule(this, r.id, {
          ...meta,
          listenerArn: serving.arn,
          priority: i + 1,
          condition: r.conditions,
          action: r.action,
        }),
      );
    });
    this.dependables.push(serving, ...this.rules);
  }
}
