import {
  ConfigValidationError,
  CostResources,
  estimateCost,
  HOURS_PER_MONTH,
  pricesFor,
} from '@automock/core';

/** Hourly cost (USD) at both ends of the autoscaling range. */
export interface HourlyCost {
  /** Every service at its autoscaling minimum. */
  readonly minimum: number;
  /** Every service at its autoscaling maximum, traffic in proportion. */
  readonly maximum: number;
}

/** What a plan does to a stack's running cost, Infracost-style: before, after, difference. */
export interface StackCostChange {
  /** Region whose prices were used. */
  readonly region?: string;
  /** Date of the region's price table. */
  readonly pricesAsOf?: string;
  /** Cost of the resources as they are (absent when there is no estimate). */
  readonly before?: HourlyCost;
  /** Cost once the plan is applied (absent when there is no estimate). */
  readonly after?: HourlyCost;
  /** Why there is no estimate: the region is unknown or has no price table. */
  readonly unpriced?: string;
}

/** The parts of a plan (full, or reduced by `reduce-plan.jq`) the estimate reads. */
interface PricedPlan {
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly mode?: string;
    readonly type?: string;
    readonly change?: {
      readonly actions?: readonly string[];
      readonly before?: unknown;
      readonly after?: unknown;
    };
    readonly priced?: { readonly before?: unknown; readonly after?: unknown };
  }[];
  readonly configuration?: {
    readonly provider_config?: Readonly<
      Record<
        string,
        {
          readonly name?: string;
          readonly alias?: string;
          readonly expressions?: { readonly region?: { readonly constant_value?: unknown } };
        }
      >
    >;
    readonly root_module?: {
      readonly resources?: readonly {
        readonly address?: string;
        readonly mode?: string;
        readonly expressions?: Readonly<
          Record<string, { readonly references?: readonly string[] } | undefined>
        >;
      }[];
    };
  };
  readonly pricing?: {
    readonly region?: unknown;
    readonly references?: readonly {
      readonly address?: string;
      readonly task_definition?: readonly string[];
      readonly resource_id?: readonly string[];
    }[];
  };
}

type Values = Record<string, unknown>;

/** The types the cost model prices; a plan that touches none of them gets no estimate. */
export const PRICED_TYPES: readonly string[] = [
  'aws_ecs_task_definition',
  'aws_ecs_service',
  'aws_appautoscaling_target',
  'aws_lb',
  'aws_alb',
  'aws_nat_gateway',
  'aws_eip',
  'aws_vpc_endpoint',
  'aws_cloudwatch_log_group',
  'aws_s3_bucket',
  'aws_secretsmanager_secret',
  'aws_kms_key',
  'aws_dynamodb_table',
];

function regionOf(plan: PricedPlan): string | undefined {
  const reduced = plan.pricing?.region;
  if (typeof reduced === 'string') return reduced;
  for (const p of Object.values(plan.configuration?.provider_config ?? {})) {
    const r = p?.expressions?.region?.constant_value;
    if (p?.name === 'aws' && p.alias === undefined && typeof r === 'string') return r;
  }
  return undefined;
}

/** `aws_ecs_task_definition.td.arn` -> `aws_ecs_task_definition.td`. */
function resourceAddress(reference: string): string | undefined {
  const m = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(reference);
  return m && m[1] !== 'data' && m[1] !== 'var' && m[1] !== 'local' && m[1] !== 'module'
    ? `${m[1]}.${m[2]}`
    : undefined;
}

/** References written in the configuration: address -> attribute -> resource addresses. */
function configuredReferences(plan: PricedPlan): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  const add = (address: string | undefined, attribute: string, refs: readonly string[] = []) => {
    if (!address) return;
    const addrs = refs.map(resourceAddress).filter((a): a is string => a !== undefined);
    if (addrs.length === 0) return;
    const attrs = out.get(address) ?? new Map<string, string[]>();
    attrs.set(attribute, [...new Set([...(attrs.get(attribute) ?? []), ...addrs])]);
    out.set(address, attrs);
  };
  for (const r of plan.pricing?.references ?? []) {
    add(r.address, 'task_definition', r.task_definition);
    add(r.address, 'resource_id', r.resource_id);
  }
  for (const r of plan.configuration?.root_module?.resources ?? []) {
    if (r.mode !== 'managed') continue;
    for (const [attribute, e] of Object.entries(r.expressions ?? {}))
      add(r.address, attribute, e?.references);
  }
  return out;
}

