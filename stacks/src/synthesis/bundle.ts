import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Script } from 'node:vm';
import { ConfigValidationError } from '@automock/core';

/** The bundle of `stack-builder.js` that `pnpm build` writes beside it (scripts/bundle-builder.js). */
export const BUNDLE_FILE = 'stack-builder.bundle.js';
/** What the bundle was made from, to tell whether it is still current. */
export const BUNDLE_INPUTS_FILE = 'stack-builder.bundle.inputs.json';
/**
 * The provider modules the bundle leaves out (scripts/lazy-providers.js), minified, one file each
 * (`<name>.<digest>.js`, named after its content) in this directory beside it: what a synthesis
 * of a few stacks loads (src/synthesis/providers.ts).
 */
export const PROVIDERS_DIR = 'providers';
/** The same modules in one, beside the bundle: what a synthesis of many stacks loads. */
export const PROVIDERS_FILE = 'stack-builder.providers.js';
/**
 * Up to this many stacks to build, the bundle's provider modules are loaded one file each as
 * stacks use them; past it, all at once from {@link PROVIDERS_FILE}, with V8's code cached.
 * Measured (`pnpm bench`): rebuilding one workload stack uses about a fifth of them and loads
 * faster file by file; a whole synthesis of the default app uses all of them, where one file with
 * V8's code cached is as fast as when they were in the bundle, and files one by one are not.
 */
export const PROVIDERS_EACH_MAX_STACKS = 2;

/**
 * Whether a synthesis that builds `toBuild` stacks loads the provider modules all at once:
 * `AUTOMOCK_SYNTH_PROVIDERS` (`all` or `each`) when set, else past
 * {@link PROVIDERS_EACH_MAX_STACKS}.
 */
export function providersAllAtOnce(toBuild: number, env: NodeJS.ProcessEnv = process.env): boolean {
  const set = env.AUTOMOCK_SYNTH_PROVIDERS;
  if (set === undefined || set === '') return toBuild > PROVIDERS_EACH_MAX_STACKS;
  if (set === 'all' || set === 'each') return set === 'all';
  throw new ConfigValidationError('environment variable', [
    {
      field: 'AUTOMOCK_SYNTH_PROVIDERS',
      value: set,
      rule: 'must be "all" (load the provider modules at once) or "each" (one by one, as used)',
    },
  ]);
}

/**
 * V8's code for a bundle, made by `pnpm build` (scripts/warm-builder.js) after a synthesis of the
 * default app, beside the bundle: `<name>.v8-code.bin` for `<name>.js`. Its stamp
 * ({@link ShippedCodeStamp}) is `<this>.json`.
 */
export function shippedCodeFile(bundle: string): string {
  return `${bundle.replace(/\.js$/, '')}.v8-code.bin`;
}

/** What the shipped code was compiled from and by: used only when all of it matches. */
export interface ShippedCodeStamp {
  /** SHA-256 of the bundle's text. */
  readonly sha256: string;
  readonly node: string;
  readonly arch: string;
  readonly platform: string;
  /**
   * The bundle file as the build left it. While it is unchanged (same size, mtime and inode) its
   * text is the one `sha256` was taken of and is not hashed again (~10 ms for each 2 MB on a
   * machine without SHA instructions); a build cache restoring the files with new times falls
   * back to the digest.
   */
  readonly file?: FileIdentity;
}

/** A file's size, modification time and inode. */
export interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

/** `file`'s {@link FileIdentity}. */
export function fileIdentity(file: string): FileIdentity {
  const { size, mtimeMs, ino } = statSync(file);
  return { size, mtimeMs, ino };
}

/** The stamp of code compiled now, by this process, for a bundle with this text. */
export function shippedCodeStamp(source: string): ShippedCodeStamp {
  return {
    sha256: createHash('sha256').update(source).digest('hex'),
    node: process.version,
    arch: process.arch,
    platform: process.platform,
  };
}

/**
 * The code `pnpm build` shipped beside `bundle`, when its stamp matches the bundle's text and
 * this Node.js; else undefined. By content (unless the file is exactly as the build left it), not
 * path or mtime alone: a build cache restores the same files with new times.
 */
