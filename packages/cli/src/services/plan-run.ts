import { changedSince } from '../terraform/changed-since';
import { findProjectRoot } from '../environment/project-root';
import {
  planStacks,
  selectStacks,
  StackPlan,
  StackSelection,
  writeSummaryMarkdown,
} from '../terraform/stack-plans';
import { synthesize, SynthesizedStack } from '../terraform/synth';
import { TerraformRunner } from '../terraform/terraform';

export type PlanRunOptions = StackSelection & {
  /** Only stacks whose synthesised JSON differs from this git ref or synth directory. */
  readonly changedSince?: string;
  readonly destroy?: boolean;
};

export interface PlanRun {
  readonly plans: StackPlan[];
  /** Selected stacks left out because they did not change. */
  readonly unchanged: readonly string[];
  /** Stacks the base had that are gone now (terraform will not destroy them by itself). */
  readonly removed: readonly string[];
}

/** Synthesises, selects stacks (and keeps the changed ones), and plans each of them. */
export async function runPlans(
  root: string,
  runner: TerraformRunner,
  opts: PlanRunOptions,
  log: (line: string) => void,
): Promise<PlanRun> {
  // Only the selected environments' stacks when that is all a plan needs: faster. A stack
  // selection needs every stack, to check the names given.
  const synth = synthesize({ root, environments: 'env' in opts ? opts.env : undefined });
  let stacks: SynthesizedStack[] = selectStacks(synth.stacks, opts);
  let unchanged: string[] = [];
  let removed: readonly string[] = [];
  if (opts.changedSince) {
    const set = changedSince(root, synth.outDir, stacks, opts.changedSince);
    unchanged = stacks.filter((s) => !set.changed.includes(s.name)).map((s) => s.name);
    stacks = stacks.filter((s) => set.changed.includes(s.name));
    removed = set.removed;
    log(`Changed since ${opts.changedSince}: ${stacks.map((s) => s.name).join(', ') || 'none'}`);
    for (const r of removed)
      log(
        `warning: stack ${r} exists in ${opts.changedSince} but no longer in the app; destroy it by hand if it was applied`,
      );
  }
  const plans = await planStacks(runner, root, synth.outDir, stacks, { destroy: opts.destroy });
  return { plans, unchanged, removed };
}

/** What `stackFlags` (flags.ts) parse to. */
export interface StackFlagValues {
  readonly env?: string[];
  readonly stack?: string[];
  readonly all?: boolean;
  readonly 'changed-since'?: string;
  readonly 'summary-md'?: string;
  readonly verbose: boolean;
}

/**
 * What plan and apply share: plan the stacks the flags select and write the Markdown summary when
 * asked. Returns the runner too, so apply applies the saved plans with the same settings.
 */
export async function planFromFlags(
  flags: StackFlagValues,
  progress: (line: string) => void,
): Promise<{ plans: StackPlan[]; runner: TerraformRunner }> {
  const runner = new TerraformRunner({ verbose: flags.verbose });
  const { plans } = await runPlans(
    findProjectRoot(),
    runner,
    { ...stackSelection(flags), changedSince: flags['changed-since'] },
    progress,
  );
  if (flags['summary-md']) writeSummaryMarkdown(flags['summary-md'], plans);
  return { plans, runner };
}

/** The selection the flags made; oclif has already refused none or more than one. */
function stackSelection(flags: StackFlagValues): StackSelection {
  if (flags.stack) return { stack: flags.stack };
  if (flags.env) return { env: flags.env };
  return { all: true };
}
