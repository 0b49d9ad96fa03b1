import { planTextOf } from './comment';
import { PlanJson } from './plan-json';
import { cleanPlanText, fitReport, ReportBlock } from './report';
import { inlineCode } from './summary-table';
import { failPlanJson, readPlanDocument } from './plan-document';

/** `terraform show -json` of a refresh-only plan, as far as the drift report reads it. */
export interface DriftPlanJson extends PlanJson {
  /**
   * What the refresh found changed outside Terraform. Terraform fills it in every plan; in a
   * refresh-only plan it lists every drifted resource, and moves (`moved` blocks) as `no-op`
   * entries with a `previous_address`.
   */
  readonly resource_drift?: readonly {
    readonly address: string;
    readonly mode?: 'managed' | 'data';
    readonly previous_address?: string;
    readonly change: { readonly actions: readonly string[] };
  }[];
}

/** What changed outside Terraform in one stack. */
export interface StackDriftSummary {
  /** Stack name (the directory under `cdktf.out/stacks`). */
  readonly stack: string;
  /** `ok`: terraform refreshed the stack; `failed`: it did not (see {@link error}). */
  readonly status: 'ok' | 'failed';
  /** Resources whose attributes differ from the state (someone changed them). */
  readonly changed: readonly string[];
  /** Resources in the state that no longer exist (someone deleted them). */
  readonly deleted: readonly string[];
  /** Why the refresh failed, when {@link status} is `failed`. */
  readonly error?: string;
}

/**
 * Reads the drift of a refresh-only plan (`terraform plan -refresh-only -out=tfplan`, then
 * `terraform show -json tfplan`, reduced or not): `resource_drift` entries of managed resources
 * with action `update` are changed, `delete` deleted; `no-op` entries (moves declared in the
 * configuration) and data sources are not drift. Output changes are not drift either: outputs
 * move with the configuration as well as with the refresh. A plan terraform marked `errored` is
 * `failed`; an action this report does not know throws, so nothing drifts silently.
 */
export function parseDrift(
  json: string | DriftPlanJson,
  options: { readonly stack?: string } = {},
): StackDriftSummary {
  const p = readPlanDocument(json);
  const drift = p.resource_drift ?? [];
  if (!Array.isArray(drift)) failPlanJson('resource_drift', drift, 'must be an array');
  const changed: string[] = [];
  const deleted: string[] = [];
  drift.forEach((rd, i) => {
    const actions = rd?.change?.actions;
    if (!Array.isArray(actions))
      failPlanJson(`resource_drift[${i}].change.actions`, actions, 'must be an array');
    if (typeof rd.address !== 'string')
      failPlanJson(`resource_drift[${i}].address`, rd.address, 'must be a string');
    if (rd.mode === 'data') return;
    const key = actions.join(',');
    if (key === 'update') changed.push(rd.address);
    else if (key === 'delete') deleted.push(rd.address);
    else if (key !== 'no-op')
      failPlanJson(
        `resource_drift[${i}].change.actions`,
        actions,
        'is not a drift this report knows',
      );
  });
  return {
    stack: options.stack ?? '',
    status: p.errored === true ? 'failed' : 'ok',
    changed,
    deleted,
    ...(p.errored === true ? { error: 'terraform reported the plan as errored (incomplete)' } : {}),
  };
}

/** Drift summary of a stack whose refresh produced no usable JSON. */
export function failedDriftSummary(stack: string, error: string): StackDriftSummary {
  return { stack, status: 'failed', changed: [], deleted: [], error };
}

/** True when something in the stack changed outside Terraform. */
export function hasDrift(s: StackDriftSummary): boolean {
  return s.changed.length + s.deleted.length > 0;
}

/** Hidden marker of an environment's drift issue: `<!-- automock-drift:dev -->`. */
export function driftMarker(environment: string): string {
  return `<!-- automock-drift:${environment} -->`;
}

/** Title of an environment's drift issue: how much drifted, or that the check could not tell. */
export function driftIssueTitle(
  environment: string,
  summaries: readonly StackDriftSummary[],
): string {
  const n = summaries.reduce((a, s) => a + s.changed.length + s.deleted.length, 0);
  const failed = summaries.filter((s) => s.status === 'failed').length;
  if (n === 0 && failed > 0)
    return `Drift in ${environment}: ${failed} stack${failed === 1 ? '' : 's'} could not be checked`;
  return `Drift in ${environment}: ${n} resource${n === 1 ? '' : 's'} changed outside Terraform`;
}

