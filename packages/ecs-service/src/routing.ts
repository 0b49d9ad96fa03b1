import { admitsInternet, IssueCollector } from '@automock/core';
import { LbListenerDefaultAction } from '@cdktf/provider-aws/lib/lb-listener';
import {
  LbListenerRuleAction,
  LbListenerRuleCondition,
} from '@cdktf/provider-aws/lib/lb-listener-rule';
import { Token } from 'cdktf';

/** Requests whose path matches go to a target group other than the default one. */
export interface PathTarget {
  /** ALB path patterns; with the host and any source CIDRs, at most 5 condition values per rule. */
  readonly paths: readonly string[];
  readonly targetGroupArn: string;
}

/**
 * Paths that only authorised callers reach (MockServer's control plane): a request carrying the
 * secret header, or one from `sourceCidrs`, is forwarded; every other request to these paths gets
 * 403 from the load balancer and never reaches a task.
 */
export interface ProtectedPaths {
  /** ALB path patterns, e.g. `/mockserver/*`. */
  readonly paths: readonly string[];
  /** Target group that serves them. */
  readonly targetGroupArn: string;
  /**
   * Header an authorised request carries. The value is compared case-insensitively by the ALB
   * and must not contain `*` or `?` (ALB wildcards): use a token of lower-case letters and digits,
   * held in a secret (a Terraform reference, never a literal).
   */
  readonly header: { readonly name: string; readonly value: string };
  /** Networks admitted without the header (e.g. an office VPN, for the dashboard). @default [] */
  readonly sourceCidrs?: readonly string[];
}

/** Routing of one listener (or one host on a shared listener). */
export interface RoutingProps {
  /** Host name the rules are for (shared HTTPS listener); without it the listener is the project's own. @default - none */
  readonly host?: string;
  /** Protected paths, matched first. @default - none */
  readonly protectedPaths?: ProtectedPaths;
  /** Path-specific targets, matched next. @default [] */
  readonly pathTargets?: readonly PathTarget[];
  /** Where the remaining requests go. */
  readonly defaultTargetGroupArn: string;
  /** Who may reach everything but the protected paths (IPv4 CIDRs). @default ['0.0.0.0/0'] */
  readonly allowedCidrs?: readonly string[];
}

/**
 * What decides how many rules there are and what they test: {@link RoutingProps} without the
 * target groups, and the header's value optional. A construct that creates the target groups and
 * the header's secret itself checks this before creating anything.
 */
export interface RoutingShape {
  /** @default - none */
  readonly host?: string;
  /** @default - none */
  readonly protectedPaths?: {
    readonly paths: readonly string[];
    readonly header: { readonly name: string; readonly value?: string };
    /** @default [] */
    readonly sourceCidrs?: readonly string[];
  };
  /** @default [] */
  readonly pathTargets?: readonly { readonly paths: readonly string[] }[];
  /** @default ['0.0.0.0/0'] */
  readonly allowedCidrs?: readonly string[];
}

/** One listener rule, before priorities and the listener are known. */
export interface RuleSpec {
  /** Construct id (stable: renaming one replaces the rule). */
  readonly id: string;
  readonly conditions: LbListenerRuleCondition[];
  readonly action: LbListenerRuleAction[];
}

/** An ALB rule holds at most 5 condition values (quota "condition values per rule", not adjustable). */
export const MAX_CONDITION_VALUES_PER_RULE = 5;

/** The ALB's answer to a request it refuses. */
export function denyAction(message: string): LbListenerRuleAction & LbListenerDefaultAction {
  return {
    type: 'fixed-response',
    fixedResponse: { contentType: 'text/plain', statusCode: '403', messageBody: message },
  };
}

const forward = (arn: string): LbListenerRuleAction[] => [{ type: 'forward', targetGroupArn: arn }];

export const CONTROL_PLANE_DENIED =
  'Forbidden: the MockServer control plane needs the project token (automock reads it for you)';
export const SOURCE_DENIED = 'Forbidden: your address may not call this mock';

function valueCount(conditions: readonly LbListenerRuleCondition[]): number {
  return conditions.reduce(
    (n, c) =>
      n +
      (c.hostHeader?.values?.length ?? 0) +
      (c.pathPattern?.values?.length ?? 0) +
      (c.sourceIp?.values.length ?? 0) +
      (c.httpHeader?.values?.length ?? 0) +
      (c.httpRequestMethod?.values.length ?? 0) +
      (Array.isArray(c.queryString) ? c.queryString.length : 0),
    0,
  );
}

/**
 * Checks a routing before anything is built: at least one allowed CIDR, protected paths never
 * open to the internet by address, a header value that is a secret reference (not a literal), and
 * every rule within the ALB's 5 condition values.
 *
 * @returns how many listener rules the routing takes (when it is valid).
 */
export function checkRouting(
  issues: IssueCollector,
  owner: string,
  shape: RoutingShape,
): number | undefined {
  const before = issues.issues.length;
  if ((shape.allowedCidrs ?? ['0.0.0.0/0']).length === 0)
    issues.add(`${owner}.allowedCidrs`, [], 'must list at least one CIDR');
  const cp = shape.protectedPaths;
  const v = cp?.header.value;
  if (v !== undefined && !Token.isUnresolved(v) && (v.length < 32 || /[*?]/.test(v)))
    issues.add(
      `${owner}.protectedPaths.header.value`,
      `a literal of ${v.length} characters`,
      'must be a secret of at least 32 characters without * or ? (a Terraform reference)',
    );
  if (cp?.sourceCidrs && admitsInternet(cp.sourceCidrs))
    issues.add(
      `${owner}.protectedPaths.sourceCidrs`,
      cp.sourceCidrs,
      'must not admit the internet',
    );
  if (issues.issues.length > before) return undefined;
  const { rules } = buildRules(shape);
  checkConditionValues(issues, owner, rules);
  return issues.issues.length > before ? undefined : rules.length;
}

