import {
  adminTargetGroups,
  authenticates,
  CONTROL_PLANE_PROBES,
  DATA_PLANE_PROBE,
  forwardTargets,
  restrictsCaller,
  routeProbe,
  runsMockServer,
} from '../alb-routing';
import { asList, TfElement } from '../model';
import { errorRule, PolicyRule, RuleViolation } from '../rule';

export const LB_TYPES = ['aws_lb', 'aws_alb'];
export const LISTENER_TYPES = ['aws_lb_listener', 'aws_alb_listener'];

/** ELB security policies whose minimum protocol is TLS 1.2 or 1.3. */
export const TLS12_POLICY_RE = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-|$)/;
/** ELB security policies that offer TLS 1.3. */
export const TLS13_POLICY_RE = /^ELBSecurityPolicy-TLS13-/;

const isApplication = (lb: TfElement) =>
  lb.body.load_balancer_type === undefined || lb.body.load_balancer_type === 'application';

const secureListener = (l: TfElement) => l.body.protocol === 'HTTPS' || l.body.protocol === 'TLS';

export const ELB_RULES: readonly PolicyRule[] = [
  errorRule('AM-ELB-1', 'Application load balancers drop invalid HTTP header fields', (stack) =>
    stack
      .resources(...LB_TYPES)
      .filter((lb) => isApplication(lb) && lb.body.drop_invalid_header_fields !== true)
      .map((lb) => ({ address: lb.address, message: 'drop_invalid_header_fields is not true' })),
  ),
  errorRule(
    'AM-ELB-2',
    'HTTPS and TLS listeners use a security policy with TLS 1.2 or newer as minimum',
    (stack) =>
      stack
        .resources(...LISTENER_TYPES)
        .filter((l) => secureListener(l))
        .filter(
          (l) => typeof l.body.ssl_policy !== 'string' || !TLS12_POLICY_RE.test(l.body.ssl_policy),
        )
        .map((l) => ({
          address: l.address,
          message: `ssl_policy ${JSON.stringify(l.body.ssl_policy ?? null)} allows TLS below 1.2 (unset means ELBSecurityPolicy-2016-08); use ELBSecurityPolicy-TLS13-1-2-2021-06`,
        })),
  ),
  {
    id: 'AM-ELB-3',
    meaning: 'HTTPS and TLS listeners prefer a TLS 1.3 security policy',
    level: 'warning',
    productionLevel: 'warning',
    check: (stack) =>
      stack
        .resources(...LISTENER_TYPES)
        .filter((l) => secureListener(l))
        .filter(
          (l) => typeof l.body.ssl_policy === 'string' && TLS12_POLICY_RE.test(l.body.ssl_policy),
        )
        .filter((l) => !TLS13_POLICY_RE.test(l.body.ssl_policy as string))
        .map((l) => ({
          address: l.address,
          message: `ssl_policy ${JSON.stringify(l.body.ssl_policy)} has no TLS 1.3; prefer ELBSecurityPolicy-TLS13-1-2-2021-06`,
        })),
  },
  {
    id: 'AM-ELB-4',
    meaning: 'Production load balancers have deletion protection',
    level: 'off',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources(...LB_TYPES)
        .filter((lb) => lb.body.enable_deletion_protection !== true)
        .map((lb) => ({ address: lb.address, message: 'enable_deletion_protection is not true' })),
  },
  errorRule(
    'AM-ELB-5',
    "No listener forwards MockServer's control plane (/mockserver/*, /_mockserver_*) to an anonymous caller from the internet: a secret header, non-internet source CIDRs or authentication must come first",
    (stack) => {
      if (!runsMockServer(stack)) return [];
      const out: RuleViolation[] = [];
      for (const probe of CONTROL_PLANE_PROBES)
        for (const r of routeProbe(stack, probe))
          if (r.outcome === 'forward' && !out.some((v) => v.address === r.decidedBy))
            out.push({
              address: r.decidedBy!,
              message: `forwards ${probe.path} on ${r.listener} to anyone on the internet; put a rule first that forwards it only with a secret header (a Secrets Manager reference) or from non-internet CIDRs, then one that refuses it`,
            });
      return out;
    },
  ),
  {
    id: 'AM-ELB-6',
    meaning:
      'Production mocks are not reachable from the whole internet (set dataPlaneCidrs; warning, since partner-facing mocks may need it)',
    level: 'off',
    productionLevel: 'warning',
    check: (stack) => {
      if (!runsMockServer(stack)) return [];
      return routeProbe(stack, DATA_PLANE_PROBE)
        .filter((r) => r.outcome === 'forward')
        .map((r) => ({
          address: r.decidedBy!,
          message: `serves the mocked API on ${r.listener} to any internet address; set the environment's or project's dataPlaneCidrs`,
        }));
    },
  },
  {
    id: 'AM-ELB-7',
    meaning: 'Production application load balancers write access logs to S3',
    level: 'off',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources(...LB_TYPES)
        .filter(isApplication)
        .filter((lb) => {
          const logs = asList(lb.body.access_logs)[0];
          return !logs || logs.enabled !== true || !logs.bucket;
        })
        .map((lb) => ({
          address: lb.address,
          message:
            'has no access_logs { enabled = true, bucket = ... } (environment albAccessLogs)',
        })),
  },
  errorRule(
    'AM-ELB-8',
    'No listener forwards to a database admin UI (pgAdmin, Adminer, phpMyAdmin) without a condition only authorised callers meet: a secret header, non-internet source CIDRs or authentication',
    (stack) => {
      const admin = adminTargetGroups(stack);
      if (admin.size === 0) return [];
      const imageOf = (actions: unknown) =>
        forwardTargets(actions)
          .map((t) => [...admin].find(([tg]) => stack.refersTo(t, tg))?.[1])
          .find((i) => i !== undefined);
      const out: RuleViolation[] = [];
      for (const r of stack.resources('aws_lb_listener_rule', 'aws_alb_listener_rule')) {
        const image = imageOf(r.body.action);
        if (!image || authenticates(r.body.action)) continue;
        if (asList(r.body.condition).some(restrictsCaller)) continue;
        out.push({
          address: r.address,
          message: `forwards to ${image} with no condition only an authorised caller meets; add a secret header (a Secrets Manager reference) or non-internet source-ip condition, then a rule that refuses the rest`,
        });
      }
      for (const l of stack.resources(...LISTENER_TYPES)) {
        const image = imageOf(l.body.default_action);
        if (image && !authenticates(l.body.default_action))
          out.push({
            address: l.address,
            message: `forwards every request its rules leave to ${image}; make the default a fixed response and reach the admin UI through a protected rule`,
          });
      }
      return out;
    },
  ),
];
