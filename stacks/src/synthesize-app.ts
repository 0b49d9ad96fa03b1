import type { PolicyReport } from '@automock/guardrails';
import { App } from 'cdktf';
import { buildApp, BuildAppOptions } from './app';
import { synthWithGuardrails } from './policy';
import { withCheapTokenTraces } from './synthesis/token-traces';

/** An app that has been checked and written. */
export interface SynthesizedApp {
  readonly app: App;
  readonly policy: PolicyReport;
}

/**
 * Builds the app, checks it against the guardrails and writes it: the one code path behind both
 * `cdktf synth` (main.ts) and `automock synth`, so their output is the same.
 *
 * @throws ConfigValidationError for invalid configuration, PolicyViolationError for a policy
 *   error; in both cases nothing has been written.
 */
export function synthesizeApp(options: BuildAppOptions = {}): SynthesizedApp {
  return withCheapTokenTraces(() => {
    const app = buildApp(options);
    return { app, policy: synthWithGuardrails(app) };
  });
}
