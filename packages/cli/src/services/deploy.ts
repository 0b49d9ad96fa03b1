import {
  defineProject,
  Environment,
  InstanceSizeName,
  Project,
  ProjectInput,
  PROJECT_OUTPUT,
  ProjectIsolation,
  projectStackObjectKey,
} from '@automock/core';
import { Deployment, RegisterInput, REREGISTRABLE_STATUSES } from '@automock/registry';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocateSharedAlbSlot } from './alb-slot';
import { deployEstimate, StackCost } from './cost';
import { serviceNames } from './status';
import { expectedFrom, waitForMock, WaitClients, WaitProgress, WaitResult } from './wait-for-mock';
import { ecsClient, elbClient, secretsManagerClient } from '../environment/aws';
import { ProjectUrls, urlsFrom } from './urls';
import {
  callerIdentity,
  checkAccount,
  EnvironmentContext,
} from '../environment/environment-context';
import { CliError, EXIT } from '../errors';
import { loadAppModule, resolveEnvironment } from '../environment/app-module';
import { synthesize, SynthesizedStack, SynthOptions } from '../terraform/synth';
import { TerraformRunner } from '../terraform/terraform';
import { prepareWorkdir } from '../terraform/workdir';

/** What `automock deploy` was asked for. */
export interface DeployRequest {
  readonly env: string;
  readonly project: string;
  /** Path of the MockServer expectations file. */
  readonly expectations: string;
  readonly ttlHours?: number;
  readonly size?: InstanceSizeName;
  readonly minTasks?: number;
  readonly maxTasks?: number;
  readonly isolation?: ProjectIsolation;
  readonly notificationEmail?: string;
  /** Listener port on the shared ALB (environment without a domain). @default - a free one */
  readonly listenerPort?: number;
}

/** A validated, synthesised deployment, ready to apply. */
export interface PreparedDeploy {
  readonly root: string;
  readonly ctx: EnvironmentContext;
  readonly project: Project;
  readonly input: ProjectInput;
  readonly stack: SynthesizedStack;
  readonly outDir: string;
  readonly stackJson: string;
  /** The estimate, unless the region has no price table ({@link unpriced} says so). */
  readonly cost?: StackCost;
  /** Why there is no estimate. */
  readonly unpriced?: string;
  readonly createdBy: string;
  /** The shared-ALB slot allocated to it. @default - none (dedicated) */
  readonly albSlot?: Deployment['albSlot'];
}

/** What a deploy produced. */
export interface DeployResult {
  readonly env: string;
  readonly project: string;
  readonly status: 'active';
  readonly expiresAt: string;
  readonly ttlHours: number;
  readonly urls: ProjectUrls;
  readonly outputs: Readonly<Record<string, string>>;
  /** Absent when the region has no price table. */
  readonly cost?: { readonly hourly: number; readonly session?: number };
  /** How the wait for the mock went; absent with `--no-wait`. */
  readonly serving?: {
    readonly waitedMs: number;
    readonly steps: WaitResult['steps'];
  };
}

const BUSY = ['deploying', 'active', 'expiring', 'destroying'];

/**
 * Refuses a project (or workload preview) that is deployed or being torn down, saying what to do
 * instead. `redeploy` is the flags that name it to `extend-ttl`, `destroy` and `status`.
 */
export function checkNotDeployed(
  d: Deployment | undefined,
  redeploy = d && `--env ${d.env} --project ${d.project}`,
): void {
  if (!d || REREGISTRABLE_STATUSES.includes(d.status)) return;
  const where = `${d.env}/${d.project}`;
  const base = redeploy ?? `--env ${d.env} --project ${d.project}`;
  if (d.status === 'active') {
    throw new CliError(
      `${where} is already active (expires ${d.expiresAt}); deploy refuses to replace a running ${d.kind === 'workload' ? 'preview' : 'mock'}`,
      [
        `Give it more time: automock extend-ttl ${base} --hours 4`,
        `Or replace it: automock destroy ${base}, then deploy again`,
      ],
    );
  }
  if (BUSY.includes(d.status)) {
    throw new CliError(
      `${where} is ${d.status} (since ${d.updatedAt}, by ${d.updatedBy}); wait for that to finish`,
      [`automock status ${base}`],
    );
  }
}

/** A deploy request that passed validation: nothing has been read from AWS or run yet. */
export interface ValidatedDeploy {
  readonly env: Environment;
  readonly input: ProjectInput;
  readonly project: Project;
}

