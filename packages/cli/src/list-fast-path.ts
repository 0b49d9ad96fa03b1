// Entry of the `automock list` fast path: bin/fast-list.js loads it as one esbuild bundle
// (scripts/bundle-list.js) without oclif, and falls back to oclif when it throws. It prints
// nothing itself: it returns what the oclif command would print, computed by the same functions.
import { quietAwsSdkNodeWarning } from './environment/aws';
import { listText } from './presentation/list-table';
import { listDeployments } from './services/status';

/** The flags of an `automock list` the bin's matcher understood. */
export interface FastListOptions {
  /** `--env`. */
  readonly env: string;
  /** `--all`. */
  readonly all: boolean;
  /** `--json`. */
  readonly json: boolean;
}

/**
 * What `automock list` writes to stdout for these flags (before oclif's line feed): the items as
 * oclif's `logJson` prints them with `--json` (pretty, uncoloured off a terminal), else the table.
 * Throws whatever the command would throw; the caller then lets oclif report it.
 */
export async function listOutput(argv: readonly string[], opts: FastListOptions): Promise<string> {
  quietAwsSdkNodeWarning(argv);
  const items = await listDeployments(opts.env, opts.all);
  return opts.json ? JSON.stringify(items, undefined, 2) : listText(opts.env, items);
}
