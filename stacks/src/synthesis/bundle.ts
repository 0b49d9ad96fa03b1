import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** The bundle of `stack-builder.js` that `pnpm build` writes beside it (scripts/bundle-builder.js). */
export const BUNDLE_FILE = 'stack-builder.bundle.js';
/** What the bundle was made from, to tell whether it is still current. */
export const BUNDLE_INPUTS_FILE = 'stack-builder.bundle.inputs.json';

/** A file the bundle was made from: path relative to the bundle's directory, size, mtime, digest. */
type InputStamp = readonly [path: string, size: number, mtimeMs: number, sha256: string];

const digestOf = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/**
 * The stamps of the bundle's inputs worth checking at load time, for a bundle in `dir`: the
 * workspace's own files (what `tsc` rewrites while the bundle stays behind) and the lockfile
 * (which changes with any dependency). Files under `node_modules` are fixed by the lockfile and
 * not stamped one by one.
 */
export function bundleInputsOf(
  inputs: readonly string[],
  dir: string,
  lockfile: string,
): InputStamp[] {
  const own = inputs.filter((p) => !p.split(sep).includes('node_modules'));
  return [...own, lockfile]
    .map((p) => relative(dir, p))
    .sort()
    .map((rel) => {
      const file = resolve(dir, rel);
      const st = statSync(file);
      return [rel.split(sep).join('/'), st.size, st.mtimeMs, digestOf(file)] as const;
    });
}

/**
 * The path of the bundle in `dir` when there is one and every stamped input is as it was when it
 * was made; otherwise undefined (the caller loads the modules themselves). A file whose size and
 * mtime are unchanged is taken as unchanged; one with a new mtime (a build cache restoring the
 * same files) is compared by content.
 */
export function currentBundle(dir: string): string | undefined {
  let stamps: InputStamp[];
  try {
    stamps = JSON.parse(readFileSync(join(dir, BUNDLE_INPUTS_FILE), 'utf8')) as InputStamp[];
  } catch {
    return undefined;
  }
  for (const [rel, size, mtimeMs, sha256] of stamps) {
    const file = resolve(dir, rel);
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st || st.size !== size) return undefined;
    if (st.mtimeMs !== mtimeMs && digestOf(file) !== sha256) return undefined;
  }
  const bundle = join(dir, BUNDLE_FILE);
  return statSync(bundle, { throwIfNoEntry: false })?.isFile() ? bundle : undefined;
}
