import { hasChanges, StackPlanSummary } from './plan-json';

/** Options of {@link renderSummaryTable}. */
export interface SummaryTableOptions {
  /**
   * How many destroyed or replaced addresses to list per stack before "… and N more".
   * @default 50
   */
  readonly maxListedAddresses?: number;
}

const WARN = '⚠️';
const FAILED = '❌';

/** Markdown inline code that survives backticks inside the text. */
export function inlineCode(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Escapes what would break a table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function count(n: number, warn: boolean): string {
  if (n === 0) return '0';
  return warn ? `${WARN} **${n}**` : String(n);
}

function result(s: StackPlanSummary): string {
  if (s.status === 'failed') return `${FAILED} **plan failed**`;
  if (!hasChanges(s)) return 'no changes';
  const parts = ['changes'];
  if (s.outputChanges > 0)
    parts.push(`${s.outputChanges} output${s.outputChanges === 1 ? '' : 's'}`);
  if (s.forget > 0) parts.push(`${s.forget} removed from state`);
  return parts.join(', ');
}

function row(name: string, s: Omit<StackPlanSummary, 'stack'>, res: string): string {
  const failed = s.status === 'failed' && s.add + s.change + s.replace + s.destroy + s.noOp === 0;
  const n = (v: number, warn = false): string => (failed ? '–' : count(v, warn));
  return `| ${name} | ${n(s.add)} | ${n(s.change)} | ${n(s.replace, true)} | ${n(s.destroy, true)} | ${n(s.noOp)} | ${res} |`;
}

function listed(kind: string, stack: string, addresses: readonly string[], max: number): string[] {
  const shown = addresses
    .slice(0, max)
    .map((a) => `- ${inlineCode(stack)}: ${kind} ${inlineCode(a)}`);
  if (addresses.length > max)
    shown.push(`- ${inlineCode(stack)}: … and ${addresses.length - max} more to ${kind}`);
  return shown;
}

/**
 * Renders the per-stack table (add, change, replace, destroy, unchanged, result) with destroys and
 * replacements in bold behind a warning marker, a total row when there is more than one stack, and
 * below it the destroyed and replaced addresses. Failed stacks say so in the result column.
 */
export function renderSummaryTable(
  summaries: readonly StackPlanSummary[],
  options: SummaryTableOptions = {},
): string {
  const max = options.maxListedAddresses ?? 50;
  if (!Number.isInteger(max) || max < 0) {
    throw new Error(`renderSummaryTable: maxListedAddresses: got ${max}, must be an integer >= 0`);
  }
  if (summaries.length === 0) return '_No stacks changed: nothing to plan._\n';

  const lines = [
    '| Stack | Add | Change | Replace | Destroy | Unchanged | Result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const s of summaries) lines.push(row(inlineCode(cell(s.stack)), s, result(s)));
  if (summaries.length > 1) {
    const sum = (f: (s: StackPlanSummary) => number): number =>
      summaries.reduce((a, s) => a + f(s), 0);
    const failed = summaries.filter((s) => s.status === 'failed').length;
    const total: Omit<StackPlanSummary, 'stack'> = {
      status: 'ok',
      add: sum((s) => s.add),
      change: sum((s) => s.change),
      destroy: sum((s) => s.destroy),
      replace: sum((s) => s.replace),
      noOp: sum((s) => s.noOp),
      forget: sum((s) => s.forget),
      outputChanges: sum((s) => s.outputChanges),
      destroyed: [],
      replaced: [],
    };
    const res =
      failed > 0
        ? `${FAILED} **${failed} of ${summaries.length} failed**`
        : `${summaries.length} stacks`;
    lines.push(row('**Total**', total, res));
  }

  const destroys = summaries.reduce((a, s) => a + s.destroy, 0);
  const replaces = summaries.reduce((a, s) => a + s.replace, 0);
  if (destroys + replaces > 0) {
    const what = [
      destroys > 0 ? `${destroys} resource${destroys === 1 ? '' : 's'} will be destroyed` : '',
      replaces > 0 ? `${replaces} replaced (destroyed and re-created)` : '',
    ].filter(Boolean);
    lines.push('', `**${WARN} ${what.join(', ')}:**`, '');
    for (const s of summaries) {
      lines.push(...listed('destroy', s.stack, s.destroyed, max));
      lines.push(...listed('replace', s.stack, s.replaced, max));
    }
  }
  const failures = summaries.filter((s) => s.status === 'failed');
  if (failures.length > 0) {
    lines.push(
      '',
      `${FAILED} **Plan failed for ${failures.map((s) => inlineCode(s.stack)).join(', ')}:**`,
      '',
    );
    for (const s of failures)
      lines.push(`- ${inlineCode(s.stack)}: ${cell(s.error ?? 'plan failed')}`);
  }
  return `${lines.join('\n')}\n`;
}
