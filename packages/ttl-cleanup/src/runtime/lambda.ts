/**
 * The reaper Lambda's entry point (bundled to `dist/lambda/index.js`). Builds real clients and
 * its configuration from environment variables the Reaper construct sets; clients get no fixed
 * endpoint, so `AWS_ENDPOINT_URL` keeps working.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { teardownClients } from '@automock/teardown';
import { type ReaperClients, type ReaperConfig, type ReaperReport, runReaper } from './runReaper';
import { REAPER_ENV } from '../reaperEnv';

export { REAPER_ENV };

/** Reads the reaper's configuration; throws naming every missing variable. */
export function configFromEnv(e: NodeJS.ProcessEnv): ReaperConfig {
  const missing = (
    ['env', 'accountId', 'namePrefix', 'registryTable', 'stateBucket', 'lockTable'] as const
  ).filter((k) => !e[REAPER_ENV[k]]);
  if (missing.length)
    throw new Error(
      `reaper: environment variables ${missing.map((k) => REAPER_ENV[k]).join(', ')} are required`,
    );
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const cluster = e[REAPER_ENV.cluster];
  const taskDefinition = e[REAPER_ENV.taskDefinition];
  return {
    env: e[REAPER_ENV.env]!,
    accountId: e[REAPER_ENV.accountId]!,
    namePrefix: e[REAPER_ENV.namePrefix]!,
    registryTable: e[REAPER_ENV.registryTable]!,
    stateBucket: e[REAPER_ENV.stateBucket]!,
    lockTable: e[REAPER_ENV.lockTable]!,
    topicArn: e[REAPER_ENV.topicArn] || undefined,
    dryRun: e[REAPER_ENV.dryRun] === 'true',
    warningMinutes: e[REAPER_ENV.warningMinutes]
      ? list(e[REAPER_ENV.warningMinutes]).map(Number)
      : undefined,
    destroyer:
      cluster && taskDefinition
        ? {
            cluster,
            taskDefinition,
            containerName: e[REAPER_ENV.containerName] || 'destroyer',
            subnets: list(e[REAPER_ENV.subnets]),
            securityGroups: list(e[REAPER_ENV.securityGroups]),
            assignPublicIp: e[REAPER_ENV.assignPublicIp] === 'true',
            timeoutMinutes: Number(e[REAPER_ENV.timeoutMinutes] ?? 45),
          }
        : undefined,
  };
}

/** Real clients, one each, created per container (reused across warm invocations). */
export function realClients(): ReaperClients {
  return { ...teardownClients(), sns: new SNSClient({}) };
}

let clients: ReaperClients | undefined;

/** Lambda handler: one reaper run, stopping 30 s (configurable) before the Lambda's timeout. */
export async function handler(
  _event: unknown,
  context: { getRemainingTimeInMillis(): number },
): Promise<ReaperReport> {
  clients ??= realClients();
  const config = configFromEnv(process.env);
  const reserve = Number(process.env[REAPER_ENV.reserveMs] ?? 30_000);
  const report = await runReaper({
    clients,
    config,
    clock: {
      timeLeftMs: () => context.getRemainingTimeInMillis() - reserve,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
  });
  // A sweep that found nothing of a project believed alive is a finding for a person.
  const errors = report.outcomes.filter(
    (o) => o.action === 'error' || o.action === 'found-nothing',
  );
  console.log(
    JSON.stringify({
      env: report.env,
      outcomes: report.outcomes.length,
      errors: errors.length,
      stoppedForDeadline: report.stoppedForDeadline,
    }),
  );
  // Every project was attempted; failing the invocation sends it to the failure destination.
  if (errors.length)
    throw new Error(
      `reaper: ${errors.length} projects failed: ${errors.map((e) => `${e.project}: ${e.detail}`).join('; ')}`.slice(
        0,
        4000,
      ),
    );
  return report;
}
