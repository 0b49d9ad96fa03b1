import { HOURS_PER_MONTH, PRICES, PRICES_AS_OF, PRICES_REGION, PriceTable } from '@automock/core';

/** One priced item of a stack. */
export interface CostLine {
  /** Terraform address, e.g. `aws_ecs_service.mock`. */
  readonly resource: string;
  /** What is charged, e.g. `Fargate vCPU`. */
  readonly item: string;
  /** USD per hour. */
  readonly hourly: number;
  /** How the figure was reached, e.g. `2 tasks x 0.25 vCPU x $0.04048`. */
  readonly basis: string;
  /** For usage-based charges: the usage assumed. */
  readonly assumption?: string;
}

/** The estimate of one stack. */
export interface StackCost {
  readonly stack: string;
  readonly lines: readonly CostLine[];
  /** USD per hour. */
  readonly hourly: number;
  /** USD per month ({@link HOURS_PER_MONTH} hours). */
  readonly monthly: number;
}

/** Usage assumed for the usage-based parts (light test traffic). */
export const USAGE_ASSUMPTIONS = {
  albLcuPerHour: 1,
  natGbPerHour: 0.5,
  logGbPerHourPerGroup: 0.01,
  s3GbStored: 1,
  dynamoWritesPerHour: 100,
  dynamoReadsPerHour: 1000,
  endpointGbPerHour: 0.1,
  azsWhenUnknown: 2,
} as const;

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** A unit price as the table has it (up to 4 significant digits), e.g. `$0.04048`. */
const usd = (n: number) => `$${Number(n.toPrecision(4))}`;

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

function refName(v: unknown, type: string): string | undefined {
  if (typeof v !== 'string') return undefined;
  return new RegExp(`\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.`).exec(v)?.[1];
}

function listLength(v: unknown): number | undefined {
  return Array.isArray(v) ? v.length : undefined;
}

/**
 * Estimates what a synthesised stack (`cdk.tf.json`) costs per hour, resource by resource, from
 * the price table in core. Fixed charges come from the configuration (task sizes, minimum task
 * counts, load balancers, NAT gateways, addresses, endpoints); usage-based ones use
 * {@link USAGE_ASSUMPTIONS}, stated on each line. Tasks are counted at the autoscaling minimum.
 */
