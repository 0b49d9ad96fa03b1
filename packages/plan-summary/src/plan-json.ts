import { planCostChange, StackCostChange } from './cost';
import { failPlanJson, readPlanDocument } from './plan-document';

/**
 * The subset of `terraform show -json <planfile>` this package reads (format_version 1.x).
 * See https://developer.hashicorp.com/terraform/internals/json-format#plan-representation.
 */
export interface PlanJson {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly output_changes?: Readonly<Record<string, { readonly actions?: readonly string[] }>>;
  /** Set by terraform when planning stopped on an error (the plan is partial). */
  readonly errored?: boolean;
}

/** One entry of `resource_changes`. */
export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: 'managed' | 'data';
  readonly type?: string;
  readonly change: { readonly actions: readonly string[] };
  readonly action_reason?: string;
}

/** What one stack's plan does, counted per kind of action. */
export interface StackPlanSummary {
  /** Stack name (the directory under `cdktf.out/stacks`). */
  readonly stack: string;
  /** `ok`: terraform produced a plan; `failed`: it did not (see {@link error}). */
  readonly status: 'ok' | 'failed';
  /** Resources created (replacements not included). */
  readonly add: number;
  /** Resources updated in place. */
  readonly change: number;
  /** Resources destroyed (replacements not included). */
  readonly destroy: number;
  /** Resources destroyed and re-created, in either order. */
  readonly replace: number;
  /** Managed resources left as they are. */
  readonly noOp: number;
  /** Resources removed from state without being destroyed (`removed { lifecycle { destroy = false } }`). */
  readonly forget: number;
  /** Root outputs whose value changes. */
  readonly outputChanges: number;
  /** Addresses of destroyed resources, in plan order. */
  readonly destroyed: readonly string[];
  /** Addresses of replaced resources, in plan order. */
  readonly replaced: readonly string[];
  /** Why the plan failed, when {@link status} is `failed`. */
  readonly error?: string;
  /**
   * What the plan does to the stack's running cost; absent when it touches nothing priced (or
   * the plan failed).
   */
  readonly cost?: StackCostChange;
}

/** Options of {@link parsePlanJson}. */
export interface ParsePlanOptions {
  /**
   * Stack name recorded in the summary.
   * @default '' (the caller names it)
   */
  readonly stack?: string;
}

/**
 * Counts what a plan does from the output of `terraform show -json <planfile>` (a string or the
 * parsed object). Replacements (`["delete","create"]` or `["create","delete"]`) count once as
 * `replace`, never as add or destroy; data source reads are not counted. A plan that terraform
 * marked `errored` gives status `failed`.
 */
export function parsePlanJson(
  json: string | PlanJson,
  options: ParsePlanOptions = {},
): StackPlanSummary {
  const p = readPlanDocument(json);
  const changes = p.resource_changes ?? [];
  if (!Array.isArray(changes)) failPlanJson('resource_changes', changes, 'must be an array');

  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  let noOp = 0;
  let forget = 0;
  const destroyed: string[] = [];
  const replaced: string[] = [];
  changes.forEach((rc, i) => {
    const actions = rc?.change?.actions;
    if (!Array.isArray(actions))
      failPlanJson(`resource_changes[${i}].change.actions`, actions, 'must be an array');
    if (rc.mode === 'data') return;
    const key = [...actions].sort().join(',');
    switch (key) {
      case 'create':
        add++;
        break;
      case 'update':
        change++;
        break;
      case 'delete':
        destroy++;
        destroyed.push(rc.address);
        break;
      case 'create,delete':
        replace++;
        replaced.push(rc.address);
        break;
      case 'no-op':
      case 'read':
        noOp++;
        break;
      case 'forget':
        forget++;
        break;
      default:
        // A future action kind must not vanish silently from a review summary.
        failPlanJson(
          `resource_changes[${i}].change.actions`,
          actions,
          'is not an action this summary knows',
        );
    }
  });
  const outputChanges = Object.values(p.output_changes ?? {}).filter(
    (o) => Array.isArray(o?.actions) && !(o.actions.length === 1 && o.actions[0] === 'no-op'),
  ).length;

  return {
    stack: options.stack ?? '',
    status: p.errored === true ? 'failed' : 'ok',
    add,
    change,
    destroy,
    replace,
    noOp,
    forget,
    outputChanges,
    destroyed,
    replaced,
    ...(p.errored === true ? { error: 'terraform reported the plan as errored (incomplete)' } : {}),
    ...costOf(p),
  };
}

function costOf(p: PlanJson): { cost?: StackCostChange } {
  if (p.errored === true) return {};
  const cost = planCostChange(p as Parameters<typeof planCostChange>[0]);
  return cost ? { cost } : {};
}

/** Summary of a stack whose plan produced no usable JSON (terraform failed, or the job died). */
export function failedStackSummary(stack: string, error: string): StackPlanSummary {
  return {
    stack,
    status: 'failed',
    add: 0,
    change: 0,
    destroy: 0,
    replace: 0,
    noOp: 0,
    forget: 0,
    outputChanges: 0,
    destroyed: [],
    replaced: [],
    error,
  };
}

/** True when applying the plan would change infrastructure or outputs. */
export function hasChanges(s: StackPlanSummary): boolean {
  return s.add + s.change + s.destroy + s.replace + s.forget + s.outputChanges > 0;
}
