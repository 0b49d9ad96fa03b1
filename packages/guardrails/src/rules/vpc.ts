import { StackModel, TfElement } from '../model';
import { PolicyRule, RuleViolation } from '../rule';

function subnetsOf(stack: StackModel, vpc: TfElement): TfElement[] {
  return stack.attachedTo('aws_subnet', 'vpc_id', vpc);
}

/** A subnet's zone as written (a name, an id, or an expression: distinct zones read differently). */
const zoneOf = (subnet: TfElement) =>
  JSON.stringify(
    subnet.body.availability_zone ?? subnet.body.availability_zone_id ?? subnet.address,
  );

export const VPC_RULES: readonly PolicyRule[] = [
  {
    id: 'AM-VPC-1',
    meaning: 'Production VPCs have flow logs',
    level: 'off',
    productionLevel: 'error',
    check: (stack) =>
      stack
        .resources('aws_vpc')
        .filter((vpc) => stack.attachedTo('aws_flow_log', 'vpc_id', vpc).length === 0)
        .map((vpc) => ({ address: vpc.address, message: 'has no aws_flow_log' })),
  },
  {
    id: 'AM-VPC-2',
    meaning: 'Production VPCs that use NAT have a NAT gateway in every availability zone they use',
    level: 'off',
    productionLevel: 'error',
    check: (stack) => {
      const out: RuleViolation[] = [];
      for (const vpc of stack.resources('aws_vpc')) {
        const subnets = subnetsOf(stack, vpc);
        const nats = stack
          .resources('aws_nat_gateway')
          .filter((n) => subnets.some((s) => stack.refersTo(n.body.subnet_id, s)));
        if (nats.length === 0) continue;
        const natZones = new Set(
          nats.flatMap((n) =>
            subnets.filter((s) => stack.refersTo(n.body.subnet_id, s)).map(zoneOf),
          ),
        );
        const zones = new Set(subnets.map(zoneOf));
        const missing = [...zones].filter((z) => !natZones.has(z));
        if (missing.length > 0) {
          out.push({
            address: vpc.address,
            message: `has ${nats.length} NAT gateway(s) for ${zones.size} zones; zones without one: ${missing.join(', ')} (one zone's outage would cut the others' egress)`,
          });
        }
      }
      return out;
    },
  },
];
