import { relative } from 'node:path';
import { formatPolicyReport } from '@automock/guardrails';
import type { SynthResult } from '../terraform/synth';
import { formatMs, table } from './format';

/**
 * What `automock synth` prints without `--json`: the stacks, the guardrails' report and a summary
 * line. One function for the oclif command and the fast path (bin/fast-synth.js).
 */
export function synthReport(result: SynthResult, cwd: string = process.cwd()): string {
  return [
    table(
      result.stacks.map((s) => [s.name, s.kind, `${s.resources} resources`]),
      ['stack', 'kind', 'resources'],
    ),
    `\n${formatPolicyReport(result.policy).trimEnd()}`,
    `\nSynthesised ${result.stacks.length} stacks in ${formatMs(result.durationMs)} to ${relative(cwd, result.outDir) || '.'}`,
  ].join('\n');
}
