import { ConfigValidationError, IssueCollector } from './errors';
import { HOURS_PER_MONTH, pricesFor, RegionPrices } from './prices';

/**
 * Resources as Terraform lays them out in a `resource` block: type, then name, then attribute
 * values (a synthesised `cdk.tf.json`, or the before/after values of a plan keyed the same way).
 */
export type CostResources = Readonly<
  Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>
>;

/** What {@link estimateCost} prices. */
export interface CostInput {
  readonly resources: CostResources;
  /**
   * Addresses (`type.name`) that an attribute of a resource refers to, e.g. the task definition of
   * a service.
   * @default the `${type.name.attr}` expressions written in the attribute's value
   */
  readonly references?: (address: string, attribute: string) => readonly string[];
}

/**
 * Usage assumed for the usage-based parts, stated with every estimate. The minimum is an idle
 * mock with light test traffic; the maximum is a load test that drove the service to its
 * autoscaling maximum (seed 000's 10 -> 200 tasks), with traffic in proportion to the tasks.
 */
export interface UsageAssumptions {
  /** ALB capacity units an hour at the minimum. */
  readonly albLcuPerHourAtMinimum: number;
  /** ALB capacity units an hour per running task at the maximum. */
  readonly albLcuPerTaskHourAtMaximum: number;
  /** GB an hour an internet-facing ALB sends to the internet at the minimum. */
  readonly internetOutGbPerHourAtMinimum: number;
  /** GB an hour sent to the internet per running task at the maximum. */
  readonly internetOutGbPerTaskHourAtMaximum: number;
  /** GB an hour through each NAT gateway (image pulls, AWS API calls). */
  readonly natGbPerHour: number;
  /** GB an hour of logs per log group. */
  readonly logGbPerHourPerGroup: number;
  /** GB stored per bucket. */
  readonly s3GbStored: number;
  /** Write request units an hour per on-demand table. */
  readonly dynamoWritesPerHour: number;
  /** Read request units an hour per on-demand table. */
  readonly dynamoReadsPerHour: number;
  /** GB an hour through each interface endpoint. */
  readonly endpointGbPerHour: number;
  /** AZs of a load balancer or endpoint whose subnets are not known yet. */
  readonly azsWhenUnknown: number;
  /** Fargate Spot's discount on the on-demand price (AWS: "up to 70%"; it varies by hour and AZ). */
  readonly fargateSpotDiscount: number;
  /**
   * GB stored per EFS file system, all priced in the Standard class (files moved to Infrequent
   * Access cost less; reads and writes of Elastic throughput are not counted).
   */
  readonly efsGbStored: number;
  /** Requests an hour per HTTP API at the minimum. */
  readonly httpApiRequestsPerHourAtMinimum: number;
  /**
   * Requests an hour through an HTTP API per running task behind a load balancer at the maximum
   * (100,000 is the 0.5 GB/h of responses per task assumed above at about 5 KB a response).
   */
  readonly httpApiRequestsPerTaskHourAtMaximum: number;
  /** Emails an hour sent through each SES identity. */
  readonly sesEmailsPerHour: number;
  /** Monthly active users of each Cognito user pool. */
  readonly cognitoMonthlyActiveUsers: number;
}

/** The assumptions every estimate states (see {@link UsageAssumptions}). */
export const USAGE_ASSUMPTIONS: UsageAssumptions = {
  albLcuPerHourAtMinimum: 1,
  albLcuPerTaskHourAtMaximum: 1,
  internetOutGbPerHourAtMinimum: 0.05,
  internetOutGbPerTaskHourAtMaximum: 0.5,
  natGbPerHour: 0.5,
  logGbPerHourPerGroup: 0.01,
  s3GbStored: 1,
  dynamoWritesPerHour: 100,
  dynamoReadsPerHour: 1000,
  endpointGbPerHour: 0.1,
  azsWhenUnknown: 2,
  fargateSpotDiscount: 0.7,
  efsGbStored: 1,
  httpApiRequestsPerHourAtMinimum: 1000,
  httpApiRequestsPerTaskHourAtMaximum: 100_000,
  sesEmailsPerHour: 10,
  cognitoMonthlyActiveUsers: 100,
};

