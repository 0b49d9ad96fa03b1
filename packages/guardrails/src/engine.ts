import { Environment, RuleSuppression, stateBackendNames } from '@automock/core';
import { StackModel, TerraformJson, TfElement } from './model';
import { levelOf, PolicyRule, RuleContext, Severity } from './rule';
import { RULES } from './all-rules';
import { taggableFromJson } from './taggable';

/** The part of a project's configuration the policy reads. */
export interface ProjectPolicyConfig {
  /** Project name. */
  readonly name: string;
  /** Findings accepted for this project, each with the reason. @default [] */
  readonly suppressions?: readonly RuleSuppression[];
}

/** One synthesised stack to check. */
export interface StackPolicyInput {
  /** Stack name (its directory under `cdktf.out/stacks`). */
  readonly name: string;
  /** What `stack.toTerraform()` returned, or the parsed `cdk.tf.json`. */
  readonly json: TerraformJson;
  /** The environment it deploys into: decides the level and adds its suppressions. @default - non-production, no environment suppressions */
  readonly environment?: Environment;
  /**
   * For a stack shared by several environments (a bootstrap stack): their suppressions apply, and
   * the production level when any of them is production.
   * @default - none
   */
  readonly sharedBy?: readonly Environment[];
  /** The project it deploys, whose suppressions apply to this stack. @default - none */
  readonly project?: ProjectPolicyConfig;
  /** Which resources accept tags. @default - judged from the JSON (`tags` present or a known taggable type) */
  readonly isTaggable?: (el: TfElement) => boolean;
  /**
   * Names what the stack is: inputs with the same key have the same `json` and `isTaggable` (a
   * synthesis cache key). With {@link CheckOptions.results}, what the rules found in a stack of
   * that key is reused while the rest of what they read (environment, level, the app's state
   * buckets and lock tables, the rules and their levels) is the same.
   * @default - the rules always run
   */
  readonly contentKey?: string;
}

/** Where a suppression came from, as shown in reports. */
export interface AppliedSuppression {
  readonly reason: string;
  /** E.g. `environment[dev].suppressions[0]`. */
  readonly source: string;
}

/** One thing a rule found. */
export interface PolicyFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly stack: string;
  /** Terraform address, e.g. `aws_s3_bucket.config_1A2B3C4D`, or the suppression's field. */
  readonly address: string;
  /** Construct path, when cdktf recorded one. */
  readonly path?: string;
  readonly message: string;
  /** Set when a suppression accepted the finding; it then neither fails nor warns. */
  readonly suppressed?: AppliedSuppression;
}

/** The outcome of checking an app's stacks. */
export interface PolicyReport {
  readonly stacks: readonly string[];
  /** Distinct rules that ran on at least one stack. */
  readonly rulesChecked: number;
  /** Of those, rules with no finding anywhere. */
  readonly passed: number;
  /** Unsuppressed findings of warning severity. */
  readonly warnings: number;
  /** Unsuppressed findings of error severity: synthesis stops when this is not 0. */
  readonly errors: number;
  /** Findings accepted by a suppression. */
  readonly suppressed: number;
  readonly findings: readonly PolicyFinding[];
}

/** What one rule found in one stack, before suppressions. */
export interface RuleResult {
  readonly address: string;
  /** Construct path of the element, when cdktf recorded one. */
  readonly path?: string;
  readonly message: string;
}

/** What the rules found in one stack, by rule id: rules without a finding are left out. */
export type StackRuleResults = Readonly<Record<string, readonly RuleResult[]>>;

/**
 * Rule results kept between checks, by a key {@link checkStacks} makes from a stack's
 * {@link StackPolicyInput.contentKey} and everything else the rules read. The key does not cover
 * the rules' code: whoever keeps results must drop them when it changes (synthesis keeps them
 * with its code fingerprint).
 */
