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
  readonly stacks: readonly StackCost[];
  readonly hourly: number;
  readonly monthly: number;
  /** Cost of running everything for {@link hours}. */
  readonly session: number;
  readonly hoursPerMonth: number;
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
  const hours = opts.hours ?? (opts.env ? resolveEnvironment(opts.env).defaultTtlHours || 8 : 8);
  const hourly = stacks.reduce((a, s) => a + s.hourly, 0);
  return {
    prices: priceSource(),
    hours,
    stacks,
    hourly,
    monthly: hourly * HOURS_PER_MONTH,
    session: hourly * hours,
    hoursPerMonth: HOURS_PER_MONTH,
  };
}