/** Task counts to price instead of each service's own autoscaling range. */
export interface TaskCounts {
  /**
   * Tasks of every service at the minimum.
   * @default each service's autoscaling minimum (else its desired count, else 1)
   */
  readonly min?: number;
  /**
   * Tasks of every service at the maximum.
   * @default each service's autoscaling maximum (else its minimum)
   */
  readonly max?: number;
}

/** Options of {@link estimateCost}. */
export interface EstimateOptions {
  /** The region's dated prices ({@link pricesFor}). */
  readonly prices: RegionPrices;
  /**
   * Which end of the autoscaling range to price.
   * @default 'minimum'
   */
  readonly at?: 'minimum' | 'maximum';
  /**
   * Task counts replacing the services' own.
   * @default each service's own range
   */
  readonly tasks?: TaskCounts;
  /**
   * Usage of the usage-based parts.
   * @default USAGE_ASSUMPTIONS
   */
  readonly assumptions?: UsageAssumptions;
}

/** One priced item. */
export interface CostLine {
  /** Terraform address, e.g. `aws_ecs_service.mock`. */
  readonly resource: string;
  /** What is charged, e.g. `Fargate vCPU`. */
  readonly item: string;
  /** USD per hour. */
  readonly hourly: number;
  /** How the figure was reached, e.g. `2 tasks x 0.25 vCPU x $0.04048/vCPU-h`. */
  readonly basis: string;
  /** For usage-based charges: the usage assumed. */
  readonly assumption?: string;
}

/** What a set of resources costs at one end of the autoscaling range. */
export interface CostEstimate {
  readonly lines: readonly CostLine[];
  /** USD per hour. */
  readonly hourly: number;
  /** USD per month ({@link HOURS_PER_MONTH} hours). */
  readonly monthly: number;
  /** Fargate tasks running, all services together. */
  readonly tasks: number;
}

/** A unit price as the table has it (up to 4 significant digits), e.g. `$0.04048`. */
const usd = (n: number) => `$${Number(n.toPrecision(4))}`;
/** A quantity without floating-point noise, e.g. `0.25`. */
const qty = (n: number) => `${Number(n.toPrecision(6))}`;

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/** A nested block: an object in `cdk.tf.json`, a list of one object in plan JSON. */
function block(v: unknown): Record<string, unknown> | undefined {
  const b = Array.isArray(v) ? v[0] : v;
  return b !== null && typeof b === 'object' ? (b as Record<string, unknown>) : undefined;
}

function blocks(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter((b) => b !== null && typeof b === 'object');
  const b = block(v);
  return b ? [b] : [];
}

function listLength(v: unknown): number | undefined {
  return Array.isArray(v) && v.length > 0 ? v.length : undefined;
}

/** The `${type.name...}` references written in a value, as `type.name` addresses. */
export function expressionReferences(value: unknown): string[] {
  const out = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.}]/g))
        out.add(`${m[1]}.${m[2]}`);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return [...out];
}

/**
 * Checks task counts to price (whole numbers, 0 or more, the maximum at least the minimum),
 * naming them `<prefix>min` and `<prefix>max` (e.g. `tasks.min`, or `--min-tasks` style names
 * through `names`).
 */
export function checkTaskCounts(
  tasks: TaskCounts | undefined,
  names: { readonly min: string; readonly max: string } = { min: 'tasks.min', max: 'tasks.max' },
): void {
  const issues = new IssueCollector();
  for (const key of ['min', 'max'] as const) {
    const n = tasks?.[key];
    if (n !== undefined && (!Number.isInteger(n) || n < 0))
      issues.add(names[key], n, 'must be a whole number of tasks, 0 or more');
  }
  const { min, max } = tasks ?? {};
  if (min !== undefined && max !== undefined && max < min)
    issues.add(names.max, max, `must be at least ${names.min} (${min})`);
  issues.throwIfAny('task counts');
}

