import { TfElement } from '../model';
import { errorRule, PolicyRule } from '../rule';

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
];
