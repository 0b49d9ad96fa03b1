import type { OrphanProject, OrphanSweep } from '@automock/teardown';
import { customS3Endpoint } from '../environment/aws';
import { EnvironmentContext } from '../environment/environment-context';

/** What `automock sweep --orphans` found, and with `--yes` did. */
export interface OrphansResult {
  readonly env: string;
  readonly orphans: readonly OrphanProject[];
  /** Per orphan, with `--yes`. */
  readonly swept?: readonly OrphanSweep[];
  /** Date of the price table the hourly estimates come from. */
  readonly pricesAsOf: string;
}

/** Time budget of one CLI run; a longer sweep resumes when the command runs again. */
const SWEEP_BUDGET_MS = 15 * 60_000;

/**
 * Finds the environment's orphans (tagged resources of projects the registry does not know or
 * lists as destroyed) and, with `remove`, sweeps them with the sweep's safety rules. The account
 * is checked first; the state bucket, lock table and registry are never touched.
 */
export async function orphans(
  env: string,
  opts: { readonly remove: boolean; readonly log: (line: string) => void },
): Promise<OrphansResult> {
  const ctx = EnvironmentContext.open(env);
  await ctx.requireAccount();
  // Loaded on use: the sweep library brings the SDK clients of every service it deletes from.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const teardown = require('@automock/teardown') as typeof import('@automock/teardown');
  const clients = teardown.teardownClients({
    region: ctx.env.region,
    forcePathStyle: customS3Endpoint(),
  });
  const started = Date.now();
  const o = {
    env,
    accountId: ctx.env.accountId,
    namePrefix: ctx.env.prefix,
    protectedNames: [ctx.names.bucket, ctx.names.lockTable, ctx.names.registryTable],
    clock: {
      timeLeftMs: () => SWEEP_BUDGET_MS - (Date.now() - started),
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    },
    log: opts.log,
  };
  try {
    const found = await teardown.findOrphans(clients, ctx.registry, o);
    const swept = opts.remove
      ? await teardown.sweepOrphans(clients, ctx.registry, found, o)
      : undefined;
    return {
      env,
      orphans: found,
      ...(swept ? { swept } : {}),
      pricesAsOf: teardown.ORPHAN_PRICES_AS_OF,
    };
  } finally {
    teardown.destroyClients(clients);
  }
}