/** Input of {@link renderDriftReport}. */
export interface RenderDriftOptions {
  /** Environment the stacks belong to. */
  readonly environment: string;
  /** One summary per checked stack of the environment. */
  readonly summaries: readonly StackDriftSummary[];
  /**
   * `terraform show` text of each stack's refresh-only plan (for a failed stack, its error output).
   * @default - no `<details>` blocks
   */
  readonly plans?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /**
   * Where the full plans can be downloaded.
   * @default - no link
   */
  readonly artifactUrl?: string;
  /**
   * Longest body to produce.
   * @default 65535 (GitHub's limit)
   */
  readonly maxLength?: number;
  /**
   * Markdown line at the end, e.g. when and where the check ran.
   * @default - none
   */
  readonly footer?: string;
}

function driftTable(summaries: readonly StackDriftSummary[], max = 50): string {
  const shown = summaries.filter((s) => s.status === 'failed' || hasDrift(s));
  const clean = summaries.length - shown.length;
  const lines: string[] = [];
  if (shown.length > 0) {
    lines.push('| Stack | Changed | Deleted | Result |', '| --- | ---: | ---: | --- |');
    for (const s of shown) {
      const result = s.status === 'failed' ? '❌ **check failed**' : 'drifted';
      const n = (v: number) => (s.status === 'failed' && !hasDrift(s) ? '–' : String(v));
      lines.push(
        `| ${inlineCode(s.stack)} | ${n(s.changed.length)} | ${n(s.deleted.length)} | ${result} |`,
      );
    }
  }
  if (lines.length > 0) lines.push('');
  lines.push(
    clean === summaries.length
      ? `All ${clean} stack${clean === 1 ? '' : 's'} match their state: no drift.`
      : `${clean} other stack${clean === 1 ? '' : 's'} checked: no drift.`,
  );
  const listed: string[] = [];
  for (const s of shown) {
    for (const [what, addresses] of [
      ['changed', s.changed],
      ['deleted', s.deleted],
    ] as const) {
      listed.push(
        ...addresses.slice(0, max).map((a) => `- ${inlineCode(s.stack)}: ${what} ${inlineCode(a)}`),
      );
      if (addresses.length > max)
        listed.push(`- ${inlineCode(s.stack)}: … and ${addresses.length - max} more ${what}`);
    }
    if (s.status === 'failed')
      listed.push(
        `- ${inlineCode(s.stack)}: ❌ ${(s.error ?? 'check failed').replace(/\r?\n/g, ' ')}`,
      );
  }
  if (listed.length > 0) lines.push('', ...listed);
  return `${lines.join('\n')}\n`;
}

/**
 * Renders the body of an environment's drift issue (and its part of the job summary): marker,
 * heading, what drifted per stack (stacks without drift only counted), how to resolve it, then
 * each drifted or failed stack's refresh-only plan folded in `<details>`, fitted under GitHub's
 * limit the same way as the plan comment.
 */
export function renderDriftReport(options: RenderDriftOptions): string {
  const { environment, summaries } = options;
  const drifted = summaries.filter(hasDrift);
  const total = drifted.reduce((a, s) => a + s.changed.length + s.deleted.length, 0);
  const failed = summaries.filter((s) => s.status === 'failed');
  const intro =
    drifted.length > 0
      ? `${total} resource${total === 1 ? '' : 's'} in ${drifted.length} stack${drifted.length === 1 ? '' : 's'} changed outside Terraform (found by \`terraform plan -refresh-only\`).

To resolve, either put back what the code says by applying the stack (Actions → apply → Run workflow → \`${environment}\` plans and applies every stack of the environment), or change the code to match and merge it. This issue is updated by every drift check and closed when no drift is left.`
      : failed.length > 0
        ? 'No drift found, but some stacks could not be checked: the issue stays open until they are.'
        : 'No drift: every stack matches its state.';
  const blocks: ReportBlock[] = [];
  for (const s of summaries) {
    if (s.status !== 'failed' && !hasDrift(s)) continue;
    const raw = planTextOf(options.plans, s.stack);
    if (raw === undefined) continue;
    const n = s.changed.length + s.deleted.length;
    blocks.push({
      stack: s.stack,
      headline:
        s.status === 'failed'
          ? '❌ check failed'
          : `${n} resource${n === 1 ? '' : 's'} changed outside Terraform`,
      text: cleanPlanText(raw),
      priority: s.status === 'failed' ? 1 : 0,
      keepTail: s.status === 'failed',
    });
  }
  return fitReport({
    marker: driftMarker(environment),
    title: `### Drift in \`${environment}\`\n\n${intro}`,
    table: (n) => driftTable(summaries, n),
    tableCutRow: '| … | table cut: too many stacks, see the artifact | | |',
    blocks,
    artifactUrl: options.artifactUrl,
    maxLength: options.maxLength,
    footer: options.footer,
  });
}
