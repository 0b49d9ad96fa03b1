import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest directory at or above `from` that holds `cdktf.json`. */
export function findProjectRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'cdktf.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `No cdktf.json found in ${resolve(from)} or any directory above it: run automock inside the AutoMock infrastructure repository`,
      );
    }
    dir = parent;
  }
}

/**
 * The context `cdktf synth` hands the app (cdktf.json's `context` plus the relative module list
 * the cdktf CLI adds), so in-process synthesis produces the same bytes as `cdktf synth`.
 */
export function cdktfContext(root: string): Record<string, unknown> {
  const config = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const fromEnv = process.env.CDKTF_CONTEXT_JSON ? JSON.parse(process.env.CDKTF_CONTEXT_JSON) : {};
  return { ...(config.context ?? {}), ...fromEnv, cdktfRelativeModules: [] };
}