/**
 * Validates the request: the environment exists, and core's defineProject accepts the options and
 * the expectations file. Runs before anything else (the terraform check, AWS calls), so bad input
 * is always reported as such, with exit code 2.
 */
export function validateDeploy(req: DeployRequest, now: Date = new Date()): ValidatedDeploy {
  const env = resolveEnvironment(req.env);
  const input: ProjectInput = {
    name: req.project,
    size: req.size,
    ttlHours: req.ttlHours,
    minTasks: req.minTasks,
    maxTasks: req.maxTasks,
    isolation: req.isolation,
    expectations: req.expectations,
    notificationEmail: req.notificationEmail,
    ephemeral: true,
    createdAt: now.toISOString(),
  };
  // The requested port is checked here with the rest; the allocated one joins the input later.
  return { env, input, project: defineProject({ ...input, listenerPort: req.listenerPort }, env) };
}

/**
 * Validates the request ({@link validateDeploy}, unless already done), checks the account and
 * that the project is not already deployed, and synthesises the project's stack. Nothing is
 * registered or created yet.
 */
export async function prepareDeploy(
  root: string,
  req: DeployRequest,
  now: Date = new Date(),
  validated: ValidatedDeploy = validateDeploy(req, now),
): Promise<PreparedDeploy> {
  const { input, project: requested } = validated;
  const ctx = new EnvironmentContext(validated.env);
  const who = await callerIdentity(ctx.env.region);
  checkAccount(ctx.env, who);
  checkNotDeployed(await ctx.registry.get(ctx.env.name, requested.name));
  const { project, albSlot } = await withAllocatedSlot(ctx, input, requested, req, who.name);
  const alreadyDeployed = await sharedProjectsDeployed(ctx, project.name);

  const { stack, outDir } = synthesizeOne(
    root,
    ctx,
    `${ctx.env.name}-${project.name}`,
    {
      projects: [{ env: ctx.env.name, project: { ...input, ...slotInput(albSlot) } }],
      alreadyDeployed: { [ctx.env.name]: alreadyDeployed },
    },
    (s) => s.kind === 'project' && s.project === project.name,
    'Check that buildApp in stacks/src/app.ts accepts extra projects',
  );
  const stackJson = readFileSync(join(outDir, stack.file), 'utf8');
  return {
    albSlot,
    root,
    ctx,
    project,
    input: { ...input, ...slotInput(albSlot) },
    stack,
    outDir,
    stackJson,
    ...deployEstimate(stack.name, stackJson, stack.region),
    createdBy: who.name,
  };
}

/**
 * Synthesises the environment's stacks with `extra` (an ephemeral project or workload preview)
 * into `.automock/synth/<name>` and returns the one stack `match` picks, or an error naming the
 * stacks the app produced.
 */
export function synthesizeOne(
  root: string,
  ctx: EnvironmentContext,
  name: string,
  extra: Omit<SynthOptions, 'root' | 'outDir' | 'environments'>,
  match: (s: SynthesizedStack) => boolean,
  hint: string,
): { stack: SynthesizedStack; outDir: string } {
  const outDir = join(root, '.automock', 'synth', name);
  const synth = synthesize({ root, outDir, environments: [ctx.env.name], ...extra });
  const stack = synth.stacks.find((s) => s.environment === ctx.env.name && match(s));
  if (!stack) {
    throw new CliError(
      `The app did not produce the stack ${name} (stacks: ${synth.stacks.map((s) => s.name).join(', ')})`,
      [hint],
    );
  }
  return { stack, outDir };
}

/** The project input fields that carry an allocated slot into synthesis. */
function slotInput(
  slot: Deployment['albSlot'],
): Pick<ProjectInput, 'listenerPort' | 'rulePriority'> {
  if (!slot) return {};
  return slot.kind === 'listener-port'
    ? { listenerPort: slot.value }
    : { rulePriority: slot.value };
}

/**
 * Allocates the project's shared-ALB slot (see allocateSharedAlbSlot) and defines the project
 * again with it, so what is synthesised is what the registry handed out.
 */
async function withAllocatedSlot(
  ctx: EnvironmentContext,
  input: ProjectInput,
  validated: Project,
  req: DeployRequest,
  by: string,
): Promise<{ project: Project; albSlot: Deployment['albSlot'] }> {
  const albSlot = await allocateSharedAlbSlot(ctx, validated, {
    requestedPort: req.listenerPort,
    by,
  });
  if (!albSlot) return { project: validated, albSlot };
  return { project: defineProject({ ...input, ...slotInput(albSlot) }, ctx.env), albSlot };
}

