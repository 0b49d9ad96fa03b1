import { relative } from 'node:path';
import { formatPolicyReport } from '@automock/guardrails';
import type { SynthResult } from '../terraform/synth';
import { formatMs, table } from './format';

/** Stacks named, with their worker's error, before the rest are counted. */
const WORKER_FAILURES_SHOWN = 5;

/**
 * What `automock synth` prints without `--json`: the stacks, the guardrails' report, the stacks
 * worker threads failed (if any) and a summary line. One function for the oclif command and the
 * fast path (bin/fast-synth.js).
 */
export function synthReport(result: SynthResult, cwd: string = process.cwd()): string {
  return [
    table(
      result.stacks.map((s) => [s.name, s.kind, `${s.resources} resources`]),
      ['stack', 'kind', 'resources'],
    ),
    `\n${formatPolicyReport(result.policy).trimEnd()}`,
    ...workerFailureLines(result.workerFailures),
    `\nSynthesised ${result.stacks.length} stacks in ${formatMs(result.durationMs)} to ${relative(cwd, result.outDir) || '.'}`,
  ].join('\n');
}

/**
 * A warning when worker threads failed stacks this process then built: the output is right, so
 * synthesis succeeds, but the workers are broken (a builder they cannot load, a heap too small)
 * and a large fleet synthesises at one thread's speed until someone looks. Each error's first
 * line is shown; `--json` carries the whole text.
 */
function workerFailureLines(failures: SynthResult['workerFailures']): string[] {
  if (failures.length === 0) return [];
  const n = failures.length;
  const lines = [
    `\nWarning: worker threads failed ${n} ${n === 1 ? 'stack' : 'stacks'}, built again in this process (the output is the same, only slower):`,
    ...failures
      .slice(0, WORKER_FAILURES_SHOWN)
      .map(({ stack, error }) => `  ${stack}: ${error.split('\n', 1)[0]}`),
  ];
  if (n > WORKER_FAILURES_SHOWN) lines.push(`  and ${n - WORKER_FAILURES_SHOWN} more`);
  lines.push(
    '  `automock synth --json` shows each error in full; AUTOMOCK_SYNTH_WORKERS=0 builds every stack in one thread.',
  );
  return lines;
}
