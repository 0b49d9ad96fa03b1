import {
  checkPreviewRouting,
  Environment,
  IssueCollector,
  resolveWorkloadPreview,
  Workload,
  WorkloadPreview,
} from '@automock/core';
import type { WorkloadSource } from '@automock/stacks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAppModule, resolveEnvironment } from '../environment/app-module';
import {
  callerIdentity,
  checkAccount,
  EnvironmentContext,
} from '../environment/environment-context';
import { CliError, EXIT } from '../errors';
import { SynthesizedStack } from '../terraform/synth';
import { TerraformRunner } from '../terraform/terraform';
import { deployEstimate, StackCost } from './cost';
import { applyAndRecord, checkNotDeployed, synthesizeOne } from './deploy';

/** What `automock deploy --workload` was asked for. */
export interface WorkloadDeployRequest {
  readonly env: string;
  /** A declared workload's name, or the path of a workload YAML file. */
  readonly workload: string;
  /** The preview's suffix. @default core's WORKLOAD_PREVIEW_DEFAULTS.name */
  readonly name?: string;
  /** @default the environment's defaultTtlHours */
  readonly ttlHours?: number;
}

/** A preview request that passed validation: nothing has been read from AWS or run yet. */
export interface ValidatedWorkloadDeploy {
  readonly env: Environment;
  readonly preview: WorkloadPreview;
  /** The preview as a workload source (its declaration, renamed and made ephemeral). */
  readonly source: WorkloadSource;
  /** The preview, validated with every default filled in. */
  readonly workload: Workload;
  /** Whether the workload it previews is declared in this environment. */
  readonly declaredHere: boolean;
}

/** A validated, synthesised preview, ready to apply. */
export interface PreparedWorkloadDeploy extends ValidatedWorkloadDeploy {
  readonly root: string;
  readonly ctx: EnvironmentContext;
  readonly stack: SynthesizedStack;
  readonly outDir: string;
  readonly stackJson: string;
  /** The estimate, unless the region has no price table ({@link unpriced} says so). */
  readonly cost?: StackCost;
  readonly unpriced?: string;
  readonly createdBy: string;
}

/** What a preview deploy produced. */
export interface WorkloadDeployResult {
  readonly env: string;
  readonly kind: 'workload';
  /** The declared workload. */
  readonly workload: string;
  /** The preview's name: its registry item, stack `<env>-<project>` and tags. */
  readonly project: string;
  readonly stack: string;
  readonly status: 'active';
  readonly expiresAt: string;
  readonly ttlHours: number;
  readonly outputs: Readonly<Record<string, string>>;
  readonly cost?: { readonly hourly: number; readonly session?: number };
}

/** The flags that name a preview to extend-ttl, destroy and status. */
export function previewFlags(env: string, previewName: string): string {
  return `--env ${env} --project ${previewName}`;
}

function looksLikeFile(v: string): boolean {
  return /\.ya?ml$/i.test(v) || v.includes('/') || v.includes('\\');
}

/**
 * The workload `--workload` names: a YAML file when it looks like a path, else a declared
 * workload (YAML under stacks/workloads or TypeScript), read through the app module.
 */