export interface RuleResultsMemo {
  get(key: string): StackRuleResults | undefined;
  put(key: string, results: StackRuleResults): void;
}

/** Options of {@link checkStacks}. */
export interface CheckOptions {
  /** The rules to run. @default RULES */
  readonly rules?: readonly PolicyRule[];
  /** Reuse the rules' results for stacks with a {@link StackPolicyInput.contentKey}. @default - none: every rule runs */
  readonly results?: RuleResultsMemo;
}

interface SuppressionEntry {
  readonly id: unknown;
  readonly reason: unknown;
  readonly field: string;
  /** Key of the configuration it belongs to, so each entry is validated once. */
  readonly owner: string;
  used: boolean;
  valid: boolean;
}

const MIN_REASON = 10;

/**
 * Runs the rules over synthesised stacks and applies suppressions. Pure: reads only its input.
 */
export function checkStacks(
  stacks: readonly StackPolicyInput[],
  options: CheckOptions = {},
): PolicyReport {
  const rules = options.rules ?? RULES;
  const knownIds = new Set(rules.map((r) => r.id));
  const models = stacks.map((s) => new StackModel(s.name, s.json));
  const { stateBuckets, lockTables } = stateNames(stacks, models);

  const findings: PolicyFinding[] = [];
  const active = new Set<string>();
  const entries = new Map<string, SuppressionEntry[]>();

  const suppressionsOf = (s: StackPolicyInput): SuppressionEntry[] => {
    const out: SuppressionEntry[] = [];
    const add = (owner: string, field: string, list: readonly RuleSuppression[] | undefined) => {
      if (!entries.has(owner)) {
        const created = (Array.isArray(list) ? list : []).map((x: Partial<RuleSuppression>, i) => ({
          id: x?.id,
          reason: x?.reason,
          field: `${field}[${i}]`,
          owner,
          used: false,
          valid: false,
        }));
        for (const e of created) {
          const hasReason = typeof e.reason === 'string' && e.reason.trim().length >= MIN_REASON;
          const knownId = typeof e.id === 'string' && knownIds.has(e.id);
          if (!hasReason) {
            findings.push({
              ruleId: 'AM-SUP-1',
              severity: 'error',
              stack: s.name,
              address: e.field,
              message: `suppression of ${String(e.id)} has reason ${JSON.stringify(e.reason ?? null)}; write why the finding is acceptable (at least ${MIN_REASON} characters)`,
            });
          }
          if (!knownId) {
            findings.push({
              ruleId: 'AM-SUP-2',
              severity: 'error',
              stack: s.name,
              address: e.field,
              message: `suppression names ${JSON.stringify(e.id ?? null)}, which is not a rule of this pack`,
            });
          }
          e.valid = hasReason && knownId;
        }
        entries.set(owner, created);
      }
      out.push(...entries.get(owner)!);
    };
    for (const env of environmentsOf(s)) {
      add(`env:${env.name}`, `environment[${env.name}].suppressions`, env.suppressions);
    }
    if (s.project) {
      const env = s.environment ? `${s.environment.name}/` : '';
      add(
        `project:${env}${s.project.name}`,
        `project[${env}${s.project.name}].suppressions`,
        s.project.suppressions,
      );
    }
    return out;
  };

  // Everything the rules read besides the stack itself, for the memo's key.
  const shared = options.results && [[...stateBuckets].sort(), [...lockTables].sort()];

  stacks.forEach((s, i) => {
    const model = models[i]!;
    const production = environmentsOf(s).some((e) => e.production);
    const ctx: RuleContext = {
      environment: s.environment,
      production,
      stateBuckets,
      lockTables,
      isTaggable: s.isTaggable ?? taggableFromJson,
    };
    const running = rules.flatMap((rule) => {
      const level = levelOf(rule, production);
      return level === 'off' ? [] : [{ rule, level }];
    });
    const run = (): StackRuleResults => {
      const out: Record<string, RuleResult[]> = {};
      for (const { rule } of running) {
        const found = rule.check(model, ctx).map((v) => {
          const el = model.resolve(parseAddress(v.address));
          return { address: v.address, ...(el?.path ? { path: el.path } : {}), message: v.message };
        });
        if (found.length > 0) out[rule.id] = found;
      }
      return out;
    };
    const key =
      shared &&
      s.contentKey !== undefined &&
      JSON.stringify([
        s.contentKey,
        s.environment ?? null,
        production,
        shared,
        running.map(({ rule, level }) => `${rule.id}:${level}`),
      ]);
    let results = key ? options.results!.get(key) : undefined;
    if (!results) {
      results = run();
      if (key) options.results!.put(key, results);
    }
    const suppressions = suppressionsOf(s);
    for (const { rule, level } of running) {
      active.add(rule.id);
      for (const v of results[rule.id] ?? []) {
        const sup = suppressions.find((e) => e.valid && e.id === rule.id);
        if (sup) sup.used = true;
        findings.push({
          ruleId: rule.id,
          severity: level,
          stack: s.name,
          address: v.address,
          ...(v.path ? { path: v.path } : {}),
          message: v.message,
          ...(sup ? { suppressed: { reason: String(sup.reason), source: sup.field } } : {}),
        });
      }
    }
  });

  for (const list of entries.values()) {
    for (const e of list.filter((x) => x.valid && !x.used)) {
      findings.push({
        ruleId: 'AM-SUP-3',
        severity: 'warning',
        stack: stacks.find((s) => suppressionOwners(s).includes(e.owner))?.name ?? '',
        address: e.field,
        message: `suppression of ${String(e.id)} matched no finding; remove it`,
      });
    }
  }

  const open = findings.filter((f) => !f.suppressed);
  const ruleIdsWithFindings = new Set(findings.map((f) => f.ruleId));
  return {
    stacks: stacks.map((s) => s.name),
    rulesChecked: active.size,
    passed: [...active].filter((id) => !ruleIdsWithFindings.has(id)).length,
    warnings: open.filter((f) => f.severity === 'warning').length,
    errors: open.filter((f) => f.severity === 'error').length,
    suppressed: findings.length - open.length,
    findings,
  };
}

