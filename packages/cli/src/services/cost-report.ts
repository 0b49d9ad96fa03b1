import { HOURS_PER_MONTH } from '@automock/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveEnvironment } from '../environment/app-module';
import { estimateStackCost, priceSource, StackCost } from './cost';
import { EnvironmentContext } from '../environment/environment-context';
import { CliError, EXIT } from '../errors';
import { synthesize } from '../terraform/synth';

/** What `automock cost` reports. */
export interface CostReport {
  readonly prices: string;
  /** Hours of the session priced in {@link session}. */
  readonly hours: number;
  /**
   * Where {@link hours} came from: `flag` (--hours), `ttl` (the environment's default TTL),
   * `no-ttl` (the environment's projects never expire: a month is priced), `default` (8 h, no
   * environment named).
   */
  readonly hoursFrom: 'flag' | 'ttl' | 'no-ttl' | 'default';
  readonly stacks: readonly StackCost[];
  readonly hourly: number;
  readonly monthly: number;
  /** Cost of running everything for {@link hours}. */
  readonly session: number;
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
 * the state bucket for an ephemeral one), an environment with its projects, or everything.
 */
export async function costReport(
  root: string,
  opts: { env?: string; project?: string; hours?: number },
): Promise<CostReport> {
  if (opts.env) resolveEnvironment(opts.env);
  const synth = synthesize({
    root,
    outDir: join(root, '.automock', 'synth', 'cost'),
    environments: opts.env ? [opts.env] : undefined,
  });
  const jsonOf = (file: string) => readFileSync(join(synth.outDir, file), 'utf8');
  let stacks: StackCost[];
  if (opts.project) {
    const s = synth.stacks.find(
      (x) => x.kind === 'project' && x.project === opts.project && x.environment === opts.env,
    );
    if (s) stacks = [estimateStackCost(s.name, jsonOf(s.file))];
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
        estimateStackCost(
          `${opts.env}-${opts.project}`,
          (await out.Body?.transformToString()) ?? '{}',
        ),
      ];
    }
  } else {
    stacks = synth.stacks.map((s) => estimateStackCost(s.name, jsonOf(s.file)));
  }
  const { hours, hoursFrom } = sessionHours(opts);
  const hourly = stacks.reduce((a, s) => a + s.hourly, 0);
  return {
    prices: priceSource(),
    hours,
    hoursFrom,
    stacks,
    hourly,
    monthly: hourly * HOURS_PER_MONTH,
    session: hourly * hours,
    hoursPerMonth: HOURS_PER_MONTH,
  };
}
