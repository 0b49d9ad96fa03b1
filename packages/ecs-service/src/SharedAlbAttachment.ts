import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ITerraformDependable, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { PathTarget, ProtectedPaths, routingRules } from './routing';

/** Host-based routing on the shared HTTPS listener (environment with a domain). */
export interface SharedAlbHostRouting {
  /** Full host name, e.g. `petstore.mocks.example.com`. */
  readonly hostname: string;
  /** HTTPS listener of the shared ALB (its certificate covers `*.<domain>`). */
  readonly httpsListenerArn: string;
  /** Route53 zone that gets the alias record. */
  readonly hostedZoneId: string;
  /** The ALB's DNS name and hosted zone, for the alias. */
  readonly albDnsName: string;
  readonly albZoneId: string;
  /**
   * First of the listener rule priorities this project uses (one per rule: protected paths take 2
   * or 3, each path target 1, the host 1); they must not overlap another project's on the same
   * listener.
   */
  readonly priority: number;
}

/** Port-based routing: a listener of the project's own on the shared ALB (no domain). */
export interface SharedAlbPortRouting {
  /** Listener port, 1024-65535. */
  readonly port: number;
  readonly albArn: string;
  /** The shared ALB's security group; gets an ingress rule for this port. */
  readonly albSecurityGroupId: string;
  /** The ALB's DNS name, for the URL. */
  readonly albDnsName: string;
}

/** Props of {@link SharedAlbAttachment}. */
export interface SharedAlbAttachmentProps extends TerraformMetaArguments {
  /** Exactly one of host or port routing. */
  readonly routing:
    { readonly host: SharedAlbHostRouting } | { readonly port: SharedAlbPortRouting };
  /** Where everything else goes. */
  readonly defaultTargetGroupArn: string;
  /** Path-specific targets, matched before the default. @default [] */
  readonly pathTargets?: readonly PathTarget[];
  /** Paths only authorised callers reach (MockServer's control plane). @default - none */
  readonly protectedPaths?: ProtectedPaths;
  /**
   * Who may reach the rest (the data plane), enforced by `source-ip` conditions on the rules: the
   * security group stays open on the listener port so the protected paths remain reachable with
   * their header from anywhere. @default ['0.0.0.0/0']
   */
  readonly allowedCidrs?: readonly string[];
}

/**
 * Attaches a project to the environment's shared ALB: listener rules on the HTTPS listener
 * routed by host name (plus a Route53 alias), or, without a domain, a listener on a port of its
 * own with an ingress rule for that port on the ALB's security group.
 */
export class SharedAlbAttachment extends Construct {
  /** Rules and listeners the service must wait for before registering targets. */
  readonly dependables: ITerraformDependable[] = [];
  readonly listener?: LbListener;
  readonly rules: LbListenerRule[] = [];
  readonly aliasRecord?: Route53Record;
  /** Base URL of the project, e.g. `https://petstore.mocks.example.com` or `http://<alb>:10042`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: SharedAlbAttachmentProps) {
    super(scope, id);
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const routing = {
      protectedPaths: props.protectedPaths,
      pathTargets: props.pathTargets,
      defaultTargetGroupArn: props.defaultTargetGroupArn,
      allowedCidrs: props.allowedCidrs,
    };

    if ('host' in props.routing) {
      const h = props.routing.host;
      const { rules } = routingRules('SharedAlbAttachment', { ...routing, host: h.hostname });
      if (!Number.isInteger(h.priority) || h.priority < 1 || h.priority + rules.length - 1 > 50000)
        throw new Error(
          `SharedAlbAttachment.priority: got ${h.priority}, must leave room for ${rules.length} rules within 1-50000`,
        );
      rules.forEach((r, i) => {
        this.rules.push(
          new LbListenerRule(this, r.id, {
            ...meta,
            listenerArn: h.httpsListenerArn,
            priority: h.priority + i,
            condition: r.conditions,
            action: r.action,
          }),
        );
      });
      this.aliasRecord = new Route53Record(this, 'Alias', {
        ...meta,
        zoneId: h.hostedZoneId,
        name: h.hostname,
        type: 'A',
        alias: { name: h.albDnsName, zoneId: h.albZoneId, evaluateTargetHealth: true },
      });
      this.url = `https://${h.hostname}`;
    } else {
      const p = props.routing.port;
      if (!Number.isInteger(p.port) || p.port < 1024 || p.port > 65535)
        throw new Error(`SharedAlbAttachment.port: got ${p.port}, must be 1024-65535`);
      const { rules, defaultAction } = routingRules('SharedAlbAttachment', routing);
      new VpcSecurityGroupIngressRule(this, 'Ingress', {
        ...meta,
        securityGroupId: p.albSecurityGroupId,
        description: `Listener ${p.port} from the internet (listener rules decide who is served)`,
        ipProtocol: 'tcp',
        fromPort: p.port,
        toPort: p.port,
        cidrIpv4: '0.0.0.0/0',
      });
      this.listener = new LbListener(this, 'Listener', {
        ...meta,
        loadBalancerArn: p.albArn,
        port: p.port,
        protocol: 'HTTP',
        defaultAction: [defaultAction],
      });
      rules.forEach((r, i) => {
        this.rules.push(
          new LbListenerRule(this, r.id, {
            ...meta,
            listenerArn: this.listener!.arn,
            priority: i + 1,
            condition: r.conditions,
            action: r.action,
          }),
        );
      });
      this.url = `http://${p.albDnsName}:${p.port}`;
    }
    if (this.listener) this.dependables.push(this.listener);
    this.dependables.push(...this.rules);
  }
}
