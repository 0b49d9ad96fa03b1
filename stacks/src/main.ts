// What cdktf.json runs (`cdktf synth | diff | deploy` from the repository root).
import { formatPolicyReport, PolicyViolationError } from '@automock/guardrails';
import { buildApp } from './app';
import { synthWithGuardrails } from './policy';

try {
  // The policy check runs before anything is written; an error leaves cdktf.out as it was.
  process.stdout.write(formatPolicyReport(synthWithGuardrails(buildApp())));
} catch (e) {
  process.stderr.write(
    e instanceof PolicyViolationError ? formatPolicyReport(e.report) : `${(e as Error).message}\n`,
  );
  process.exit(1);
}
