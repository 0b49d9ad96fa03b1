import { hasChanges, StackPlanSummary } from './plan-json';
import { renderSummaryTable } from './summary-table';

/** Hidden marker that identifies the plan comment among a pull request's comments. */
export const COMMENT_MARKER = '<!-- automock-plan -->';

/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_MAX_LENGTH = 65_535;

/** Input of {@link renderComment}. */
export interface RenderCommentOptions {
  /** One summary per planned stack, in the order to show them. */
  readonly summaries: readonly StackPlanSummary[];
  /**
   * Plain `terraform show` text per stack name (for a failed stack, its error output).
   * @default - no `<details>` blocks
   */
  readonly plans?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Where the full plans can be downloaded (the workflow run's artifact); linked whenever given
   * and named in the truncation notice.
   * @default - no link
   */
  readonly artifactUrl?: string;
  /**
   * Longest body to produce, in UTF-16 code units (never fewer than GitHub's characters).
   * @default 65535 (GitHub's comment limit)
   */
  readonly maxLength?: number;
  /**
   * Heading above the table.
   * @default '### Terraform plan'
   */
  readonly title?: string;
  /**
   * Hidden marker placed first, so the comment can be found again.
   * @default COMMENT_MARKER
   */
  readonly marker?: string;
  /**
   * Markdown line at the end, e.g. the commit and the workflow run.
   * @default - none
   */
  readonly footer?: string;
}

// Colour codes from a plan run without -no-color would show up as garbage in Markdown.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const MIN_LENGTH = 200;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fenceFor(text: string): string {
  const runs = text.match(/`{3,}/g) ?? [];
  return '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
}

function headline(s: StackPlanSummary): string {
  if (s.status === 'failed') return '❌ plan failed';
  if (!hasChanges(s)) return 'no changes';
  const parts = [`${s.add} to add`, `${s.change} to change`];
  if (s.replace > 0) parts.push(`⚠️ ${s.replace} to replace`);
  parts.push(s.destroy > 0 ? `⚠️ ${s.destroy} to destroy` : '0 to destroy');
  return parts.join(', ');
}

interface Block {
  readonly index: number;
  readonly summary: StackPlanSummary;
  readonly text: string;
  /** Lower keeps its text longer when space runs out. */
  readonly priority: number;
}

/** Cuts text to at most `cap` characters on a line boundary, keeping the head (or the tail for errors). */
function cut(text: string, cap: number, keepTail: boolean): string {
  if (text.length <= cap) return text;
  const totalLines = text.split('\n').length;
  let kept: string;
  if (keepTail) {
    const start = text.length - cap;
    const nl = text.indexOf('\n', start);
    kept = nl === -1 ? '' : text.slice(nl + 1);
  } else {
    const nl = text.lastIndexOf('\n', cap);
    kept = nl === -1 ? '' : text.slice(0, nl);
  }
  const omitted = totalLines - (kept === '' ? 0 : kept.split('\n').length);
  const note = `… ${omitted} line${omitted === 1 ? '' : 's'} omitted (full plan in the artifact)`;
  return keepTail ? `${note}\n${kept}` : `${kept}${kept === '' ? '' : '\n'}${note}`;
}

function renderBlock(b: Block, cap: number): string {
  const body = cut(b.text, cap, b.summary.status === 'failed');
  const fence = fenceFor(body);
  return [
    `<details><summary><code>${escapeHtml(b.summary.stack)}</code>: ${headline(b.summary)}</summary>`,
    '',
    `${fence}text`,
    body,
    fence,
    '',
    '</details>',
    '',
  ].join('\n');
}

function plansGet(plans: RenderCommentOptions['plans'], stack: string): string | undefined {
  if (plans === undefined) return undefined;
  if (plans instanceof Map) return plans.get(stack);
  const rec = plans as Readonly<Record<string, string>>;
  return Object.prototype.hasOwnProperty.call(rec, stack) ? rec[stack] : undefined;
}

/**
 * Builds the pull request comment (or job summary): hidden marker, heading, the summary table,
 * then each stack's plan folded in `<details>`. When the whole exceeds `maxLength`, plan texts are
 * trimmed first (the longest ones, evenly), then whole blocks dropped (stacks without destroys
 * first, failed stacks last), and a notice links the full plans; the table is always kept (only
 * its address lists shrink if even the table alone is too long).
 */
export function renderComment(options: RenderCommentOptions): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < MIN_LENGTH) {
    throw new Error(
      `renderComment: maxLength: got ${maxLength}, must be an integer >= ${MIN_LENGTH}`,
    );
  }
  const marker = options.marker ?? COMMENT_MARKER;
  const title = options.title ?? '### Terraform plan';
  const link = options.artifactUrl ? `Full plans: [plan artifact](${options.artifactUrl})` : '';
  const truncatedNotice = `> ⚠️ Plan output trimmed to fit GitHub's ${GITHUB_COMMENT_MAX_LENGTH.toLocaleString('en-US')}-character comment limit.${
    options.artifactUrl ? ` The full plans are in the [plan artifact](${options.artifactUrl}).` : ''
  }`;
  const footer = options.footer ? `\n${options.footer}\n` : '';

  const blocks: Block[] = [];
  options.summaries.forEach((s, index) => {
    const raw = plansGet(options.plans, s.stack);
    if (raw === undefined) return;
    const text = raw
      .replace(ANSI, '')
      .replace(/^(\s*\n)+/, '')
      .replace(/\s+$/, '');
    const priority =
      s.status === 'failed' ? 0 : s.destroy + s.replace > 0 ? 1 : hasChanges(s) ? 2 : 3;
    blocks.push({ index, summary: s, text, priority });
  });

  const compose = (table: string, rendered: string[], notice: string): string =>
    [
      marker,
      `${title}\n`,
      table,
      notice ? `${notice}\n` : '',
      link && !notice ? `${link}\n` : '',
      ...rendered,
      footer,
    ]
      .filter((p) => p !== '')
      .join('\n');

  const table = renderSummaryTable(options.summaries);
  const full = compose(
    table,
    blocks.map((b) => renderBlock(b, Infinity)),
    '',
  );
  if (full.length <= maxLength) return full;

  // Table too long on its own (thousands of destroys): shorten the address lists, then cut lines.
  let fittedTable = table;
  const bare = (t: string): number => compose(t, [], truncatedNotice).length;
  for (const n of [20, 5, 0]) {
    if (bare(fittedTable) <= maxLength) break;
    fittedTable = renderSummaryTable(options.summaries, { maxListedAddresses: n });
  }
  if (bare(fittedTable) > maxLength) {
    const tail = '| … | table cut: too many stacks for one comment, see the artifact | | | | | |\n';
    let room = maxLength - bare('') - tail.length;
    const kept: string[] = [];
    for (const line of fittedTable.split('\n')) {
      if (line.length + 1 > room) break;
      kept.push(line);
      room -= line.length + 1;
    }
    fittedTable = `${kept.join('\n')}\n${tail}`;
  }

  // Keep as many blocks as fit at zero text, dropping the least important first.
  const byImportance = [...blocks].sort((a, b) => a.priority - b.priority || a.index - b.index);
  let kept = byImportance;
  const sizeAt = (set: readonly Block[], cap: number, notice: string): number =>
    compose(
      fittedTable,
      [...set].sort((a, b) => a.index - b.index).map((b) => renderBlock(b, cap)),
      notice,
    ).length;
  const omittedNotice = (set: readonly Block[]): string => {
    const dropped = blocks.length - set.length;
    return dropped === 0
      ? truncatedNotice
      : `${truncatedNotice}\n> Plan text of ${dropped} stack${dropped === 1 ? '' : 's'} left out here.`;
  };
  if (sizeAt(kept, 0, omittedNotice(kept)) > maxLength) {
    // Sized once per block (not per attempt) so thousands of stacks stay fast; the notice is sized
    // for the largest possible count of dropped stacks.
    let room = maxLength - compose(fittedTable, [], omittedNotice([])).length;
    const fits: Block[] = [];
    for (const b of byImportance) {
      const size = renderBlock(b, 0).length + 1;
      if (size > room) break;
      fits.push(b);
      room -= size;
    }
    kept = fits;
  }

  // Largest per-block cap that still fits: short plans stay whole, long ones share the rest evenly.
  const notice = omittedNotice(kept);
  let lo = 0;
  let hi = Math.max(0, ...kept.map((b) => b.text.length));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (sizeAt(kept, mid, notice) <= maxLength) lo = mid;
    else hi = mid - 1;
  }
  const body = compose(
    fittedTable,
    [...kept].sort((a, b) => a.index - b.index).map((b) => renderBlock(b, lo)),
    notice,
  );
  // The search keeps the size monotone in practice; this guards the limit if a note's digits tip it.
  return body.length <= maxLength
    ? body
    : compose(fittedTable, [], omittedNotice([])).slice(0, maxLength);
}