/**
 * Shared-ALB projects of the environment that the registry knows and the app does not declare
 * (ephemeral ones): they hold listeners, target groups and rules on the same ALB. Anything not
 * destroyed may still hold them.
 */
async function sharedProjectsDeployed(ctx: EnvironmentContext, self: string): Promise<number> {
  // A replacement app module (AUTOMOCK_APP_MODULE) may declare no projects.
  const projects = loadAppModule().PROJECTS ?? [];
  const declared = new Set(
    projects.filter((d) => d.env === ctx.env.name).map((d) => d.project.name),
  );
  const items = await ctx.registry.listByEnvironment(ctx.env.name);
  return items.filter(
    (d) =>
      d.status !== 'destroyed' &&
      d.isolation !== 'dedicated' &&
      d.project !== self &&
      !declared.has(d.project),
  ).length;
}

/** Keeps a registry entry from ever saying `active` for something that failed. */
async function markFailed(
  p: Pick<Deployable, 'ctx' | 'name' | 'createdBy'>,
  reason: string,
  outputs?: Record<string, string>,
): Promise<void> {
  try {
    await p.ctx.registry.transition(p.ctx.env.name, p.name, {
      from: ['deploying'],
      to: 'failed',
      // The outputs of an applied stack that never came up say where to look (status, logs).
      fields: { failureReason: reason.slice(0, 1000), ...(outputs ? { outputs } : {}) },
      by: p.createdBy,
    });
  } catch (e) {
    process.stderr.write(
      `warning: could not record the failure in the registry: ${(e as Error).message}\n`,
    );
  }
}

/** How `executeDeploy` waits for the mock after the apply. */
export interface DeployWaitOptions {
  /** @default WAIT_DEFAULTS.timeoutMs */
  readonly timeoutMs?: number;
  /** @default WAIT_DEFAULTS.pollMs */
  readonly pollMs?: number;
  /** @default no progress output */
  readonly progress?: WaitProgress;
  /** @default clients for the environment's region */
  readonly clients?: WaitClients;
  /** @default never */
  readonly signal?: AbortSignal;
}

export interface ExecuteDeployOptions {
  /**
   * Wait until the mock serves before marking it `active` ({@link waitForMock}); `false` marks it
   * active as soon as the apply succeeded.
   * @default {} (wait, with the defaults)
   */
  readonly wait?: DeployWaitOptions | false;
}

/**
 * Waits for a freshly applied project's mock ({@link waitForMock}) with the names and URL from its
 * outputs.
 */
export async function waitUntilServing(
  p: PreparedDeploy,
  outputs: Readonly<Record<string, string>>,
  opts: DeployWaitOptions = {},
): Promise<WaitResult> {
  const { ctx, project } = p;
  const url = urlsFrom(outputs).mockserver;
  if (!url)
    throw new CliError(
      `${ctx.env.name}/${project.name}: the stack has no ${PROJECT_OUTPUT.url} output, so there is no URL to wait for`,
    );
  const { cluster, service } = serviceNames(ctx, { project: project.name, outputs });
  const own = opts.clients ? undefined : waitClients(ctx.env.region);
  try {
    return await waitForMock({
      env: ctx.env,
      project: project.name,
      cluster,
      service,
      baseUrl: url,
      expected: expectedFrom(project.expectations.items),
      clients: opts.clients ?? own!,
      timeoutMs: opts.timeoutMs,
      pollMs: opts.pollMs,
      progress: opts.progress,
      signal: opts.signal,
    });
  } finally {
    own?.ecs.destroy();
    own?.elb.destroy();
    own?.secrets.destroy();
  }
}

function waitClients(region: string) {
  return {
    ecs: ecsClient(region),
    elb: elbClient(region),
    secrets: secretsManagerClient(region),
  };
}

/**
 * A synthesised stack to deploy as a registry item: a MockServer project or a workload preview.
 */
export interface Deployable {
  readonly root: string;
  readonly ctx: EnvironmentContext;
  /** The registry item's name (a project's, or a preview's workload name). */
  readonly name: string;
  readonly stack: SynthesizedStack;
  readonly outDir: string;
  readonly stackJson: string;
  readonly createdBy: string;
  /** What the registry records besides name, creator and stack key. */
  readonly registration: Omit<RegisterInput, 'env' | 'project' | 'createdBy' | 'stackObjectKey'>;
}