function shippedCode(
  bundle: string,
  source: string,
  identity: FileIdentity | undefined,
): Buffer | undefined {
  const file = shippedCodeFile(bundle);
  try {
    const stamp = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as ShippedCodeStamp;
    if (
      stamp.node !== process.version ||
      stamp.arch !== process.arch ||
      stamp.platform !== process.platform
    )
      return undefined;
    const asBuilt =
      identity !== undefined &&
      stamp.file !== undefined &&
      stamp.file.size === identity.size &&
      stamp.file.mtimeMs === identity.mtimeMs &&
      stamp.file.ino === identity.ino;
    if (!asBuilt && stamp.sha256 !== shippedCodeStamp(source).sha256) return undefined;
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

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

/** A loaded bundle, and how to keep V8's compiled code of it for the next process. */
export interface LoadedBundle<T> {
  readonly exports: T;
  /** V8 accepted a code cache from an earlier run, or the one `pnpm build` shipped. */
  readonly fromCodeCache: boolean;
  /**
   * Writes V8's code for the bundle (every function compiled so far, so call it after the work)
   * when there was none or V8 refused it. Best effort: a cache that cannot be written only costs
   * time on the next run.
   */
  saveCodeCache(): void;
}

/**
 * Where {@link loadBundle} keeps V8's code for `bundle` in `cacheDir`: a name made of the bundle's
 * path, size, mtime and inode and the Node.js version and architecture, so a rebuilt bundle never
 * meets code compiled from another (V8 itself checks only the source's length, its own version
 * and flags).
 */
export function codeCacheFile(bundle: string, cacheDir: string): string {
  const st = statSync(bundle);
  const id = createHash('sha256')
    .update(
      [bundle, st.size, st.mtimeMs, st.ino, process.version, process.arch, process.platform].join(
        '\0',
      ),
    )
    .digest('hex')
    .slice(0, 32);
  return join(cacheDir, `builder-code-${id}.bin`);
}

/**
 * Loads `bundle` as `require` would (same wrapper, `require`, `module`, strictness, and an entry
 * in `require.cache`), reusing V8's compiled code from an earlier run kept in `cacheDir`, or else
 * the code `pnpm build` compiled for this very bundle ({@link shippedCodeFile}): reading a code
 * cache costs less than parsing and compiling the bundle again. The cache file is
 * {@link codeCacheFile}. Without `cacheDir` (the synthesis cache off) only the shipped code is
 * used, and nothing is written.
 */
export function loadBundle<T>(bundle: string, cacheDir?: string): LoadedBundle<T> {
  const codeFile = cacheDir && codeCacheFile(bundle, cacheDir);
  let cachedData: Buffer | undefined;
  try {
    if (codeFile) cachedData = readFileSync(codeFile);
  } catch {
    // None yet.
  }
  // Taken on both sides of the read: the file the text came from, unless it changed meanwhile.
  const before = cachedData ? undefined : fileIdentity(bundle);
  const source = readSource(bundle);
  // First run for this bundle: the code compiled at build time, when it is for this bundle.
  let shipped: Buffer | undefined;
  if (before) {
    const after = fileIdentity(bundle);
    const same =
      before.size === after.size && before.mtimeMs === after.mtimeMs && before.ino === after.ino;
    shipped = shippedCode(bundle, source, same ? before : undefined);
  }
  cachedData ??= shipped;
  const script = new Script(`${WRAPPER_HEAD}${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(bundle),
  );
  const run = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  require.cache[bundle] = mod;
  try {
    run.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  } catch (e) {
    delete require.cache[bundle];
    throw e;
  }
  mod.loaded = true;
  const fromCodeCache = cachedData !== undefined && !script.cachedDataRejected;
  // Code the build shipped and V8 took is kept under this bundle's name as it is (a copy, not a
  // new serialisation), so the next run finds it by stat without hashing the bundle.
  const keep = fromCodeCache ? shipped : undefined;
  let saved = !codeFile || (fromCodeCache && !keep);
  return {
    exports: mod.exports as T,
    fromCodeCache,
    saveCodeCache() {
      if (saved) return;
      saved = true;
      if (!codeFile || !cacheDir) return;
      const tmp = `${codeFile}.tmp-${process.pid}`;
      try {
        mkdirSync(cacheDir, { recursive: true });
        writeFileSync(tmp, keep ?? script.createCachedData());
        renameSync(tmp, codeFile);
      } catch {
        rmSync(tmp, { force: true });
      }
    },
  };
}

/**
 * The bundle's text. esbuild writes ASCII (non-ASCII characters escaped, scripts/bundle-builder.js),
 * which decodes as Latin-1 to the same string faster than as UTF-8 (reading and decoding the
 * bundle, then 4 MB, in a fresh process: ~37 against ~47 ms here); anything else is decoded as UTF-8, as
 * `require` would.
 */
export function readSource(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** Node's CommonJS wrapper (`require('node:module').wrap`), with the same parameters. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
