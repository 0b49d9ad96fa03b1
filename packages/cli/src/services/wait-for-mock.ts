import type { Environment } from '@automock/core';
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  type ECSClient,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { setTimeout as delay } from 'node:timers/promises';
import { controlPlaneRequest, readControlPlaneToken } from '../environment/control-plane';
import { CliError, EXIT } from '../errors';

/** The steps a mock goes through before it counts as deployed, in order. */
export const WAIT_STEPS = ['service', 'targets', 'mock'] as const;
export type WaitStep = (typeof WAIT_STEPS)[number];

/** What each step waits for, as progress lines say it. */
export const WAIT_STEP_TITLES: Readonly<Record<WaitStep, string>> = {
  service: 'ECS service stable',
  targets: 'load balancer targets healthy',
  mock: 'MockServer answering with its expectations',
};

/** Why a mock did not come up. */
export type NotServingReason = 'rollback' | 'stopped-tasks' | 'timeout';

/** Defaults of {@link waitForMock}. */
export const WAIT_DEFAULTS = {
  /** How long to wait in all, from the end of the apply. */
  timeoutMs: 15 * 60_000,
  /** Time between two looks at ECS, the load balancer and the mock. */
  pollMs: 10_000,
  /** ECS service events quoted in a failure. */
  events: 5,
} as const;

/** The mock did not come up: why, and what ECS said about it (newest events first). */
export class MockNotServingError extends CliError {
  override name = 'MockNotServingError';
  constructor(
    readonly reason: NotServingReason,
    detail: string,
    readonly events: readonly string[],
    suggestions: readonly string[],
  ) {
    super(
      events.length ? `${detail}\nECS events (newest first):\n  ${events.join('\n  ')}` : detail,
      suggestions,
    );
  }
}

/** Where progress goes: a step starts, something changed while waiting, a step is done. */
export interface WaitProgress {
  start(step: WaitStep): void;
  update(step: WaitStep, detail: string): void;
  done(step: WaitStep, detail: string): void;
}

/** The clients {@link waitForMock} calls; tests pass aws-sdk-client-mock ones. */
export interface WaitClients {
  readonly ecs: Pick<ECSClient, 'send'>;
  readonly elb: Pick<ElasticLoadBalancingV2Client, 'send'>;
  readonly secrets: SecretsManagerClient;
}