export function estimateStackCost(
  stack: string,
  json: string | Record<string, unknown>,
  prices: PriceTable = PRICES,
): StackCost {
  const doc = (typeof json === 'string' ? JSON.parse(json) : json) as { resource?: Resources };
  const res: Resources = doc.resource ?? {};
  const lines: CostLine[] = [];
  const A = USAGE_ASSUMPTIONS;

  const minCapacityFor = (service: string): number | undefined => {
    for (const t of Object.values(res.aws_appautoscaling_target ?? {})) {
      if (
        typeof t.resource_id === 'string' &&
        t.resource_id.includes(`aws_ecs_service.${service}.`)
      )
        return num(t.min_capacity);
    }
    return undefined;
  };

  for (const [name, svc] of Object.entries(res.aws_ecs_service ?? {})) {
    const address = `aws_ecs_service.${name}`;
    const td =
      res.aws_ecs_task_definition?.[refName(svc.task_definition, 'aws_ecs_task_definition') ?? ''];
    const cpu = num(td?.cpu);
    const mem = num(td?.memory);
    if (cpu === undefined || mem === undefined) continue;
    const tasks = minCapacityFor(name) ?? num(svc.desired_count) ?? 1;
    const strategy =
      (svc.capacity_provider_strategy as
        { capacity_provider?: string; weight?: number }[] | undefined) ?? [];
    const total = strategy.reduce((a, s) => a + (s.weight ?? 0), 0);
    const spot =
      total > 0
        ? strategy
            .filter((s) => s.capacity_provider === 'FARGATE_SPOT')
            .reduce((a, s) => a + (s.weight ?? 0), 0) / total
        : 0;
    const vcpu = cpu / 1024;
    const gb = mem / 1024;
    const vcpuPrice = prices.fargate.vcpuHour * (1 - spot) + prices.fargateSpot.vcpuHour * spot;
    const gbPrice = prices.fargate.gbHour * (1 - spot) + prices.fargateSpot.gbHour * spot;
    const kind =
      spot === 1
        ? 'Fargate Spot'
        : spot > 0
          ? `Fargate (${Math.round(spot * 100)}% Spot)`
          : 'Fargate';
    lines.push({
      resource: address,
      item: `${kind} vCPU`,
      hourly: tasks * vcpu * vcpuPrice,
      basis: `${tasks} task${tasks === 1 ? '' : 's'} x ${vcpu} vCPU x ${usd(vcpuPrice)}/vCPU-h`,
    });
    lines.push({
      resource: address,
      item: `${kind} memory`,
      hourly: tasks * gb * gbPrice,
      basis: `${tasks} task${tasks === 1 ? '' : 's'} x ${gb} GB x ${usd(gbPrice)}/GB-h`,
    });
    const net = svc.network_configuration as { assign_public_ip?: boolean } | undefined;
    if (net?.assign_public_ip === true) {
      lines.push({
        resource: address,
        item: 'Public IPv4 (tasks)',
        hourly: tasks * prices.publicIpv4.hour,
        basis: `${tasks} x ${usd(prices.publicIpv4.hour)}/h`,
      });
    }
  }

  for (const [name, lb] of Object.entries(res.aws_lb ?? res.aws_alb ?? {})) {
    if ((lb.load_balancer_type ?? 'application') !== 'application') continue;
    const address = `aws_lb.${name}`;
    lines.push({
      resource: address,
      item: 'ALB hours',
      hourly: prices.alb.hour,
      basis: `1 x ${usd(prices.alb.hour)}/h`,
    });
    lines.push({
      resource: address,
      item: 'ALB LCUs',
      hourly: A.albLcuPerHour * prices.alb.lcuHour,
      basis: `${A.albLcuPerHour} LCU x ${usd(prices.alb.lcuHour)}/LCU-h`,
      assumption: `${A.albLcuPerHour} LCU on average (light test traffic)`,
    });
    if (lb.internal !== true) {
      const azs = listLength(lb.subnets);
      lines.push({
        resource: address,
        item: 'Public IPv4 (ALB)',
        hourly: (azs ?? A.azsWhenUnknown) * prices.publicIpv4.hour,
        basis: `${azs ?? A.azsWhenUnknown} x ${usd(prices.publicIpv4.hour)}/h`,
        assumption:
          azs === undefined ? `one address per AZ, ${A.azsWhenUnknown} AZs assumed` : undefined,
      });
    }
  }

  for (const name of Object.keys(res.aws_nat_gateway ?? {})) {
    const address = `aws_nat_gateway.${name}`;
    lines.push({
      resource: address,
      item: 'NAT gateway hours',
      hourly: prices.natGateway.hour,
      basis: `1 x ${usd(prices.natGateway.hour)}/h`,
    });
    lines.push({
      resource: address,
      item: 'NAT data processed',
      hourly: A.natGbPerHour * prices.natGateway.gbProcessed,
      basis: `${A.natGbPerHour} GB x ${usd(prices.natGateway.gbProcessed)}/GB`,
      assumption: `${A.natGbPerHour} GB/h through the NAT (image pulls, AWS API calls)`,
    });
  }

  for (const name of Object.keys(res.aws_eip ?? {})) {
    lines.push({
      resource: `aws_eip.${name}`,
      item: 'Public IPv4 (Elastic IP)',
      hourly: prices.publicIpv4.hour,
      basis: `1 x ${usd(prices.publicIpv4.hour)}/h`,
    });
  }

  for (const [name, ep] of Object.entries(res.aws_vpc_endpoint ?? {})) {
    if (ep.vpc_endpoint_type !== 'Interface') continue;
    const azs = listLength(ep.subnet_ids);
    const n = azs ?? A.azsWhenUnknown;
    lines.push({
      resource: `aws_vpc_endpoint.${name}`,
      item: 'Interface endpoint',
      hourly:
        n * prices.interfaceEndpoint.azHour +
        A.endpointGbPerHour * prices.interfaceEndpoint.gbProcessed,
      basis: `${n} AZ x ${usd(prices.interfaceEndpoint.azHour)}/h + ${A.endpointGbPerHour} GB x ${usd(prices.interfaceEndpoint.gbProcessed)}/GB`,
      assumption: `${A.endpointGbPerHour} GB/h processed${azs === undefined ? `, ${A.azsWhenUnknown} AZs assumed` : ''}`,
    });
  }

  for (const name of Object.keys(res.aws_cloudwatch_log_group ?? {})) {
    lines.push({
      resource: `aws_cloudwatch_log_group.${name}`,
      item: 'CloudWatch Logs ingestion',
      hourly: A.logGbPerHourPerGroup * prices.cloudwatchLogs.ingestGb,
      basis: `${A.logGbPerHourPerGroup} GB x ${usd(prices.cloudwatchLogs.ingestGb)}/GB`,
      assumption: `${A.logGbPerHourPerGroup * 1000} MB/h of logs`,
    });
  }

  for (const name of Object.keys(res.aws_s3_bucket ?? {})) {
    lines.push({
      resource: `aws_s3_bucket.${name}`,
      item: 'S3 storage',
      hourly: (A.s3GbStored * prices.s3.storageGbMonth) / HOURS_PER_MONTH,
      basis: `${A.s3GbStored} GB x ${usd(prices.s3.storageGbMonth)}/GB-month`,
      assumption: `${A.s3GbStored} GB stored; request charges negligible`,
    });
  }

  for (const name of Object.keys(res.aws_secretsmanager_secret ?? {})) {
    lines.push({
      resource: `aws_secretsmanager_secret.${name}`,
      item: 'Secrets Manager secret',
      hourly: prices.secretsManager.secretMonth / HOURS_PER_MONTH,
      basis: `1 x ${usd(prices.secretsManager.secretMonth)}/month`,
    });
  }

  for (const name of Object.keys(res.aws_kms_key ?? {})) {
    lines.push({
      resource: `aws_kms_key.${name}`,
      item: 'KMS key',
      hourly: prices.kms.keyMonth / HOURS_PER_MONTH,
      basis: `1 x ${usd(prices.kms.keyMonth)}/month`,
      assumption: 'requests within the free 20,000 a month',
    });
  }

  for (const [name, t] of Object.entries(res.aws_dynamodb_table ?? {})) {
    if ((t.billing_mode ?? 'PROVISIONED') !== 'PAY_PER_REQUEST') continue;
    const p = prices.dynamodbOnDemand;
    lines.push({
      resource: `aws_dynamodb_table.${name}`,
      item: 'DynamoDB on-demand requests',
      hourly: (A.dynamoWritesPerHour * p.writeMillion + A.dynamoReadsPerHour * p.readMillion) / 1e6,
      basis: `${A.dynamoWritesPerHour} writes x ${usd(p.writeMillion)}/M + ${A.dynamoReadsPerHour} reads x ${usd(p.readMillion)}/M`,
      assumption: `${A.dynamoWritesPerHour} writes and ${A.dynamoReadsPerHour} reads per hour`,
    });
  }

  const hourly = lines.reduce((a, l) => a + l.hourly, 0);
  return { stack, lines, hourly, monthly: hourly * HOURS_PER_MONTH };
}

/** Where the prices come from, for output headers. */
export function priceSource(): string {
  return `${PRICES_REGION} on-demand list prices as of ${PRICES_AS_OF}`;
}

/** `$1.23`, or more digits for small amounts. */
export function money(n: number): string {
  return n >= 100
    ? `$${n.toFixed(0)}`
    : n >= 1
      ? `$${n.toFixed(2)}`
      : `$${n.toFixed(n === 0 ? 2 : 3)}`;
}