/**
 * Estimates what resources cost per hour, item by item, with one region's dated prices. Fixed
 * charges come from the configuration (task sizes and counts, load balancers, NAT gateways,
 * addresses, endpoints, keys, secrets); usage-based ones use {@link UsageAssumptions}, stated on
 * each line. Services run their autoscaling minimum or maximum (`at`), or the counts in `tasks`.
 */
export function estimateCost(input: CostInput, options: EstimateOptions): CostEstimate {
  const res = input.resources;
  const prices = options.prices.prices;
  const A = options.assumptions ?? USAGE_ASSUMPTIONS;
  const atMax = (options.at ?? 'minimum') === 'maximum';
  checkTaskCounts(options.tasks);
  const refs =
    input.references ??
    ((address: string, attribute: string) => {
      const dot = address.indexOf('.');
      return expressionReferences(
        res[address.slice(0, dot)]?.[address.slice(dot + 1)]?.[attribute],
      );
    });
  const lines: CostLine[] = [];

  const scalingOf = (service: string): { min?: number; max?: number } => {
    for (const [name, t] of Object.entries(res.aws_appautoscaling_target ?? {})) {
      if (refs(`aws_appautoscaling_target.${name}`, 'resource_id').includes(service))
        return { min: num(t.min_capacity), max: num(t.max_capacity) };
    }
    return {};
  };

  const lbs = { ...(res.aws_alb ?? {}), ...(res.aws_lb ?? {}) };
  // A service behind an ALB of another stack (the environment's shared one) is taken to face the
  // internet, as the environments' ALBs do; only ALBs of the same stack can say otherwise.
  const own = Object.values(lbs);
  const allLoadBalancersInternal = own.length > 0 && own.every((lb) => lb.internal === true);
  let tasksTotal = 0;
  /** Tasks of the services behind a load balancer: the ones that serve requests. */
  let servingTasks = 0;
  for (const [name, svc] of Object.entries(res.aws_ecs_service ?? {})) {
    const address = `aws_ecs_service.${name}`;
    const tdName = refs(address, 'task_definition')
      .find((a) => a.startsWith('aws_ecs_task_definition.'))
      ?.slice('aws_ecs_task_definition.'.length);
    const td = tdName === undefined ? undefined : res.aws_ecs_task_definition?.[tdName];
    const cpu = num(td?.cpu);
    const mem = num(td?.memory);
    if (cpu === undefined || mem === undefined) continue;
    const scaling = scalingOf(address);
    const min = options.tasks?.min ?? scaling.min ?? num(svc.desired_count) ?? 1;
    const max = options.tasks?.max ?? scaling.max ?? min;
    const tasks = atMax ? max : min;
    tasksTotal += tasks;
    const strategy = blocks(svc.capacity_provider_strategy);
    const total = strategy.reduce((a, s) => a + (num(s.weight) ?? 0), 0);
    const spot =
      total > 0
        ? strategy
            .filter((s) => s.capacity_provider === 'FARGATE_SPOT')
            .reduce((a, s) => a + (num(s.weight) ?? 0), 0) / total
        : 0;
    const vcpu = cpu / 1024;
    const gb = mem / 1024;
    const factor = 1 - spot * A.fargateSpotDiscount;
    const vcpuPrice = prices.fargate.vcpuHour * factor;
    const gbPrice = prices.fargate.gbHour * factor;
    const kind =
      spot === 1
        ? 'Fargate Spot'
        : spot > 0
          ? `Fargate (${Math.round(spot * 100)}% Spot)`
          : 'Fargate';
    const spotNote =
      spot > 0
        ? `Spot at ${Math.round(A.fargateSpotDiscount * 100)}% off the on-demand price (it varies by hour and AZ)`
        : undefined;
    const n = `${tasks} task${tasks === 1 ? '' : 's'}`;
    lines.push({
      resource: address,
      item: `${kind} vCPU`,
      hourly: tasks * vcpu * vcpuPrice,
      basis: `${n} x ${qty(vcpu)} vCPU x ${usd(vcpuPrice)}/vCPU-h`,
      assumption: spotNote,
    });
    lines.push({
      resource: address,
      item: `${kind} memory`,
      hourly: tasks * gb * gbPrice,
      basis: `${n} x ${qty(gb)} GB x ${usd(gbPrice)}/GB-h`,
      assumption: spotNote,
    });
    if (block(svc.network_configuration)?.assign_public_ip === true) {
      lines.push({
        resource: address,
        item: 'Public IPv4 (tasks)',
        hourly: tasks * prices.publicIpv4.hour,
        basis: `${tasks} x ${usd(prices.publicIpv4.hour)}/h`,
      });
    }
    // Traffic is charged where it is served: a shared ALB lives in the environment's stack, the
    // services it sends requests to in the projects' stacks.
    if (blocks(svc.load_balancer).length > 0) {
      servingTasks += tasks;
      const lcu = atMax ? A.albLcuPerTaskHourAtMaximum * tasks : A.albLcuPerHourAtMinimum;
      lines.push({
        resource: address,
        item: 'ALB LCUs',
        hourly: lcu * prices.alb.lcuHour,
        basis: `${qty(lcu)} LCU x ${usd(prices.alb.lcuHour)}/LCU-h`,
        assumption: atMax
          ? `${A.albLcuPerTaskHourAtMaximum} LCU per running task under load`
          : `${A.albLcuPerHourAtMinimum} LCU on average (light test traffic)`,
      });
      if (!allLoadBalancersInternal) {
        const out = atMax
          ? A.internetOutGbPerTaskHourAtMaximum * tasks
          : A.internetOutGbPerHourAtMinimum;
        lines.push({
          resource: address,
          item: 'Data transfer out',
          hourly: out * prices.dataTransfer.internetOutGb,
          basis: `${qty(out)} GB x ${usd(prices.dataTransfer.internetOutGb)}/GB`,
          assumption: atMax
            ? `${A.internetOutGbPerTaskHourAtMaximum} GB/h of responses to the internet per running task, first 10 TB tier, free 100 GB/month not subtracted`
            : `${A.internetOutGbPerHourAtMinimum} GB/h of responses to the internet, first 10 TB tier, free 100 GB/month not subtracted`,
        });
      }
    }
  }

  for (const [name, lb] of Object.entries(lbs)) {
    if ((lb.load_balancer_type ?? 'application') !== 'application') continue;
    const address = `${res.aws_lb?.[name] ? 'aws_lb' : 'aws_alb'}.${name}`;
    lines.push({
      resource: address,
      item: 'ALB hours',
      hourly: prices.alb.hour,
      basis: `1 x ${usd(prices.alb.hour)}/h`,
    });
    if (lb.internal !== true) {
      const azs = listLength(lb.subnets) ?? listLength(lb.subnet_mapping);
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
      assumption: `${qty(A.logGbPerHourPerGroup * 1000)} MB/h of logs`,
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

  // ---- issue 14: a workload's public HTTP API, priced per request (HTTP APIs have no hourly
  // charge). Its VPC link (a VPC link for HTTP APIs has no charge, unlike a REST API's, which
  // needs a Network Load Balancer) and its stage carry none of their own; its access log group is
  // priced above, and its responses to the internet are the data out of the services it fronts.
  // At the maximum its requests grow with the tasks that serve them, as the ALB's LCUs do.
  for (const [name, api] of Object.entries(res.aws_apigatewayv2_api ?? {})) {
    if (api.protocol_type !== 'HTTP') continue;
    const requests = atMax
      ? A.httpApiRequestsPerTaskHourAtMaximum * servingTasks
      : A.httpApiRequestsPerHourAtMinimum;
    const price = prices.apiGatewayHttp.requestMillion;
    lines.push({
      resource: `aws_apigatewayv2_api.${name}`,
      item: 'API Gateway HTTP API requests',
      hourly: (requests * price) / 1e6,
      basis: `${qty(requests)} requests x ${usd(price)}/M`,
      assumption: `${
        atMax
          ? `${qty(A.httpApiRequestsPerTaskHourAtMaximum)} requests per hour per running task behind a load balancer (${servingTasks} in this stack) under load`
          : `${qty(A.httpApiRequestsPerHourAtMinimum)} requests per hour (light test traffic)`
      }, first 300 million a month tier, free tier not subtracted`,
    });
  }

  // ---- issue 14: a workload's mail (per email sent) and user pool (per monthly active user
  // beyond the free ones), both by use only: an idle identity or pool costs nothing.
  for (const [name, identity] of Object.entries(res.aws_sesv2_email_identity ?? {})) {
    // A verified test address receives mail in the sandbox; only the domain sends it.
    if (String(identity.email_identity ?? '').includes('@')) continue;
    const p = prices.ses.emails1k;
    lines.push({
      resource: `aws_sesv2_email_identity.${name}`,
      item: 'SES emails sent',
      hourly: (A.sesEmailsPerHour * p) / 1000,
      basis: `${qty(A.sesEmailsPerHour)} emails x ${usd(p)}/1,000`,
      assumption: `${qty(A.sesEmailsPerHour)} emails an hour sent from the domain`,
    });
  }
  for (const name of Object.keys(res.aws_cognito_user_pool ?? {})) {
    const { freeMau, mau } = prices.cognito;
    const billed = Math.max(0, A.cognitoMonthlyActiveUsers - freeMau);
    lines.push({
      resource: `aws_cognito_user_pool.${name}`,
      item: 'Cognito monthly active users',
      hourly: (billed * mau) / HOURS_PER_MONTH,
      basis: `${qty(billed)} users beyond ${qty(freeMau)} free x ${usd(mau)} / ${HOURS_PER_MONTH} h`,
      assumption: `${qty(A.cognitoMonthlyActiveUsers)} monthly active users (Essentials tier)`,
    });
  }

  // ---- issue 14 E: a workload's database (instance hours and provisioned gp3 storage; a
  // Multi-AZ standby doubles both) and file systems (storage only: they have no hourly charge).
  for (const [name, db] of Object.entries(res.aws_db_instance ?? {})) {
    const address = `aws_db_instance.${name}`;
    const copies = db.multi_az === true ? 2 : 1;
    const az = copies === 2 ? ' (Multi-AZ: primary and standby)' : '';
    const cls = typeof db.instance_class === 'string' ? db.instance_class : undefined;
    const hour = cls === undefined ? undefined : prices.rdsPostgresInstanceHour[cls];
    lines.push({
      resource: address,
      item: 'RDS instance hours',
      hourly: copies * (hour ?? 0),
      basis:
        hour === undefined
          ? `class ${String(cls)} has no price in the table`
          : `${copies} x ${cls} x ${usd(hour)}/h${az}`,
      assumption: hour === undefined ? `instance class ${String(cls)} not counted` : undefined,
    });
    const gb = num(db.allocated_storage);
    if (gb !== undefined)
      lines.push({
        resource: address,
        item: 'RDS gp3 storage',
        hourly: (copies * gb * prices.rdsStorage.gp3GbMonth) / HOURS_PER_MONTH,
        basis: `${copies} x ${gb} GB x ${usd(prices.rdsStorage.gp3GbMonth)}/GB-month${az}`,
        assumption: 'allocated storage; autoscaling growth, backups beyond it and I/O not counted',
      });
    // RDS keeps a managed master password in a Secrets Manager secret of the account, billed as
    // any other secret (RDS user guide, "Password management with Secrets Manager").
    if (db.manage_master_user_password === true)
      lines.push({
        resource: address,
        item: 'Secrets Manager secret (master password)',
        hourly: prices.secretsManager.secretMonth / HOURS_PER_MONTH,
        basis: `1 x ${usd(prices.secretsManager.secretMonth)}/month`,
      });
  }
  for (const name of Object.keys(res.aws_efs_file_system ?? {})) {
    lines.push({
      resource: `aws_efs_file_system.${name}`,
      item: 'EFS storage',
      hourly: (A.efsGbStored * prices.efs.standardGbMonth) / HOURS_PER_MONTH,
      basis: `${A.efsGbStored} GB x ${usd(prices.efs.standardGbMonth)}/GB-month`,
      assumption: `${A.efsGbStored} GB stored, all in Standard (Infrequent Access is cheaper); throughput charges not counted`,
    });
  }

  const hourly = lines.reduce((a, l) => a + l.hourly, 0);
  return { lines, hourly, monthly: hourly * HOURS_PER_MONTH, tasks: tasksTotal };
}

/** A synthesised stack's estimate at both ends of its autoscaling range. */
export interface StackCost {
  /** Stack name, e.g. `dev-petstore`. */
  readonly stack: string;
  /** Region whose prices were used (the stack's AWS provider region). */
  readonly region: string;
  /** Date of the region's price table. */
  readonly pricesAsOf: string;
  /** Every service at its autoscaling minimum (or `tasks.min`). */
  readonly minimum: CostEstimate;
  /** Every service at its autoscaling maximum (or `tasks.max`), traffic in proportion. */
  readonly maximum: CostEstimate;
  /** Items at the minimum (the same as `minimum.lines`). */
  readonly lines: readonly CostLine[];
  /** USD per hour at the minimum. */
  readonly hourly: number;
  /** USD per month at the minimum. */
  readonly monthly: number;
}

/** Options of {@link estimateStackCost}. */
export interface StackCostOptions {
  /**
   * Task counts replacing the services' own.
   * @default each service's own autoscaling range
   */
  readonly tasks?: TaskCounts;
  /**
   * Region to price when the stack does not name one in its AWS provider.
   * @default none: such a stack is refused
   */
  readonly region?: string;
  /**
   * Usage of the usage-based parts.
   * @default USAGE_ASSUMPTIONS
   */
  readonly assumptions?: UsageAssumptions;
}

/** The region of a synthesised stack's (first) AWS provider, if it names one. */
export function stackRegion(doc: Record<string, unknown>): string | undefined {
  const aws = (doc.provider as Record<string, unknown> | undefined)?.aws;
  const region = block(aws)?.region;
  return typeof region === 'string' ? region : undefined;
}

/**
 * Estimates a synthesised stack (`cdk.tf.json`, text or parsed) at its autoscaling minimum and
 * maximum with the price table of its provider's region; a region without a table is refused
 * (see {@link pricesFor}).
 */
export function estimateStackCost(
  stack: string,
  json: string | Record<string, unknown>,
  options: StackCostOptions = {},
): StackCost {
  const doc = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  const region = stackRegion(doc) ?? options.region;
  if (region === undefined) {
    throw new ConfigValidationError('cost estimate', [
      {
        field: `${stack}.provider.aws.region`,
        value: undefined,
        rule: 'must name the region whose prices apply',
      },
    ]);
  }
  const prices = pricesFor(region, `${stack}.region`);
  const input: CostInput = { resources: (doc.resource ?? {}) as CostResources };
  const common = { prices, tasks: options.tasks, assumptions: options.assumptions };
  const minimum = estimateCost(input, { ...common, at: 'minimum' });
  const maximum = estimateCost(input, { ...common, at: 'maximum' });
  return {
    stack,
    region,
    pricesAsOf: prices.asOf,
    minimum,
    maximum,
    lines: minimum.lines,
    hourly: minimum.hourly,
    monthly: minimum.monthly,
  };
}
