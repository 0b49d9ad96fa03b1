import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Files terraform keeps in a working directory between runs; never replaced by a new synth. */
const KEPT = new Set([
  '.terraform',
  '.terraform.lock.hcl',
  'terraform.tfstate',
  'terraform.tfstate.backup',
]);

/** Where the CLI runs terraform for a stack: outside cdktf.out, so provider downloads survive a synth. */
export function workdirFor(root: string, stack: string): string {
  return join(root, '.automock', 'work', stack);
}

export interface PrepareOptions {
  /** Drop the backend block so terraform uses local state (bootstrap's first apply). @default false */
  readonly localState?: boolean;
}

/**
 * Copies a synthesised stack (`<outDir>/<file>` and what sits beside it) into its working
 * directory, replacing the previous synth's files but keeping terraform's own (`.terraform`, the
 * lock file, local state).
 */
export function prepareWorkdir(
  root: string,
  outDir: string,
  stack: { readonly name: string; readonly file: string },
  options: PrepareOptions = {},
): string {
  const src = dirname(join(outDir, stack.file));
  const dir = workdirFor(root, stack.name);
  mkdirSync(dir, { recursive: true });
  for (const e of readdirSync(dir)) {
    if (!KEPT.has(e) && !e.endsWith('.tfplan'))
      rmSync(join(dir, e), { recursive: true, force: true });
  }
  for (const e of readdirSync(src)) {
    if (KEPT.has(e)) continue;
    cpSync(join(src, e), join(dir, e), { recursive: true });
  }
  if (options.localState) {
    const file = join(dir, 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: unknown } };
    if (json.terraform) delete json.terraform.backend;
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  }
  return dir;
}
