// Entry of the `automock synth` fast path: bin/fast-synth.js loads it without oclif (whose own
// start-up is most of a synthesis served from the cache) and falls back to oclif when it throws,
// so every error is reported, with its exit code, by the command itself (which, for invalid
// configuration or a guardrails error, rethrows this attempt's error rather than synthesise
// again). It prints nothing: it returns what the oclif command would print, computed by the same
// functions.
import { findProjectRoot } from './environment/project-root';
import { synthReport } from './presentation/synth-report';
import { synthesizeOnce } from './terraform/synth';

/** The flags of an `automock synth` the bin's matcher understood. */
export interface FastSynthOptions {
  /** `--env`, in the order given; empty for every environment. */
  readonly env: readonly string[];
  /** `--out`. */
  readonly out: string;
  /** `--json`. */
  readonly json: boolean;
}

/**
 * Synthesises as `automock synth` does with these flags and returns what it writes to stdout
 * (before oclif's line feed): the result as oclif's `logJson` prints it with `--json` (pretty,
 * uncoloured off a terminal), else the report. Throws whatever the command would catch.
 */
export function synthOutput(opts: FastSynthOptions): string {
  // The command, reporting a failure, is not made to synthesise again the options that failed.
  const result = synthesizeOnce({
    root: findProjectRoot(),
    outDir: opts.out === 'cdktf.out' ? undefined : opts.out,
    environments: opts.env.length > 0 ? [...opts.env] : undefined,
  });
  return opts.json ? JSON.stringify(result, undefined, 2) : synthReport(result);
}