function workloadSource(value: string, env: string): WorkloadSource {
  const app = loadAppModule();
  if (!app.planApp || !app.yamlWorkload || !app.previewWorkloadSource)
    throw new CliError(
      'workload: the app module declares no workloads (it exports no planApp, yamlWorkload, previewWorkloadSource)',
      [],
      EXIT.usage,
    );
  if (looksLikeFile(value)) {
    let text: string;
    try {
      text = readFileSync(value, 'utf8');
    } catch (e) {
      throw new CliError(
        `workload: got ${JSON.stringify(value)}, must be a declared workload or a readable YAML file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        [],
        EXIT.usage,
      );
    }
    return app.yamlWorkload(text, value);
  }
  // Every declared source, whatever its environments: a production workload may be previewed in dev.
  const sources = app.planApp({ environments: [env] }).declaredWorkloadSources;
  const found = sources.find((s) => s.name === value);
  if (!found) {
    const names = sources.map((s) => s.name).filter((n): n is string => typeof n === 'string');
    throw new CliError(
      `workload: got ${JSON.stringify(value)}, not a declared workload (declared: ${names.length ? names.join(', ') : 'none'}) nor a YAML file`,
      ['automock stacks'],
      EXIT.usage,
    );
  }
  return found;
}

/**
 * Validates a preview request before anything else (AWS, terraform): the environment, the
 * workload, the preview's name and TTL (core's resolveWorkloadPreview), and the workload's
 * definition as the preview (ephemeral, its own name), every problem as field/value/rule.
 */
export function validateWorkloadDeploy(req: WorkloadDeployRequest): ValidatedWorkloadDeploy {
  const env = resolveEnvironment(req.env);
  const declared = workloadSource(req.workload, env.name);
  const issues = new IssueCollector();
  if (typeof declared.name !== 'string')
    issues.add('workload', req.workload, 'must declare a name (its `name` key)');
  issues.throwIfAny(`workload ${req.workload}`);
  const preview = resolveWorkloadPreview(
    { workload: declared.name as string, name: req.name, ttlHours: req.ttlHours },
    env,
  );
  const app = loadAppModule();
  const source = app.previewWorkloadSource!(declared, preview);
  // The plan synthesis makes: the same validator and sections, and a name another declared
  // workload or project holds is refused here, before anything is read from AWS.
  const plan = app.planApp!({ environments: [env.name], workloads: [source] });
  const workload = plan.workloads.find((w) => w.workload.name === preview.previewName)!.workload;
  const envs = Array.isArray(declared.environments) ? declared.environments : [];
  return { env, preview, source, workload, declaredHere: envs.includes(env.name) };
}

/**
 * Checks the account, that the preview is not already deployed, and that its shared-ALB rules
 * would not match the same requests as the workload's other live deployments in the environment;
 * then synthesises the environment with the preview (and the declared stacks, so a name another
 * one holds is refused). Nothing is registered or created yet.
 */
export async function prepareWorkloadDeploy(
  root: string,
  v: ValidatedWorkloadDeploy,
): Promise<PreparedWorkloadDeploy> {
  const ctx = new EnvironmentContext(v.env);
  const who = await callerIdentity(ctx.env.region);
  checkAccount(ctx.env, who);
  const { previewName, workload } = v.preview;
  checkNotDeployed(
    await ctx.registry.get(ctx.env.name, previewName),
    previewFlags(ctx.env.name, previewName),
  );
  const others = (await ctx.registry.listByEnvironment(ctx.env.name))
    .filter(
      (d) =>
        d.kind === 'workload' &&
        d.workload === workload &&
        d.project !== previewName &&
        d.status !== 'destroyed',
    )
    .map((d) => d.project);
  const issues = new IssueCollector();
  checkPreviewRouting(issues, v.workload, [...(v.declaredHere ? [workload] : []), ...others]);
  issues.throwIfAny(`preview ${previewName} in ${ctx.env.name}`);

  const { stack, outDir } = synthesizeOne(
    root,
    ctx,
    `${ctx.env.name}-${previewName}`,
    { workloads: [v.source] },
    (s) => s.kind === 'workload' && s.workload === previewName,
    'Check that buildApp in stacks/src/app.ts accepts extra workloads',
  );
  const stackJson = readFileSync(join(outDir, stack.file), 'utf8');
  return {
    ...v,
    root,
    ctx,
    stack,
    outDir,
    stackJson,
    ...deployEstimate(stack.name, stackJson, stack.region),
    createdBy: who.name,
  };
}

/**
 * Registers the preview (kind `workload`, with the workload it previews and its TTL), stores its
 * synthesised stack, applies it and marks it `active` with its outputs, as a mock's deploy does;
 * the reaper, `extend-ttl` and `destroy` then treat it like one.
 */
export async function executeWorkloadDeploy(
  p: PreparedWorkloadDeploy,
  runner: TerraformRunner,
): Promise<WorkloadDeployResult> {
  const { active, outputs } = await applyAndRecord(
    {
      root: p.root,
      ctx: p.ctx,
      name: p.preview.previewName,
      stack: p.stack,
      outDir: p.outDir,
      stackJson: p.stackJson,
      createdBy: p.createdBy,
      registration: {
        kind: 'workload',
        workload: p.preview.workload,
        ttlHours: p.workload.ttlHours,
        hourlyCost: p.cost?.hourly,
      },
    },
    runner,
  );
  return {
    env: p.ctx.env.name,
    kind: 'workload',
    workload: p.preview.workload,
    project: p.preview.previewName,
    stack: p.stack.name,
    status: 'active',
    expiresAt: active.expiresAt,
    ttlHours: active.ttlHours,
    outputs,
    cost: p.cost && {
      hourly: p.cost.hourly,
      session: active.ttlHours > 0 ? p.cost.hourly * active.ttlHours : undefined,
    },
  };
}
