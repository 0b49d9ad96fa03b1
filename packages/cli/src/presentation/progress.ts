import type { WaitProgress, WaitStep } from '../services/wait-for-mock';
import { WAIT_STEP_TITLES } from '../services/wait-for-mock';

/** A stream progress can be written to (stderr, or a test's buffer). */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Progress of the wait for a mock. On a terminal, one line rewritten in place with what is
 * awaited and the time spent, left behind as `ok <step>` once done; elsewhere (CI logs, pipes),
 * exactly one line per finished step, so logs stay short and readable.
 */
export function waitProgress(
  out: ProgressStream = process.stderr,
  now: () => number = Date.now,
): WaitProgress {
  const tty = Boolean(out.isTTY);
  let since = now();
  const elapsed = () => `${Math.round((now() - since) / 1000)} s`;
  const title = (s: WaitStep) => WAIT_STEP_TITLES[s];
  return {
    start(step) {
      since = now();
      if (tty) out.write(`\r\x1b[K  waiting for ${title(step)}...`);
    },
    update(step, detail) {
      if (tty) out.write(`\r\x1b[K  waiting for ${title(step)}: ${detail} (${elapsed()})`);
    },
    done(step, detail) {
      out.write(`${tty ? '\r\x1b[K' : ''}  ok  ${title(step)}: ${detail} (${elapsed()})\n`);
    },
  };
}
