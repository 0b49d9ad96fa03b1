/** GitHub rejects issue and pull request comment bodies longer than this many characters. */
export const GITHUB_COMMENT_MAX_LENGTH = 65_535;

/** One stack's folded text in a report. */
export interface ReportBlock {
  /** Stack name, shown in code in the block's summary line. */
  readonly stack: string;
  /** What follows the stack name in the summary line (`1 to add, …`, `2 changed outside Terraform`). */
  readonly headline: string;
  /** Plain text of the block (plan text, or error output). */
  readonly text: string;
  /** Lower keeps its text longer and its block longest when space runs out. */
  readonly priority: number;
  /** Keep the end of the text when trimming (where Terraform prints an error), not the start. */
  readonly keepTail: boolean;
}

/** Input of {@link fitReport}. */
export interface FitReportOptions {
  /** Hidden marker placed first, so the comment or issue can be found again. */
  readonly marker: string;
  /** Heading above the table (and anything to say before it). */
  readonly title: string;
  /**
   * The summary table, with at most `maxListedAddresses` addresses per stack listed below it;
   * called with smaller numbers when the whole does not fit.
   */
  readonly table: (maxListedAddresses?: number) => string;
  /** Row put in place of the table rows that do not fit (only when the table alone is too long). */
  readonly tableCutRow: string;
  /** Blocks in the order to show them. */
  readonly blocks: readonly ReportBlock[];
  /**
   * Where the full plans can be downloaded; linked whenever given and named in the notice.
   * @default - no link
   */
  readonly artifactUrl?: string;
  /**
   * Longest body to produce, in UTF-16 code units (never fewer than GitHub's characters).
   * @default GITHUB_COMMENT_MAX_LENGTH
   */
  readonly maxLength?: number;
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

interface Block extends ReportBlock {
  readonly index: number;
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
  const body = cut(b.text, cap, b.keepTail);
  const fence = fenceFor(body);
  return [
    `<details><summary><code>${escapeHtml(b.stack)}</code>: ${b.headline}</summary>`,
    '',
    `${fence}text`,
    body,
    fence,
    '',
    '</details>',
    '',
  ].join('\n');
}

/** Cleans a plan text for a fenced block: no colour codes, no leading blank lines, no trailing space. */
export function cleanPlanText(raw: string): string {
  return raw
    .replace(ANSI, '')
    .replace(/^(\s*\n)+/, '')
    .replace(/\s+$/, '');
}

/**
 * Builds a pull request comment or issue body: marker, heading, the table, then each block
 * folded in `<details>`. When the whole exceeds `maxLength`, block texts are trimmed first (the
 * longest ones, evenly), then whole blocks dropped (highest priority number first), and a notice
 * links the full plans; the table is always kept (only its address lists shrink, and as a last
 * resort its rows are cut, if even the table alone is too long).
 */
export function fitReport(options: FitReportOptions): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < MIN_LENGTH) {
    throw new Error(
      `renderComment: maxLength: got ${maxLength}, must be an integer >= ${MIN_LENGTH}`,
    );
  }
  const { marker, title } = options;
  const link = options.artifactUrl ? `Full plans: [plan artifact](${options.artifactUrl})` : '';
  const truncatedNotice = `> ⚠️ Plan output trimmed to fit GitHub's ${GITHUB_COMMENT_MAX_LENGTH.toLocaleString('en-US')}-character comment limit.${
    options.artifactUrl ? ` The full plans are in the [plan artifact](${options.artifactUrl}).` : ''
  }`;
  const footer = options.footer ? `\n${options.footer}\n` : '';
  const blocks: Block[] = options.blocks.map((b, index) => ({ ...b, index }));

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

  const table = options.table();
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
    fittedTable = options.table(n);
  }
  if (bare(fittedTable) > maxLength) {
    const tail = `${options.tableCutRow}\n`;
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

  // Largest per-block cap that still fits: short texts stay whole, long ones share the rest evenly.
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
