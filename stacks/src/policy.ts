import type { Environment, RuleSuppression } from '@automock/core';
import { PolicyReport, ProjectPolicyConfig, StackPolicyInput } from '@automock/guardrails';
import { App, TerraformStack } from 'cdktf';
import { checkApp, CheckAppOptions, policyInputs, synthWithPolicy } from './synthesis/check-app';

function environmentOf(stack: TerraformStack): Environment | undefined {
  const env = (stack as unknown as { environment?: unknown }).environment;
  return env && typeof env === 'object' && 'production' in env ? (env as Environment) : undefined;
}

interface StackFacts {
  readonly info?: { kind?: string; accountId?: string; region?: string };
  readonly environments?: readonly Environment[];
}

/**
 * A bootstrap stack serves every environment of its account and region: their suppressions
 * apply to it (e.g. for the CI roles it holds), and it is checked at the production level when
 * one of them is production.
 */
function sharedByOf(stack: TerraformStack): readonly Environment[] | undefined {
  const facts = stack as StackFacts;
  if (facts.info?.kind !== 'bootstrap') return undefined;
  return facts.environments;
}

type Suppressible = { name?: unknown; suppressions?: readonly RuleSuppression[] };

// A workload stack's workload is what a project stack's project is to the guardrails.
function projectOf(stack: TerraformStack): ProjectPolicyConfig | undefined {
  const facts = stack as { project?: Suppressible; workload?: Suppressible };
  const p = facts.project ?? facts.workload;
  return p && typeof p.name === 'string'
    ? { name: p.name, suppressions: p.suppressions }
    : undefined;
}

/**
 * How the guardrails see this app: environment and project stacks carry their `environment`
 * (level and environment suppressions), project and workload stacks their `project` or
 * `workload` (its suppressions),
 * and bootstrap stacks are shared by the environments of their account and region.
 */
export const POLICY_OPTIONS: CheckAppOptions = {
  environmentFor: environmentOf,
  sharedBy: sharedByOf,
  projectFor: projectOf,
  // Stacks share values through remote state and fixed names, never cdktf cross-stack
  // references (app.test.ts proves the output is the same with cdktf's full preparation).
  crossStackReferences: false,
};

/** Checks every stack of the app without writing anything. */
export function checkPolicy(app: App): PolicyReport {
  return checkApp(app, POLICY_OPTIONS);
}

/** The stacks as the check sees them (JSON, environment, project); writes nothing. */
export function policyInputsOf(app: App): StackPolicyInput[] {
  return policyInputs(app, POLICY_OPTIONS);
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
