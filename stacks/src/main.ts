// What cdktf.json runs (`cdktf synth | diff | deploy` from the repository root).
// Node 22.1+: reuse V8's compiled code between runs; older Node compiles every time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
import { formatPolicyReport, PolicyViolationError } from '@automock/guardrails';
import { synthesizeStacks } from './synthesize-stacks';

try {
  // The policy check runs before anything is written; an error leaves cdktf.out as it was.
  process.stdout.write(formatPolicyReport(synthesizeStacks().policy));
} catch (e) {
  process.stderr.write(
    e instanceof PolicyViolationError ? formatPolicyReport(e.report) : `${(e as Error).message}\n`,
  );
  process.exit(1);
}