/** Clocks and sleeps, replaceable so tests do not wait in real time. */
export interface WaitClock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` fires (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface WaitForMockOptions {
  readonly env: Environment;
  readonly project: string;
  /** ECS cluster of the project's service. */
  readonly cluster: string;
  /** ECS service name. */
  readonly service: string;
  /** The mock's URL (the project's `mockserver_url` output). */
  readonly baseUrl: string;
  /**
   * What the mock must have loaded: the `id`s of the file's expectations that carry one, and how
   * many plain (non-OpenAPI) expectations it holds. An OpenAPI item expands into one expectation
   * per operation, so it only counts through an `id`.
   */
  readonly expected: ExpectedExpectations;
  readonly clients: WaitClients;
  /** @default WAIT_DEFAULTS.timeoutMs */
  readonly timeoutMs?: number;
  /** @default WAIT_DEFAULTS.pollMs */
  readonly pollMs?: number;
  /** @default no progress output */
  readonly progress?: WaitProgress;
  /** @default the global fetch */
  readonly fetch?: typeof fetch;
  /** @default Date.now and setTimeout */
  readonly clock?: WaitClock;
  /** Stops the wait (Ctrl-C): it ends with exit code 130. @default never */
  readonly signal?: AbortSignal;
}

/** What a mock must serve, from its expectations file. */
export interface ExpectedExpectations {
  readonly ids: readonly string[];
  /** Items without `specUrlOrPayload` (one expectation each once loaded). */
  readonly plainCount: number;
}

/** A mock that came up: how long each step took. */
export interface WaitResult {
  readonly durationMs: number;
  readonly steps: readonly { readonly step: WaitStep; readonly detail: string }[];
}

const REAL_CLOCK: WaitClock = {
  now: () => Date.now(),
  // Aborting clears the timer, so Ctrl-C does not keep the process alive for the rest of a poll.
  sleep: (ms, signal) =>
    delay(ms, undefined, { signal }).then(
      () => undefined,
      () => undefined,
    ),
};

/** Reads the ids and the plain-expectation count out of an expectations file's JSON. */
export function expectedFrom(json: unknown): ExpectedExpectations {
  const items = (Array.isArray(json) ? json : [json]) as Record<string, unknown>[];
  return {
    ids: items.map((i) => i?.id).filter((id): id is string => typeof id === 'string'),
    plainCount: items.filter((i) => i && typeof i === 'object' && !('specUrlOrPayload' in i))
      .length,
  };
}

/**
 * Waits until a deployed mock serves: the ECS service is stable (one deployment, all tasks
 * running, rollout completed), every target group of the service has as many healthy targets
 * as the service wants tasks, and the mock answers `GET /mockserver/ready` through its URL and
 * lists its expectations (`PUT /mockserver/retrieve?type=active_expectations`), both with the
 * project's control-plane token.
 *
 * Fails fast when the deployment circuit breaker rolled the deployment back, or a task of the
 * deployment stopped (a broken expectations file makes MockServer exit at start-up with
 * `MOCKSERVER_FAIL_ON_INITIALIZATION_ERROR`; a task the load balancer finds unready is stopped by
 * ECS); otherwise at `timeoutMs`. Each failure carries ECS's latest service events.
 *
 * @throws MockNotServingError
 */
export async function waitForMock(opts: WaitForMockOptions): Promise<WaitResult> {
  const clock = opts.clock ?? REAL_CLOCK;
  const pollMs = opts.pollMs ?? WAIT_DEFAULTS.pollMs;
  const started = clock.now();
  const deadline = started + (opts.timeoutMs ?? WAIT_DEFAULTS.timeoutMs);
  const steps: { step: WaitStep; detail: string }[] = [];
  const where = `${opts.env.name}/${opts.project}`;
  const base = `--env ${opts.env.name} --project ${opts.project}`;
  let lastService: Service | undefined;
  let waitingFor = '';
  // Read once, on the first check of the mock: the token does not change while a deploy waits.
  let token: Promise<string> | undefined;
  const readToken = () =>
    (token ??= readControlPlaneToken(opts.clients.secrets, opts.env, opts.project));

  for (const step of WAIT_STEPS) {
    opts.progress?.start(step);
    let shown = '';
    for (;;) {
      stopIfAborted(opts.signal, step);
      const svc = await describe(opts);
      lastService = svc ?? lastService;
      await failOnBrokenDeployment(opts, svc, where, base);
      const check = await checkStep(step, opts, svc, readToken);
      if (check.ok) {
        steps.push({ step, detail: check.detail });
        opts.progress?.done(step, check.detail);
        break;
      }
      waitingFor = check.detail;
      if (check.detail !== shown) {
        opts.progress?.update(step, check.detail);
        shown = check.detail;
      }
      if (clock.now() + pollMs > deadline) {
        throw new MockNotServingError(
          'timeout',
          `${where} did not come up within ${Math.round((deadline - started) / 1000)} s: still waiting for ${WAIT_STEP_TITLES[step]} (${waitingFor})`,
          serviceEvents(lastService),
          [
            `automock status ${base}`,
            `automock logs ${base}`,
            'Then deploy again with a longer --wait-timeout, or destroy it',
          ],
        );
      }
      await clock.sleep(pollMs, opts.signal);
      stopIfAborted(opts.signal, step);
    }
  }
  return { durationMs: clock.now() - started, steps };
}

function stopIfAborted(signal: AbortSignal | undefined, step: WaitStep): void {
  if (signal?.aborted)
    throw new CliError(
      `Interrupted by Ctrl-C while waiting for ${WAIT_STEP_TITLES[step]}`,
      [],
      EXIT.interrupted,
    );
}

async function describe(opts: WaitForMockOptions): Promise<Service | undefined> {
  const out = await opts.clients.ecs.send(
    new DescribeServicesCommand({ cluster: opts.cluster, services: [opts.service] }),
  );
  return out.services?.[0];
}

function primaryDeployment(svc: Service | undefined) {
  return svc?.deployments?.find((d) => d.status === 'PRIMARY');
}

function serviceEvents(svc: Service | undefined): string[] {
  return (svc?.events ?? [])
    .slice(0, WAIT_DEFAULTS.events)
    .map((e) => `${e.createdAt ? new Date(e.createdAt).toISOString() : '-'} ${e.message ?? ''}`);
}

/** Stop codes that say nothing about the mock: capacity taken back, not a failure of the task. */
const NOT_THE_MOCKS_FAULT = new Set(['SpotInterruption', 'TerminationNotice']);

/** A circuit-breaker rollback, or a task of the current deployment that stopped. */
async function failOnBrokenDeployment(
  opts: WaitForMockOptions,
  svc: Service | undefined,
  where: string,
  base: string,
): Promise<void> {
  const suggestions = [`automock status ${base}`, `automock logs ${base}`];
  const failed = svc?.deployments?.find((d) => d.rolloutState === 'FAILED');
  if (failed) {
    throw new MockNotServingError(
      'rollback',
      `${where}: the ECS deployment failed and was rolled back by the circuit breaker: ${failed.rolloutStateReason ?? 'no reason given'}`,
      serviceEvents(svc),
      suggestions,
    );
  }
  const primary = primaryDeployment(svc);
  if (!primary?.id) return;
  const listed = await opts.clients.ecs.send(
    new ListTasksCommand({
      cluster: opts.cluster,
      serviceName: opts.service,
      desiredStatus: 'STOPPED',
    }),
  );
  if (!listed.taskArns?.length) return;
  const described = await opts.clients.ecs.send(
    new DescribeTasksCommand({ cluster: opts.cluster, tasks: listed.taskArns.slice(0, 100) }),
  );
  const stopped = (described.tasks ?? []).filter(
    (t) => t.startedBy === primary.id && !NOT_THE_MOCKS_FAULT.has(t.stopCode ?? ''),
  );
  if (stopped.length) {
    throw new MockNotServingError(
      'stopped-tasks',
      `${where}: ${stopped.length} task${stopped.length === 1 ? '' : 's'} of the deployment stopped: ${stopped.map(describeStop).join('; ')}`,
      serviceEvents(svc),
      suggestions,
    );
  }
}

function describeStop(t: Task): string {
  const id = t.taskArn?.split('/').pop() ?? '?';
  const containers = (t.containers ?? [])
    .filter((c) => c.exitCode !== undefined || c.reason)
    .map(
      (c) =>
        `${c.name}${c.exitCode !== undefined ? ` exit ${c.exitCode}` : ''}${c.reason ? ` (${c.reason})` : ''}`,
    );
  return `${id}: ${t.stoppedReason ?? t.stopCode ?? 'stopped'}${containers.length ? ` [${containers.join(', ')}]` : ''}`;
}

async function checkStep(
  step: WaitStep,
  opts: WaitForMockOptions,
  svc: Service | undefined,
  readToken: () => Promise<string>,
): Promise<{ ok: boolean; detail: string }> {
  if (!svc || svc.status !== 'ACTIVE')
    return { ok: false, detail: `service ${svc?.status ?? 'not found yet'}` };
  const desired = svc.desiredCount ?? 0;
  if (step === 'service') {
    const deployments = svc.deployments ?? [];
    const rollout = primaryDeployment(svc)?.rolloutState;
    const running = svc.runningCount ?? 0;
    const detail = `${running}/${desired} tasks running${deployments.length > 1 ? `, ${deployments.length} deployments` : ''}${rollout ? `, rollout ${rollout}` : ''}`;
    const ok =
      desired > 0 &&
      running === desired &&
      deployments.length === 1 &&
      (rollout === undefined || rollout === 'COMPLETED');
    return { ok, detail };
  }
  if (step === 'targets') return checkTargets(opts, svc, desired);
  return checkMock(opts, await readToken());
}

async function checkTargets(
  opts: WaitForMockOptions,
  svc: Service,
  desired: number,
): Promise<{ ok: boolean; detail: string }> {
  const groups = [
    ...new Set((svc.loadBalancers ?? []).map((l) => l.targetGroupArn).filter(Boolean)),
  ] as string[];
  if (!groups.length) return { ok: true, detail: 'no load balancer' };
  const parts: string[] = [];
  let ok = true;
  for (const arn of groups) {
    const out = await opts.clients.elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: arn }),
    );
    const all = out.TargetHealthDescriptions ?? [];
    const healthy = all.filter((t) => t.TargetHealth?.State === 'healthy').length;
    if (healthy < desired) ok = false;
    const name = arn.split('/')[1] ?? arn;
    const problems = [
      ...new Set(
        all
          .filter((t) => t.TargetHealth?.State !== 'healthy')
          .map(
            (t) =>
              `${t.TargetHealth?.State ?? '?'}${t.TargetHealth?.Description ? `: ${t.TargetHealth.Description}` : t.TargetHealth?.Reason ? `: ${t.TargetHealth.Reason}` : ''}`,
          ),
      ),
    ];
    parts.push(
      `${name} ${healthy}/${desired} healthy${problems.length ? ` (${problems.join('; ')})` : ''}`,
    );
  }
  return { ok, detail: parts.join(', ') };
}

async function checkMock(
  opts: WaitForMockOptions,
  token: string,
): Promise<{ ok: boolean; detail: string }> {
  const doFetch = opts.fetch ?? fetch;
  const target = { env: opts.env, project: opts.project, baseUrl: opts.baseUrl };
  const ready = await controlPlaneRequest(
    opts.clients.secrets,
    target,
    { path: '/mockserver/ready' },
    token,
  );
  let res: Response;
  try {
    res = await doFetch(ready.url, { ...ready.init, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    return { ok: false, detail: `${ready.url}: ${(e as Error).message}` };
  }
  if (res.status !== 200) {
    return { ok: false, detail: `GET /mockserver/ready answered ${res.status}` };
  }
  const retrieve = await controlPlaneRequest(
    opts.clients.secrets,
    target,
    { path: '/mockserver/retrieve?type=active_expectations&format=json', method: 'PUT' },
    token,
  );
  let active: { id?: unknown }[];
  try {
    const r = await doFetch(retrieve.url, {
      ...retrieve.init,
      signal: AbortSignal.timeout(10_000),
    });
    if (r.status !== 200)
      return { ok: false, detail: `PUT /mockserver/retrieve answered ${r.status}` };
    const body = (await r.json()) as unknown;
    active = Array.isArray(body) ? (body as { id?: unknown }[]) : [];
  } catch (e) {
    return { ok: false, detail: `retrieving expectations: ${(e as Error).message}` };
  }
  const loaded = new Set(active.map((a) => a.id).filter((id) => typeof id === 'string'));
  const missing = opts.expected.ids.filter((id) => !loaded.has(id));
  if (missing.length || active.length < opts.expected.plainCount) {
    return {
      ok: false,
      detail: `ready, but ${active.length} expectation${active.length === 1 ? '' : 's'} loaded${missing.length ? `, missing ids ${missing.join(', ')}` : ''}`,
    };
  }
  return {
    ok: true,
    detail: `ready, ${active.length} expectation${active.length === 1 ? '' : 's'} active`,
  };
}
