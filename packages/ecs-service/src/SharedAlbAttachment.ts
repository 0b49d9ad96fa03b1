import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ITerraformDependable, TerraformMetaArguments } from 'cdktf';
import { Construct } from 'constructs';
import { IssueCollector, SharedAlbRouting } from '@automock/core';
import { checkRouting, PathTarget, ProtectedPaths, routingRules, RoutingShape } from './routing';

/** The environment's shared ALB, as a project stack sees it (references from its outputs). */
export interface SharedAlbRef {
  readonly albArn: string;
  /** Its security group; port routing adds an ingress rule for the project's port. */
  readonly albSecurityGroupId: string;
  /** Its DNS name: the URL of a port-routed project, the alias target of a host-routed one. */
  readonly albDnsName: string;
  /** Its hosted zone, for the alias record. @default - none: host routing is refused */
  readonly albZoneId?: string;
  /** The HTTPS listener (its certificate covers `*.<domain>`). @default - none: host routing is refused */
  readonly httpsListenerArn?: string;
}

/** Props of {@link SharedAlbAttachment}. */
export interface SharedAlbAttachmentProps extends TerraformMetaArguments {
  /**
   * A listener port of the project's own (no domain), or rules for its host name on the HTTPS
   * listener from `priority` on (core's `Project.routing`).
   */
  readonly routing: SharedAlbRouting;
  readonly alb: SharedAlbRef;
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

/** A listener port a project may take on the shared ALB (80 and 443 are the ALB's own). */
const PORT_RANGE = { min: 1024, max: 65535 } as const;
/** ELB listener rule priorities. */
const PRIORITY_RANGE = { min: 1, max: 50000 } as const;

/**
 * Checks {@link SharedAlbAttachmentProps}; the target groups and the header's value may be left
 * out, so a construct that creates them can check first (naming its own field for the ALB).
 */
export function checkSharedAlbAttachment(
  issues: IssueCollector,
  owner: string,
  props: Pick<SharedAlbAttachmentProps, 'routing' | 'alb'> & Omit<RoutingShape, 'host'>,
  albField = `${owner}.alb`,
): void {
  const r = props.routing;
  if (r.kind === 'shared-port') {
    if (!Number.isInteger(r.port) || r.port < PORT_RANGE.min || r.port > PORT_RANGE.max)
      issues.add(
        `${owner}.routing.port`,
        r.port,
        `must be a whole number from ${PORT_RANGE.min} to ${PORT_RANGE.max}`,
      );
    checkRouting(issues, owner, props);
    return;
  }
  if (r.kind !== 'shared-host') {
    issues.add(
      `${owner}.routing.kind`,
      (r as { kind: unknown }).kind,
      "must be 'shared-port' or 'shared-host'",
    );
    return;
  }
  for (const k of ['httpsListenerArn', 'albZoneId'] as const)
    if (!props.alb[k])
      issues.add(`${albField}.${k}`, props.alb[k], 'must be given for host routing');
  const rules = checkRouting(issues, owner, { ...props, host: r.domain.hostname });
  if (rules === undefined) return;
  if (
    !Number.isInteger(r.priority) ||
    r.priority < PRIORITY_RANGE.min ||
    r.priority + rules - 1 > PRIORITY_RANGE.max
  )
    issues.add(
      `${owner}.routing.priority`,
      r.priority,
      `must leave room for ${rules} rules within ${PRIORITY_RANGE.min}-${PRIORITY_RANGE.max}`,
    );
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
    const issues = new IssueCollector();
    checkSharedAlbAttachment(issues, 'SharedAlbAttachment', props);
    issues.throwIfAny('SharedAlbAttachment');
    const meta = { provider: props.provider, dependsOn: props.dependsOn };
    const routing = {
      protectedPaths: props.protectedPaths,
      pathTargets: props.pathTargets,
      defaultTargetGroupArn: props.defaultTargetGroupArn,
      allowedCidrs: props.allowedCidrs,
    };
    const alb = props.alb;
    const r = props.routing;

    if (r.kind === 'shared-host') {
      const { rules } = routingRules('SharedAlbAttachment', {
        ...routing,
        host: r.domain.hostname,
      });
      rules.forEach((rule, i) => {
        this.rules.push(
          new LbListenerRule(this, rule.id, {
            ...meta,
            listenerArn: alb.httpsListenerArn!,
            priority: r.priority + i,
            condition: rule.conditions,
            action: rule.action,
          }),
        );
      });
      this.aliasRecord = new Route53Record(this, 'Alias', {
        ...meta,
        zoneId: r.domain.hostedZoneId,
        name: r.domain.hostname,
        type: 'A',
        alias: { name: alb.albDnsName, zoneId: alb.albZoneId!, evaluateTargetHealth: true },
      });
      this.url = `https://${r.domain.hostname}`;
    } else {
      const { rules, defaultAction } = routingRules('SharedAlbAttachment', routing);
      new VpcSecurityGroupIngressRule(this, 'Ingress', {
        ...meta,
        securityGroupId: alb.albSecurityGroupId,
        description: `Listener ${r.port} from the internet (listener rules decide who is served)`,
        ipProtocol: 'tcp',
        fromPort: r.port,
        toPort: r.port,
        cidrIpv4: '0.0.0.0/0',
      });
      this.listener = new LbListener(this, 'Listener', {
        ...meta,
        loadBalancerArn: alb.albArn,
        port: r.port,
        protocol: 'HTTP',
        defaultAction: [defaultAction],
      });
      rules.forEach((rule, i) => {
        this.rules.push(
          new LbListenerRule(this, rule.id, {
            ...meta,
            listenerArn: this.listener!.arn,
            priority: i + 1,
            condition: rule.conditions,
            action: rule.action,
          }),
        );
      });
      this.url = `http://${alb.albDnsName}:${r.port}`;
    }
    if (this.listener) this.dependables.push(this.listener);
    this.dependables.push(...this.rules);
  }
}
