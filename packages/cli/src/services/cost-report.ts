import {
  checkTaskCounts,
  HOURS_PER_MONTH,
  PriceSources,
  pricesFor,
  TaskCounts,
  USAGE_ASSUMPTIONS,
  UsageAssumptions,
} from '@automock/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveEnvironment } from '../environment/app-module';
import { estimateStackCost, priceSource, StackCost } from './cost';
import { EnvironmentContext } from '../environment/environment-context';
import { CliError, EXIT } from '../errors';
import { synthesize } from '../terraform/synth';

/** A price table an estimate used. */
export interface PriceTableUsed {
  readonly region: string;
  /** Date the table's figures were checked. */
  readonly asOf: string;
  /** AWS pricing page of each part of the table. */
  readonly sources: PriceSources;
}

/** Totals at one end of the autoscaling range. */
export interface CostTotals {
  /** USD per hour. */
  readonly hourly: number;
  /** USD per month. */
  readonly monthly: number;
  /** Cost of running everything for the session's hours. */
  readonly session: number;
  /** Fargate tasks running, all stacks together. */
  readonly tasks: number;
}

/** What `automock cost` reports. */
export interface CostReport {
  /** The price tables used, as one line per region (region, date). */
  readonly prices: string;
  /** The price tables used, with their sources. */
  readonly priceTables: readonly PriceTableUsed[];
  /** Hours of the session priced in {@link session}. */
  readonly hours: number;
  /**
   * Where {@link hours} came from: `flag` (--hours), `ttl` (the environment's default TTL),
   * `no-ttl` (the environment's projects never expire: a month is priced), `default` (8 h, no
   * environment named).
   */
  readonly hoursFrom: 'flag' | 'ttl' | 'no-ttl' | 'default';
  /** Task counts given with --min-tasks/--max-tasks (otherwise each service's own range). */
  readonly tasks: TaskCounts;
  /** Usage assumed for the usage-based parts (ALB LCUs, data transfer, logs...). */
  readonly assumptions: UsageAssumptions;
  readonly stacks: readonly StackCost[];
  /** USD per hour at the autoscaling minimum. */
  readonly hourly: number;
  /** USD per month at the autoscaling minimum. */
  readonly monthly: number;
  /** Cost of running everything at the minimum for {@link hours}. */
  readonly session: number;
  /** Totals at the autoscaling minimum (the same as hourly, monthly, session). */
  readonly minimum: CostTotals;
  /** Totals with every service at its autoscaling maximum, traffic in proportion. */
  readonly maximum: CostTotals;
  readonly hoursPerMonth: number;
}

/** Hours of a session when none is given without an environment to take its TTL from. */
export const DEFAULT_SESSION_HOURS = 8;

/**
 * How long the priced session lasts: as asked, else the environment's default TTL, which may be
 * 0 ("never expire", as in production) and then stands for a month, not for the 8 h default.
 */
function sessionHours(opts: { env?: string; hours?: number }): {
  hours: number;
  hoursFrom: CostReport['hoursFrom'];
} {
  if (opts.hours !== undefined) return { hours: opts.hours, hoursFrom: 'flag' };
  if (!opts.env) return { hours: DEFAULT_SESSION_HOURS, hoursFrom: 'default' };
  const ttl = resolveEnvironment(opts.env).defaultTtlHours;
  return ttl > 0
    ? { hours: ttl, hoursFrom: 'ttl' }
    : { hours: HOURS_PER_MONTH, hoursFrom: 'no-ttl' };
}

/**
 * Estimates stacks from their synthesised JSON: a project (from the app, or the stack stored in
 * the state bucket for an ephemeral one), a declared workload (`<env>-<workload>`: its services'
 * tasks and whatever else of it the cost model prices), an environment with its projects and
 * workloads, or everything.
 */