/** Reports each rule with more condition values than an ALB rule takes, under `<owner>.rules`. */
export function checkConditionValues(
  issues: IssueCollector,
  owner: string,
  rules: readonly RuleSpec[],
): void {
  for (const r of rules) {
    const n = valueCount(r.conditions);
    if (n > MAX_CONDITION_VALUES_PER_RULE)
      issues.add(
        `${owner}.rules`,
        r.id,
        `rule ${r.id} needs ${n} condition values, an ALB rule takes at most ${MAX_CONDITION_VALUES_PER_RULE} (list fewer paths or CIDRs)`,
      );
  }
}

/**
 * The rules (in priority order) and the listener default that route one project: protected paths
 * first (header, then source networks, then 403), path targets, then everything else, which is
 * forwarded only from `allowedCidrs` (403 otherwise). With a host, the last rule matches the host;
 * without one, the listener's default action does the last step.
 *
 * @throws ConfigValidationError when {@link checkRouting} finds a problem.
 */
export function routingRules(
  owner: string,
  props: RoutingProps,
): {
  rules: RuleSpec[];
  defaultAction: LbListenerDefaultAction;
} {
  const issues = new IssueCollector();
  checkRouting(issues, owner, props);
  issues.throwIfAny(owner);
  return buildRules(props);
}

type BuildProps = Omit<RoutingShape, 'protectedPaths' | 'pathTargets'> & {
  readonly protectedPaths?: NonNullable<RoutingShape['protectedPaths']> & {
    readonly targetGroupArn?: string;
  };
  readonly pathTargets?: readonly {
    readonly paths: readonly string[];
    readonly targetGroupArn?: string;
  }[];
  readonly defaultTargetGroupArn?: string;
};

/** Protected paths as {@link protectedPathRules} reads them; the target group may be left out (a check). */
export type ProtectedPathsShape = NonNullable<RoutingShape['protectedPaths']> & {
  /** @default - none yet: the rules forward to '' (a check before the target group exists) */
  readonly targetGroupArn?: string;
};

/**
 * The three rules (two without source networks) that protect paths, in priority order: forward
 * with the header, forward from `sourceCidrs`, answer 403 with `deniedMessage` otherwise. Shared
 * by MockServer's control plane and any admin UI behind an ALB (pgAdmin), so both are protected
 * alike; with `host`, each rule also matches it.
 */
export function protectedPathRules(
  cp: ProtectedPathsShape,
  options: { readonly host?: string; readonly deniedMessage: string },
): RuleSpec[] {
  const host: LbListenerRuleCondition[] = options.host
    ? [{ hostHeader: { values: [options.host] } }]
    : [];
  const paths: LbListenerRuleCondition = { pathPattern: { values: [...cp.paths] } };
  const target = cp.targetGroupArn ?? '';
  const rules: RuleSpec[] = [
    {
      id: 'ControlPlaneToken',
      conditions: [
        ...host,
        paths,
        { httpHeader: { httpHeaderName: cp.header.name, values: [cp.header.value ?? ''] } },
      ],
      action: forward(target),
    },
  ];
  if ((cp.sourceCidrs ?? []).length > 0)
    rules.push({
      id: 'ControlPlaneNetwork',
      conditions: [...host, paths, { sourceIp: { values: [...cp.sourceCidrs!] } }],
      action: forward(target),
    });
  rules.push({
    id: 'ControlPlaneDeny',
    conditions: [...host, paths],
    action: [denyAction(options.deniedMessage)],
  });
  return rules;
}

/** The rules of a routing; target groups not given yet (a check) are left empty. */
function buildRules(props: BuildProps): {
  rules: RuleSpec[];
  defaultAction: LbListenerDefaultAction;
} {
  const allowed = props.allowedCidrs ?? ['0.0.0.0/0'];
  const open = admitsInternet(allowed);
  const host: LbListenerRuleCondition[] = props.host
    ? [{ hostHeader: { values: [props.host] } }]
    : [];
  const fromAllowed: LbListenerRuleCondition[] = open
    ? []
    : [{ sourceIp: { values: [...allowed] } }];
  const rules: RuleSpec[] = [];
  const defaultTarget = props.defaultTargetGroupArn ?? '';

  if (props.protectedPaths)
    rules.push(
      ...protectedPathRules(props.protectedPaths, {
        ...(props.host && { host: props.host }),
        deniedMessage: CONTROL_PLANE_DENIED,
      }),
    );
  (props.pathTargets ?? []).forEach((pt, i) =>
    rules.push({
      id: `PathRule${i}`,
      conditions: [...host, { pathPattern: { values: [...pt.paths] } }, ...fromAllowed],
      action: forward(pt.targetGroupArn ?? ''),
    }),
  );
  let defaultAction: LbListenerDefaultAction;
  if (props.host) {
    rules.push({
      id: 'HostRule',
      conditions: [...host, ...fromAllowed],
      action: forward(defaultTarget),
    });
    // The shared listener's own default (404) answers everything else; not ours to set.
    defaultAction = denyAction(SOURCE_DENIED);
  } else if (open) {
    defaultAction = { type: 'forward', targetGroupArn: defaultTarget };
  } else {
    rules.push({
      id: 'DataPlane',
      conditions: fromAllowed,
      action: forward(defaultTarget),
    });
    defaultAction = denyAction(SOURCE_DENIED);
  }
  return { rules, defaultAction };
}
