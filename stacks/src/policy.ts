import type { Environment, RuleSuppression } from '@automock/core';
import {
  checkApp,
  CheckAppOptions,
  PolicyReport,
  ProjectPolicyConfig,
  synthWithPolicy,
} from '@automock/guardrails';
import { App, TerraformStack } from 'cdktf';

function environmentOf(stack: TerraformStack): Environment | undefined {
  const env = (stack as { environment?: unknown }).environment;
  return env && typeof env === 'object' && 'production' in env ? (env as Environment) : undefined;
}

function projectOf(stack: TerraformStack): ProjectPolicyConfig | undefined {
  const p = (stack as { project?: { name?: unknown; suppressions?: readonly RuleSuppression[] } })
    .project;
  return p && typeof p.name === 'string'
    ? { name: p.name, suppressions: p.suppressions }
    : undefined;
}

/**
 * How the guardrails see this app: environment and project stacks carry their `environment`
 * (level and environment suppressions) and project stacks their `project` (project
 * suppressions). Bootstrap stacks belong to no single environment and are checked at the
 * non-production level; the production-only rules concern networks and load balancers, which
 * they do not hold.
 */
export const POLICY_OPTIONS: CheckAppOptions = {
  environmentFor: environmentOf,
  projectFor: projectOf,
};

/** Checks every stack of the app without writing anything. */
export function checkPolicy(app: App): PolicyReport {
  return checkApp(app, POLICY_OPTIONS);
}

/**
 * Checks the app and writes it only when no policy error was found: what both `cdktf synth`
 * (main.ts) and `automock synth` call instead of `app.synth()`.
 *
 * @throws PolicyViolationError (carrying the report) when a rule failed; nothing is written.
 */
export function synthWithGuardrails(app: App): PolicyReport {
  return synthWithPolicy(app, POLICY_OPTIONS);
}