/** A plan address without its instance key, as the configuration names it. */
const configAddress = (address: string) => address.replace(/\[[^\]]*\]$/, '');

/**
 * The resources of one side of a plan, keyed like a `resource` block (type, then the address
 * without the type), with the references the estimate follows: the configuration's, and matches
 * by value (a service's task definition ARN, a scaling target's `service/<cluster>/<name>`), which
 * is how the `before` side, whose configuration may be gone, is linked.
 */
function side(plan: PricedPlan, which: 'before' | 'after') {
  const resources: Record<string, Record<string, Values>> = {};
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed' || !rc.type || !PRICED_TYPES.includes(rc.type)) continue;
    const values = (rc.priced ?? rc.change)?.[which];
    if (values === null || typeof values !== 'object') continue;
    const name = rc.address.startsWith(`${rc.type}.`)
      ? rc.address.slice(rc.type.length + 1)
      : rc.address.replace(`${rc.type}.`, '');
    (resources[rc.type] ??= {})[name] = values as Values;
  }
  const configured = configuredReferences(plan);
  const byArn = new Map<string, string>();
  for (const [name, td] of Object.entries(resources.aws_ecs_task_definition ?? {}))
    if (typeof td.arn === 'string') byArn.set(td.arn, `aws_ecs_task_definition.${name}`);
  const serviceByName = new Map<string, string>();
  for (const [name, svc] of Object.entries(resources.aws_ecs_service ?? {}))
    if (typeof svc.name === 'string') serviceByName.set(svc.name, `aws_ecs_service.${name}`);
  const references = (address: string, attribute: string): string[] => {
    const dot = address.indexOf('.');
    const values = resources[address.slice(0, dot)]?.[address.slice(dot + 1)];
    const found = [...(configured.get(configAddress(address))?.get(attribute) ?? [])];
    const v = values?.[attribute];
    if (attribute === 'task_definition' && typeof v === 'string' && byArn.has(v))
      found.push(byArn.get(v)!);
    if (attribute === 'resource_id' && typeof v === 'string') {
      const svc = serviceByName.get(v.split('/').pop() ?? '');
      if (svc) found.push(svc);
    }
    return found;
  };
  return { resources: resources as CostResources, references };
}

function hourly(plan: PricedPlan, which: 'before' | 'after', region: string): HourlyCost {
  const input = side(plan, which);
  const prices = pricesFor(region);
  return {
    minimum: estimateCost(input, { prices, at: 'minimum' }).hourly,
    maximum: estimateCost(input, { prices, at: 'maximum' }).hourly,
  };
}

/**
 * What applying a plan does to the stack's running cost, from the plan's resource changes (task
 * CPU and memory, desired and autoscaling counts, load balancers, NAT gateways, addresses,
 * endpoints...) priced with core's price table of the AWS provider's region, the model
 * `automock cost` uses. Undefined when the plan touches nothing the model prices; without a
 * region, or in a region without a table, the reason is given instead of figures.
 */
export function planCostChange(plan: PricedPlan): StackCostChange | undefined {
  const touched = (plan.resource_changes ?? []).some(
    (rc) =>
      rc.mode === 'managed' &&
      rc.type !== undefined &&
      PRICED_TYPES.includes(rc.type) &&
      !(rc.change?.actions?.length === 1 && rc.change.actions[0] === 'no-op'),
  );
  if (!touched) return undefined;
  const region = regionOf(plan);
  if (region === undefined) return { unpriced: 'the plan does not name the AWS provider region' };
  try {
    const before = hourly(plan, 'before', region);
    const after = hourly(plan, 'after', region);
    return { region, pricesAsOf: pricesFor(region).asOf, before, after };
  } catch (e) {
    if (e instanceof ConfigValidationError) return { region, unpriced: e.issues[0]!.rule };
    throw e;
  }
}

/** USD per month for an hourly figure. */
export const monthly = (hourlyUsd: number): number => hourlyUsd * HOURS_PER_MONTH;