/** The stack's own environment, or the environments that share it. */
function environmentsOf(s: StackPolicyInput): Environment[] {
  return [...(s.environment ? [s.environment] : []), ...(s.sharedBy ?? [])];
}

function suppressionOwners(s: StackPolicyInput): string[] {
  const env = s.environment ? `${s.environment.name}/` : '';
  return [
    ...environmentsOf(s).map((e) => `env:${e.name}`),
    ...(s.project ? [`project:${env}${s.project.name}`] : []),
  ];
}

function parseAddress(address: string) {
  const parts = address.split('.');
  if (parts[0] === 'data' && parts.length >= 3) {
    return { kind: 'data' as const, type: parts[1]!, name: parts[2]! };
  }
  if (parts.length >= 2) return { kind: 'resource' as const, type: parts[0]!, name: parts[1]! };
  return undefined;
}

/** State bucket and lock table names: every stack's S3 backend, and each environment's standard names. */
function stateNames(
  stacks: readonly StackPolicyInput[],
  models: readonly StackModel[],
): { stateBuckets: Set<string>; lockTables: Set<string> } {
  const stateBuckets = new Set<string>();
  const lockTables = new Set<string>();
  for (const m of models) {
    const b = m.backendNames();
    if (b.bucket) stateBuckets.add(b.bucket);
    if (b.lockTable) lockTables.add(b.lockTable);
  }
  for (const e of stacks.flatMap(environmentsOf)) {
    const names = stateBackendNames(e.prefix, e.accountId, e.region);
    stateBuckets.add(names.bucket);
    lockTables.add(names.lockTable);
  }
  return { stateBuckets, lockTables };
}
