import {
  failedStackSummary,
  hasChanges,
  parsePlanJson,
  renderCostTable,
  renderSummaryTable,
  StackPlanSummary,
} from '@automock/plan-summary';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, EXIT } from '../errors';
import type { SynthesizedStack } from './synth';
import { TerraformError, TerraformInterruptedError, TerraformRunner } from './terraform';
import { prepareWorkdir } from './workdir';

// Workloads read their environment's outputs like projects, so they come after it too.
const KIND_ORDER = { bootstrap: 0, environment: 1, project: 2, workload: 3 } as const;

/**
 * Which stacks a plan or apply covers: by name, by environment, or all. One of the three, as the
 * flags declare (`exactlyOne` in flags.ts), so no choice among them is made here.
 */
export type StackSelection =
  | { readonly stack: readonly string[] }
  | { readonly env: readonly string[] }
  | { readonly all: true };

/**
 * Picks stacks by name (`--stack`), environment (`--env`: the environment stack and its projects)
 * or all of them, in dependency order: bootstrap, environments, projects.
 */
export function selectStacks(
  stacks: readonly SynthesizedStack[],
  sel: StackSelection,
): SynthesizedStack[] {
  let picked: SynthesizedStack[];
  if ('stack' in sel) {
    const unknown = sel.stack.filter((n) => !stacks.some((s) => s.name === n));
    if (unknown.length > 0) {
      throw new CliError(
        `stack: got ${unknown.map((u) => JSON.stringify(u)).join(', ')}, must be one of ${stacks.map((s) => s.name).join(', ')}`,
        ['automock stacks'],
        EXIT.usage,
      );
    }
    picked = stacks.filter((s) => sel.stack.includes(s.name));
  } else if ('env' in sel) {
    picked = stacks.filter((s) => s.environment !== undefined && sel.env.includes(s.environment));
  } else {
    picked = [...stacks];
  }
  return picked.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

/** A stack's saved plan. */
export interface StackPlan {
  readonly stack: SynthesizedStack;
  /** Working directory terraform ran in. */
  readonly dir: string;
  /** Saved plan file in {@link dir}; apply applies exactly this. */
  readonly planFile: string;
  readonly summary: StackPlanSummary;
  /** What to do about a failed plan (from the terraform failure). */
  readonly suggestions?: readonly string[];
}

/** True when the plan changes something (plan-summary's definition, shared with the PR comment). */
export const planChanges = hasChanges;

/**
 * Runs `init`, `plan -out` and `show -json` for each stack. A stack whose plan fails is recorded
 * as failed and the others still run (the summary shows all of them); Ctrl-C stops at once.
 */
export async function planStacks(
  runner: TerraformRunner,
  root: string,
  outDir: string,
  stacks: readonly SynthesizedStack[],
  opts: { destroy?: boolean } = {},
): Promise<StackPlan[]> {
  const plans: StackPlan[] = [];
  for (const stack of stacks) {
    const dir = prepareWorkdir(root, outDir, stack);
    const planFile = opts.destroy ? 'destroy.tfplan' : 'automock.tfplan';
    try {
      await runner.init(dir, stack.name);
      await runner.plan(dir, stack.name, planFile, opts);
      const json = await runner.showPlan(dir, stack.name, planFile);
      plans.push({ stack, dir, planFile, summary: parsePlanJson(json, { stack: stack.name }) });
    } catch (e) {
      if (e instanceof TerraformInterruptedError || !(e instanceof TerraformError)) throw e;
      plans.push({
        stack,
        dir,
        planFile,
        summary: failedStackSummary(stack.name, e.message),
        suggestions: e.suggestions,
      });
    }
  }
  return plans;
}

/**
 * Writes the Markdown summary table (destroys highlighted) to `file`, followed by the cost
 * section the pull-request comment shows (when a plan touches something priced).
 */
export function writeSummaryMarkdown(file: string, plans: readonly StackPlan[]): void {
  const summaries = plans.map((p) => p.summary);
  const cost = renderCostTable(summaries);
  writeFileSync(
    file,
    cost === '' ? renderSummaryTable(summaries) : `${renderSummaryTable(summaries)}\n${cost}`,
  );
}

/** One line per stack for a terminal: counts, and the destroyed addresses. */
export function formatPlanLines(plans: readonly StackPlan[]): string[] {
  const lines: string[] = [];
  for (const { summary: s } of plans) {
    if (s.status === 'failed') {
      lines.push(`${s.stack}: plan FAILED: ${s.error ?? ''}`);
      continue;
    }
    const counts = `${s.add} to add, ${s.change} to change, ${s.replace} to replace, ${s.destroy} to destroy`;
    lines.push(`${s.stack}: ${planChanges(s) ? counts : 'no changes'}`);
    for (const a of s.destroyed) lines.push(`  DESTROY ${a}`);
    for (const a of s.replaced) lines.push(`  REPLACE ${a}`);
  }
  return lines;
}

/** Fails when any stack's plan failed, after the summary has been written. */
export function throwIfFailed(plans: readonly StackPlan[]): void {
  const failed = plans.filter((p) => p.summary.status === 'failed');
  if (failed.length > 0) {
    throw new CliError(
      `Plan failed for ${failed.map((p) => p.stack.name).join(', ')}:\n${failed.map((p) => `  ${p.stack.name}: ${p.summary.error}`).join('\n')}`,
      [...new Set(failed.flatMap((p) => p.suggestions ?? []))],
    );
  }
}

/** Applies each stack's saved plan (stacks without changes are skipped). */
export async function applyPlans(
  runner: TerraformRunner,
  plans: readonly StackPlan[],
): Promise<void> {
  for (const p of plans) {
    if (!planChanges(p.summary)) continue;
    await runner.apply(p.dir, p.stack.name, p.planFile);
  }
}

export function planPath(p: StackPlan): string {
  return join(p.dir, p.planFile);
}