export async function costReport(
  root: string,
  opts: {
    env?: string;
    project?: string;
    workload?: string;
    hours?: number;
    minTasks?: number;
    maxTasks?: number;
  },
): Promise<CostReport> {
  checkTaskCounts(
    { min: opts.minTasks, max: opts.maxTasks },
    { min: '--min-tasks', max: '--max-tasks' },
  );
  if (opts.env) resolveEnvironment(opts.env);
  const tasks: TaskCounts = { min: opts.minTasks, max: opts.maxTasks };
  // A stack without an AWS provider region (none of its resources is AWS's) is priced in the
  // region the app built it for.
  const estimate = (name: string, json: string, region: string) =>
    estimateStackCost(name, json, { tasks, region });
  const synth = synthesize({
    root,
    outDir: join(root, '.automock', 'synth', 'cost'),
    environments: opts.env ? [opts.env] : undefined,
  });
  const jsonOf = (file: string) => readFileSync(join(synth.outDir, file), 'utf8');
  let stacks: StackCost[];
  if (opts.workload) {
    const s = synth.stacks.find(
      (x) => x.kind === 'workload' && x.workload === opts.workload && x.environment === opts.env,
    );
    if (!s) {
      const declared = synth.stacks
        .filter((x) => x.kind === 'workload' && x.environment === opts.env)
        .map((x) => x.workload);
      throw new CliError(
        `workload: got ${JSON.stringify(opts.workload)}, not declared in environment ${opts.env} (declared: ${
          declared.length ? declared.join(', ') : 'none'
        })`,
        [`automock stacks --env ${opts.env}`],
        EXIT.usage,
      );
    }
    stacks = [estimate(s.name, jsonOf(s.file), s.region)];
  } else if (opts.project) {
    const s = synth.stacks.find(
      (x) => x.kind === 'project' && x.project === opts.project && x.environment === opts.env,
    );
    if (s) stacks = [estimate(s.name, jsonOf(s.file), s.region)];
    else {
      const ctx = EnvironmentContext.open(opts.env!);
      const d = await ctx.registry.get(opts.env!, opts.project);
      if (!d || d.status === 'destroyed') {
        throw new CliError(
          `project: got ${JSON.stringify(opts.project)}, neither declared in the app nor deployed in ${opts.env}`,
          [`automock list --env ${opts.env}`],
          EXIT.usage,
        );
      }
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { GetObjectCommand } =
        require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const out = await ctx.s3Client.send(
        new GetObjectCommand({ Bucket: ctx.names.bucket, Key: d.stackObjectKey }),
      );
      stacks = [
        estimate(
          `${opts.env}-${opts.project}`,
          (await out.Body?.transformToString()) ?? '{}',
          ctx.env.region,
        ),
      ];
    }
  } else {
    stacks = synth.stacks.map((s) => estimate(s.name, jsonOf(s.file), s.region));
  }
  const { hours, hoursFrom } = sessionHours(opts);
  const totals = (at: 'minimum' | 'maximum'): CostTotals => {
    const hourly = stacks.reduce((a, s) => a + s[at].hourly, 0);
    return {
      hourly,
      monthly: hourly * HOURS_PER_MONTH,
      session: hourly * hours,
      tasks: stacks.reduce((a, s) => a + s[at].tasks, 0),
    };
  };
  const minimum = totals('minimum');
  const regions = [...new Set(stacks.map((s) => s.region))].sort();
  return {
    prices: regions
      .map((r) => priceSource({ region: r, pricesAsOf: pricesFor(r).asOf }))
      .join('; '),
    priceTables: regions.map((r) => {
      const t = pricesFor(r);
      return { region: r, asOf: t.asOf, sources: t.sources };
    }),
    hours,
    hoursFrom,
    tasks,
    assumptions: USAGE_ASSUMPTIONS,
    stacks,
    hourly: minimum.hourly,
    monthly: minimum.monthly,
    session: minimum.session,
    minimum,
    maximum: totals('maximum'),
    hoursPerMonth: HOURS_PER_MONTH,
  };
}
