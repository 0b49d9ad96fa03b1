import { Environment } from '@automock/core';
import { StackModel, TfElement } from './model';

/** How a finding is treated: an error stops synthesis; a warning is printed. */
export type Severity = 'error' | 'warning';

/** A rule's level in an environment: a severity, or `off` (the rule is not checked there). */
export type RuleLevel = Severity | 'off';

/** What a rule found wrong with one resource. */
export interface RuleViolation {
  /** Terraform address, e.g. `aws_s3_bucket.config`. */
  readonly address: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** What a rule sees besides the stack itself. */
export interface RuleContext {
  /** The environment the stack deploys into, when known. */
  readonly environment?: Environment;
  /** Production level: prod-only rules run and resilience warnings become errors. */
  readonly production: boolean;
  /** Names of S3 buckets that hold Terraform state (from backends and the environments' state names). */
  readonly stateBuckets: ReadonlySet<string>;
  /** Names of DynamoDB tables that hold Terraform state locks. */
  readonly lockTables: ReadonlySet<string>;
  /** Whether a resource accepts tags (from the provider classes when the constructs are at hand). */
  readonly isTaggable: (el: TfElement) => boolean;
}

/** One policy rule. Ids are a public contract: suppressions and CI logs refer to them. */
export interface PolicyRule {
  /** Stable id `AM-<AREA>-<n>`; never reused for another meaning. */
  readonly id: string;
  /** One line: what a compliant stack looks like. */
  readonly meaning: string;
  /** Level outside production. */
  readonly level: RuleLevel;
  /** Level in production environments. */
  readonly productionLevel: Severity;
  /** Resources that break the rule. */
  check(stack: StackModel, ctx: RuleContext): RuleViolation[];
}

/** The level of `rule` for an environment of the given production flag. */
export function levelOf(rule: PolicyRule, production: boolean): RuleLevel {
  return production ? rule.productionLevel : rule.level;
}

/** A rule that is an error everywhere. */
export function errorRule(id: string, meaning: string, check: PolicyRule['check']): PolicyRule {
  return { id, meaning, level: 'error', productionLevel: 'error', check };
}
