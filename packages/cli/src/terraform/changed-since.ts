import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from '../errors';

/** A stack's synthesised JSON without cdktf's `//` metadata (paths, versions), for comparison. */
function canonical(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete json['//'];
  return JSON.stringify(sortKeys(json));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** Stack names in a synth output directory. */
export function stacksIn(outDir: string): string[] {
  const dir = join(outDir, 'stacks');
  return existsSync(dir)
    ? readdirSync(dir).filter((n) => existsSync(join(dir, n, 'cdk.tf.json')))
    : [];
}

export interface ChangeSet {
  /** Stacks whose synthesised JSON differs from the base, or that the base does not have. */
  readonly changed: readonly string[];
  /** Stacks the base has and the current synth does not (they need a manual destroy). */
  readonly removed: readonly string[];
  /** The directory compared against. */
  readonly baseDir: string;
}

/** Compares a synth output with a base synth output, stack by stack. */
export function compareSynthOutputs(
  outDir: string,
  stacks: readonly { readonly name: string; readonly file: string }[],
  baseDir: string,
): ChangeSet {
  const changed = stacks
    .filter((s) => canonical(join(outDir, s.file)) !== canonical(join(baseDir, s.file)))
    .map((s) => s.name);
  const names = new Set(stacks.map((s) => s.name));
  const removed = stacksIn(baseDir).filter((n) => !names.has(n));
  return { changed, removed, baseDir };
}

function run(cmd: string, args: string[], cwd: string): void {
  const res = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (res.status !== 0) {
    throw new CliError(
      `--changed-since: \`${cmd} ${args.join(' ')}\` failed in ${cwd} (exit ${res.status ?? res.signal}): ${(res.stderr || res.error?.message || '').trim().slice(-600)}`,
      [
        'Synthesise the base yourself and pass its directory: automock synth --out /tmp/base (on the base commit), then --changed-since /tmp/base',
      ],
    );
  }
}

/**
 * The synth output of a git ref: a detached `git worktree` of the ref, installed from the lockfile
 * (offline where the store has everything), the CLI built, and `automock synth` run there.
 * Returns the output directory; `cleanup` removes the worktree.
 */
export function synthesizeRef(root: string, ref: string): { outDir: string; cleanup(): void } {
  const verify = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    cwd: root,
    encoding: 'utf8',
  });
  if (verify.status !== 0) {
    throw new CliError(
      `--changed-since: got ${JSON.stringify(ref)}, must be a git commit, branch or tag (fetched: git fetch origin ${ref}) or a directory of a previous synth`,
      [],
      EXIT.usage,
    );
  }
  const tmp = mkdtempSync(join(tmpdir(), 'automock-base-'));
  const tree = join(tmp, 'tree');
  const outDir = join(tmp, 'out');
  const cleanup = () => {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: root });
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    run('git', ['worktree', 'add', '--detach', tree, verify.stdout.trim()], root);
    run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], tree);
    run('pnpm', ['turbo', 'run', 'build', '--filter=@automock/cli...'], tree);
    run('node', [join(tree, 'packages', 'cli', 'bin', 'run.js'), 'synth', '--out', outDir], tree);
  } catch (e) {
    cleanup();
    throw e;
  }
  return { outDir, cleanup };
}

/**
 * Stacks of the current synth that differ from `base`: a directory holding a previous synth
 * (fast, what CI uses after synthesising the base commit), or a git ref synthesised in a worktree.
 */
export function changedSince(
  root: string,
  outDir: string,
  stacks: readonly { readonly name: string; readonly file: string }[],
  base: string,
): ChangeSet {
  if (existsSync(base) && statSync(base).isDirectory()) {
    if (stacksIn(base).length === 0) {
      throw new CliError(
        `--changed-since: ${base} holds no synthesised stacks (expected ${join(base, 'stacks', '<stack>', 'cdk.tf.json')})`,
        [],
        EXIT.usage,
      );
    }
    return compareSynthOutputs(outDir, stacks, base);
  }
  const ref = synthesizeRef(root, base);
  try {
    return compareSynthOutputs(outDir, stacks, ref.outDir);
  } finally {
    ref.cleanup();
  }
}