/**
 * Registers `d` as `deploying`, stores its synthesised stack in the state bucket (the teardown
 * task destroys from it), applies it, runs `afterApply` (the wait for a mock), and marks it
 * `active` with its outputs. Any failure (including Ctrl-C, a rollback, stopped tasks or the
 * wait's timeout) marks it `failed` with the reason, never `active`.
 */
export async function applyAndRecord<W>(
  d: Deployable,
  runner: TerraformRunner,
  afterApply?: (outputs: Record<string, string>, signal: AbortSignal) => Promise<W | undefined>,
): Promise<{ active: Deployment; outputs: Record<string, string>; waited?: W }> {
  const { ctx } = d;
  const key = projectStackObjectKey(ctx.env.name, d.name);
  // From registration on, Ctrl-C between terraform steps must not kill the process and leave the
  // registry saying `deploying`: note it, stop at the next step, record the failure. (During a
  // terraform step the runner forwards it to terraform as well.)
  let interrupted = false;
  const abort = new AbortController();
  const onSigint = () => {
    interrupted = true;
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  const stopIfInterrupted = () => {
    if (interrupted)
      throw new CliError(
        'Interrupted by Ctrl-C; stopped before the next step',
        [],
        EXIT.interrupted,
      );
  };
  try {
    await ctx.registry.register({
      ...d.registration,
      env: ctx.env.name,
      project: d.name,
      createdBy: d.createdBy,
      stackObjectKey: key,
    });
    let outputs: Record<string, string> | undefined;
    let waited: W | undefined;
    try {
      stopIfInterrupted();
      await ctx.s3Client.send(
        new PutObjectCommand({
          Bucket: ctx.names.bucket,
          Key: key,
          Body: d.stackJson,
          ContentType: 'application/json',
          ServerSideEncryption: 'AES256',
        }),
      );
      const dir = prepareWorkdir(d.root, d.outDir, d.stack);
      stopIfInterrupted();
      await runner.init(dir, d.stack.name);
      stopIfInterrupted();
      await runner.plan(dir, d.stack.name, 'automock.tfplan');
      stopIfInterrupted();
      await runner.apply(dir, d.stack.name, 'automock.tfplan');
      outputs = await runner.outputs(dir, d.stack.name);
      stopIfInterrupted();
      if (afterApply) waited = await afterApply(outputs, abort.signal);
    } catch (e) {
      await markFailed(d, (e as Error).message, outputs);
      throw e;
    }
    const active = await ctx.registry.transition(ctx.env.name, d.name, {
      from: ['deploying'],
      to: 'active',
      fields: { outputs },
      by: d.createdBy,
    });
    return { active, outputs, waited };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * Deploys a prepared project ({@link applyAndRecord}), waiting until the mock serves (unless told
 * not to) before it is marked `active`.
 */
export async function executeDeploy(
  p: PreparedDeploy,
  runner: TerraformRunner,
  options: ExecuteDeployOptions = {},
): Promise<DeployResult> {
  const { ctx, project } = p;
  const { active, outputs, waited } = await applyAndRecord(
    {
      root: p.root,
      ctx,
      name: project.name,
      stack: p.stack,
      outDir: p.outDir,
      stackJson: p.stackJson,
      createdBy: p.createdBy,
      registration: {
        kind: 'mock',
        ttlHours: project.ttlHours,
        size: project.sizeName,
        isolation: project.isolation,
        // For the teardown notice's session cost.
        hourlyCost: p.cost?.hourly,
        albSlot: p.albSlot,
      },
    },
    runner,
    options.wait === false
      ? undefined
      : (outputs, signal) => waitUntilServing(p, outputs, { signal, ...options.wait }),
  );
  return result(p, active, outputs, waited);
}

function result(
  p: PreparedDeploy,
  active: Deployment,
  outputs: Record<string, string>,
  waited: WaitResult | undefined,
): DeployResult {
  const { ctx, project } = p;
  return {
    env: ctx.env.name,
    project: project.name,
    status: 'active',
    expiresAt: active.expiresAt,
    ttlHours: active.ttlHours,
    urls: urlsFrom(outputs),
    outputs,
    cost: p.cost && {
      hourly: p.cost.hourly,
      session: active.ttlHours > 0 ? p.cost.hourly * active.ttlHours : undefined,
    },
    serving: waited ? { waitedMs: waited.durationMs, steps: waited.steps } : undefined,
  };
}
