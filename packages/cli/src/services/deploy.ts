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
import { Deployment, REREGISTRABLE_STATUSES } from '@automock/registry';
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
import { synthesize, SynthesizedStack } from '../terraform/synth';
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

/** Refuses a project that is deployed (or being torn down), saying what to do instead. */
export function checkNotDeployed(d: Deployment | undefined): void {
  if (!d || REREGISTRABLE_STATUSES.includes(d.status)) return;
  const where = `${d.env}/${d.project}`;
  const base = `--env ${d.env} --project ${d.project}`;
  if (d.status === 'active') {
    throw new CliError(
      `${where} is already active (expires ${d.expiresAt}); deploy refuses to replace a running mock`,
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

  const outDir = join(root, '.automock', 'synth', `${ctx.env.name}-${project.name}`);
  const synth = synthesize({
    root,
    outDir,
    environments: [ctx.env.name],
    projects: [{ env: ctx.env.name, project: { ...input, ...slotInput(albSlot) } }],
    alreadyDeployed: { [ctx.env.name]: alreadyDeployed },
  });
  const stack = synth.stacks.find(
    (s) => s.kind === 'project' && s.project === project.name && s.environment === ctx.env.name,
  );
  if (!stack) {
    throw new CliError(
      `The app did not produce a project stack for ${ctx.env.name}/${project.name} (stacks: ${synth.stacks.map((s) => s.name).join(', ')})`,
      ['Check that buildApp in stacks/src/app.ts accepts extra projects'],
    );
  }
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
  p: PreparedDeploy,
  reason: string,
  outputs?: Record<string, string>,
): Promise<void> {
  try {
    await p.ctx.registry.transition(p.ctx.env.name, p.project.name, {
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
 * Registers the project as `deploying`, stores its synthesised stack in the state bucket (the
 * teardown task destroys from it), applies it, waits until the mock serves (unless told not to),
 * and marks it `active` with its outputs. Any failure (including Ctrl-C, a rollback, stopped
 * tasks or the wait's timeout) marks it `failed` with the reason, never `active`.
 */
export async function executeDeploy(
  p: PreparedDeploy,
  runner: TerraformRunner,
  options: ExecuteDeployOptions = {},
): Promise<DeployResult> {
  const { ctx, project } = p;
  const key = projectStackObjectKey(ctx.env.name, project.name);
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
      env: ctx.env.name,
      project: project.name,
      createdBy: p.createdBy,
      ttlHours: project.ttlHours,
      size: project.sizeName,
      isolation: project.isolation,
      stackObjectKey: key,
      // For the teardown notice's session cost.
      hourlyCost: p.cost?.hourly,
      albSlot: p.albSlot,
    });
    let outputs: Record<string, string> | undefined;
    let waited: WaitResult | undefined;
    try {
      stopIfInterrupted();
      await ctx.s3Client.send(
        new PutObjectCommand({
          Bucket: ctx.names.bucket,
          Key: key,
          Body: p.stackJson,
          ContentType: 'application/json',
          ServerSideEncryption: 'AES256',
        }),
      );
      const dir = prepareWorkdir(p.root, p.outDir, p.stack);
      stopIfInterrupted();
      await runner.init(dir, p.stack.name);
      stopIfInterrupted();
      await runner.plan(dir, p.stack.name, 'automock.tfplan');
      stopIfInterrupted();
      await runner.apply(dir, p.stack.name, 'automock.tfplan');
      outputs = await runner.outputs(dir, p.stack.name);
      stopIfInterrupted();
      if (options.wait !== false)
        waited = await waitUntilServing(p, outputs, { signal: abort.signal, ...options.wait });
    } catch (e) {
      await markFailed(p, (e as Error).message, outputs);
      throw e;
    }
    const active = await ctx.registry.transition(ctx.env.name, project.name, {
      from: ['deploying'],
      to: 'active',
      fields: { outputs },
      by: p.createdBy,
    });
    return result(p, active, outputs, waited);
  } finally {
    process.off('SIGINT', onSigint);
  }
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
