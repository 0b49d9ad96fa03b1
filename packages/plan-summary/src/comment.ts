import { renderCostTable } from './cost-table';
import { hasChanges, StackPlanSummary } from './plan-json';
import { cleanPlanText, fitReport, GITHUB_COMMENT_MAX_LENGTH, ReportBlock } from './report';
import { renderSummaryTable } from './summary-table';

export { GITHUB_COMMENT_MAX_LENGTH };

/** Hidden marker that identifies the plan comment among a pull request's comments. */
export const COMMENT_MARKER = '<!-- automock-plan -->';

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

function headline(s: StackPlanSummary): string {
  if (s.status === 'failed') return '❌ plan failed';
  if (!hasChanges(s)) return 'no changes';
  const parts = [`${s.add} to add`, `${s.change} to change`];
  if (s.replace > 0) parts.push(`⚠️ ${s.replace} to replace`);
  parts.push(s.destroy > 0 ? `⚠️ ${s.destroy} to destroy` : '0 to destroy');
  return parts.join(', ');
}

/** The text of `stack` in a map or record of plan texts. */
export function planTextOf(
  plans: ReadonlyMap<string, string> | Readonly<Record<string, string>> | undefined,
  stack: string,
): string | undefined {
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
  const blocks: ReportBlock[] = [];
  for (const s of options.summaries) {
    const raw = planTextOf(options.plans, s.stack);
    if (raw === undefined) continue;
    blocks.push({
      stack: s.stack,
      headline: headline(s),
      text: cleanPlanText(raw),
      priority: s.status === 'failed' ? 0 : s.destroy + s.replace > 0 ? 1 : hasChanges(s) ? 2 : 3,
      keepTail: s.status === 'failed',
    });
  }
  return fitReport({
    marker: options.marker ?? COMMENT_MARKER,
    title: options.title ?? '### Terraform plan',
    table: (n) =>
      joinSections(
        renderSummaryTable(options.summaries, n === undefined ? {} : { maxListedAddresses: n }),
        renderCostTable(options.summaries),
      ),
    tableCutRow: '| … | table cut: too many stacks for one comment, see the artifact | | | | | |',
    blocks,
    artifactUrl: options.artifactUrl,
    maxLength: options.maxLength,
    footer: options.footer,
  });
}

function joinSections(...sections: string[]): string {
  return sections.filter((s) => s !== '').join('\n');
}
