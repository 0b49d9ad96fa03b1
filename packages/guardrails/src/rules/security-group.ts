import { asList, StackModel, TfBlock, TfElement } from '../model';
import { errorRule, PolicyRule, RuleViolation } from '../rule';
import { LB_TYPES, LISTENER_TYPES } from './elb';

const SG = 'aws_security_group';
const SG_RULE = 'aws_security_group_rule';
const VPC_INGRESS = 'aws_vpc_security_group_ingress_rule';
const VPC_EGRESS = 'aws_vpc_security_group_egress_rule';
const ANYWHERE = ['0.0.0.0/0', '::/0'];

/** An ingress rule, whichever of the three ways it was written. */
interface Ingress {
  /** Where to report it: the rule resource, or the group for inline blocks. */
  readonly address: string;
  readonly label: string;
  /** The group it belongs to, when that group is in this stack. */
  readonly group?: TfElement;
  readonly groupRef: unknown;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly sources: readonly string[];
}

function ingressRules(stack: StackModel): Ingress[] {
  const out: Ingress[] = [];
  for (const sg of stack.resources(SG)) {
    asList(sg.body.ingress).forEach((b, i) =>
      out.push({
        address: sg.address,
        label: `inline ingress #${i}`,
        group: sg,
        groupRef: undefined,
        protocol: String(b.protocol),
        fromPort: Number(b.from_port),
        toPort: Number(b.to_port),
        sources: [...asList<string>(b.cidr_blocks), ...asList<string>(b.ipv6_cidr_blocks)],
      }),
    );
  }
  const group = (ref: unknown) => stack.resources(SG).find((g) => stack.refersTo(ref, g));
  for (const r of stack.resources(SG_RULE).filter((r) => r.body.type === 'ingress')) {
    out.push({
      address: r.address,
      label: 'rule',
      group: group(r.body.security_group_id),
      groupRef: r.body.security_group_id,
      protocol: String(r.body.protocol),
      fromPort: Number(r.body.from_port),
      toPort: Number(r.body.to_port),
      sources: [...asList<string>(r.body.cidr_blocks), ...asList<string>(r.body.ipv6_cidr_blocks)],
    });
  }
  for (const r of stack.resources(VPC_INGRESS)) {
    const all = String(r.body.ip_protocol) === '-1';
    out.push({
      address: r.address,
      label: 'rule',
      group: group(r.body.security_group_id),
      groupRef: r.body.security_group_id,
      protocol: String(r.body.ip_protocol),
      fromPort: all ? 0 : Number(r.body.from_port),
      toPort: all ? 65535 : Number(r.body.to_port),
      sources: [r.body.cidr_ipv4, r.body.cidr_ipv6].filter(
        (c): c is string => typeof c === 'string',
      ),
    });
  }
  return out;
}

/** Listener ports of the load balancers `sg` is attached to, or undefined when it is on none. */
function listenerPorts(stack: StackModel, sg: TfElement): Set<number> | undefined {
  const lbs = stack.attachedTo(LB_TYPES, 'security_groups', sg);
  if (lbs.length === 0) return undefined;
  const ports = new Set<number>();
  for (const lb of lbs) {
    for (const l of stack.attachedTo(LISTENER_TYPES, 'load_balancer_arn', lb)) {
      ports.add(Number(l.body.port));
    }
  }
  return ports;
}

// `${data.terraform_remote_state.<name>.outputs.<output>}`: a value another stack exported.
const REMOTE_OUTPUT =
  /^\$\{data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.[A-Za-z0-9_-]+\}$/;

/**
 * For a group that lives in another stack (a project opening a port on its environment's shared
 * load balancer): the ports of this stack's listeners on a load balancer read from the same
 * remote state, or undefined when there are none.
 */
function remoteListenerPorts(stack: StackModel, groupRef: unknown): Set<number> | undefined {
  const source = typeof groupRef === 'string' ? REMOTE_OUTPUT.exec(groupRef)?.[1] : undefined;
  if (!source) return undefined;
  const listeners = stack.resources(...LISTENER_TYPES).filter((l) => {
    const lb = l.body.load_balancer_arn;
    return typeof lb === 'string' && REMOTE_OUTPUT.exec(lb)?.[1] === source;
  });
  return listeners.length > 0 ? new Set(listeners.map((l) => Number(l.body.port))) : undefined;
}

function openIngressViolation(stack: StackModel, r: Ingress): string | undefined {
  const open = r.sources.filter((s) => ANYWHERE.includes(s));
  if (open.length === 0) return undefined;
  const what = `${r.label} admits ${open.join(' and ')}`;
  let ports: Set<number> | undefined;
  if (r.group) {
    ports = listenerPorts(stack, r.group);
    if (!ports) return `${what} but ${r.group.address} is not attached to a load balancer`;
  } else {
    ports = remoteListenerPorts(stack, r.groupRef);
    if (!ports) {
      return `${what} to ${JSON.stringify(r.groupRef ?? null)}, a group not in this stack with no listener of this stack on a load balancer from the same remote state, so it cannot be shown to belong to a load balancer`;
    }
  }
  if (r.protocol === '-1' || r.protocol === 'all') {
    return `${what} on all protocols; open only the listener ports (${[...ports].join(', ') || 'none'})`;
  }
  if (!Number.isInteger(r.fromPort) || !Number.isInteger(r.toPort)) {
    return `${what} on ports that are not numbers`;
  }
  for (let p = r.fromPort; p <= r.toPort; p++) {
    if (!ports.has(p)) {
      return `${what} on port ${p}, which is not a listener port of its load balancer (${[...ports].join(', ') || 'none'})`;
    }
  }
  return undefined;
}

const described = (b: TfBlock) =>
  typeof b.description === 'string' &&
  b.description.trim().length > 0 &&
  b.description !== 'Managed by Terraform';

export const SECURITY_GROUP_RULES: readonly PolicyRule[] = [
  errorRule(
    'AM-SG-1',
    "Security groups admit 0.0.0.0/0 or ::/0 only on a load balancer's listener ports",
    (stack) =>
      ingressRules(stack).flatMap((r): RuleViolation[] => {
        const message = openIngressViolation(stack, r);
        return message ? [{ address: r.address, message }] : [];
      }),
  ),
  errorRule(
    'AM-SG-2',
    'Every security group and security group rule has a description',
    (stack) => {
      const out: RuleViolation[] = [];
      for (const sg of stack.resources(SG)) {
        if (!described(sg.body))
          out.push({ address: sg.address, message: 'group has no description' });
        for (const dir of ['ingress', 'egress'] as const) {
          asList(sg.body[dir]).forEach((b, i) => {
            if (!described(b)) {
              out.push({ address: sg.address, message: `inline ${dir} #${i} has no description` });
            }
          });
        }
      }
      for (const r of stack.resources(SG_RULE, VPC_INGRESS, VPC_EGRESS)) {
        if (!described(r.body))
          out.push({ address: r.address, message: 'rule has no description' });
      }
      return out;
    },
  ),
];
