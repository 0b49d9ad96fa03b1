// Per-stack synthesis cache: a stack whose inputs (its configuration, the app's code, the
// dependencies, Node.js) hash to a key seen before is restored from disk instead of being built
// and resolved again. Loads nothing of cdktf.
import { createHash, Hash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Bumped when what an entry holds, or how keys are made, changes. */
const CACHE_FORMAT = 1;

/** Entries unused for this long are removed after a synthesis. */
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

/** The file in a cache directory that remembers the code files' digests (see fingerprintOf). */
export const CODE_DIGESTS = 'code-digests.json';

/**
 * Deterministic JSON of plain data (object keys sorted), for hashing. Refuses what JSON would
 * silently drop or change (functions, symbols, class instances, non-finite numbers), because a
 * key that leaves out part of an input would hand back a stale stack.
 *
 * @throws TypeError naming the path of the value it cannot key.
 */
export function canonicalJson(value: unknown, at = '$'): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean')
    return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${at}: got ${value}, cannot key it`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value))
    return `[${value.map((v, i) => (v === undefined ? 'null' : canonicalJson(v, `${at}[${i}]`))).join(',')}]`;
  if (typeof value === 'object') {
    // A plain object's prototype is some realm's Object.prototype, whose own prototype is null.
    // Not `=== Object.prototype`: the bundled builder's objects can come from another realm (jest
    // runs tests in a vm context), and they are as plain as ours.
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== null && Object.getPrototypeOf(proto) !== null)
      throw new TypeError(
        `${at}: got a ${(value as object).constructor?.name ?? 'non-plain object'}, cannot key it (plain data only)`,
      );
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map(
        (k) =>
          `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k], `${at}.${k}`)}`,
      );
    return `{${entries.join(',')}}`;
  }
  throw new TypeError(`${at}: got a ${typeof value}, cannot key it`);
}

/**
 * The digests `pnpm build` ships beside the builder bundle (scripts/warm-builder.js): what a
 * synthesis with a cache of its own has in {@link CODE_DIGESTS}, for its first run.
 */
export const SHIPPED_CODE_DIGESTS = 'shipped-code-digests.json';

/**
 * Files that never change what a stack synthesises to: typings, source maps, tests, and what the
 * build ships to make synthesis faster (V8's code for the bundle and its stamp, the digests).
 */
const IGNORED =
  /(\.d\.ts|\.map|\.tsbuildinfo|\.test\.[jt]s|\.v8-code\.bin|\.v8-code\.bin\.json|^shipped-code-digests\.json)$/;

/** A file's size, inode, modification and change times, and SHA-256, by path. */
type Digests = Record<string, readonly [number, number, number, number, string]>;

/**
 * Digests of code files from an earlier run, by path, each valid while the file's size, inode,
 * modification and change times are the ones recorded: reading and hashing the code (some 11 MB)
 * on every synthesis costs more than the rest of a synthesis served from the cache.
 */
class DigestMemo {
  private readonly entries: Digests;
  private readonly used: Digests = {};
  private changed = false;

  /**
   * @param file the memo of this cache, read and then rewritten
   * @param shipped read when `file` has no memo (its entries are checked the same way)
   */
  constructor(
    private readonly file: string | undefined,
    shipped?: string,
  ) {
    const own = file ? DigestMemo.read(file) : undefined;
    // A memo taken from elsewhere is written to this cache's own file whatever happens.
    if (file && !own) this.changed = true;
    this.entries = own ?? (file && shipped ? DigestMemo.read(shipped) : undefined) ?? {};
  }

  private static read(file: string): Digests | undefined {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as {
        format?: unknown;
        entries?: Digests;
      };
      if (stored.format === CACHE_FORMAT && typeof stored.entries === 'object' && stored.entries)
        return stored.entries;
    } catch {
      // none yet, or unreadable: every file is hashed
    }
    return undefined;
  }

  /** sha256 of the file's content, from the memo when the file is unchanged since. */
  digest(path: string): string {
    const st = statSync(path);
    const seen = this.entries[path];
    const stamp = [st.size, st.ino, st.mtimeMs, st.ctimeMs] as const;
    if (seen && stamp.every((v, i) => seen[i] === v)) {
      this.used[path] = seen;
      return seen[4];
    }
    const digest = createHash('sha256').update(readFileSync(path)).digest('hex');
    this.used[path] = [...stamp, digest];
    this.changed = true;
    return digest;
  }

  /** Keeps the digests used this time (written aside and renamed, for concurrent runs). */
  save(): void {
    if (!this.file) return;
    if (!this.changed && Object.keys(this.used).length === Object.keys(this.entries).length) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, entries: this.used }));
      renameSync(tmp, this.file);
    } catch {
      // Without a memo the next run hashes every file again.
      rmSync(tmp, { force: true });
    }
  }
}

function hashTree(hash: Hash, dir: string, label: string, memo: DigestMemo): void {
  if (!existsSync(dir)) return;
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const full = join(d, e.name);
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(full, r);
      else if (e.isFile() && !IGNORED.test(e.name))
        hash.update(`${label}${r}\0${memo.digest(full)}\0`);
    }
  };
  walk(dir, '');
}

/** Where to find the code that makes stacks: directories hashed whole, and single files. */
export interface CodeSources {
  /** Directories whose every file (but typings, source maps, tests) counts. */
  readonly dirs: readonly string[];
  /** Files that count (the lockfile, which pins every third-party package). */
  readonly files: readonly string[];
}

/**
 * Hash of everything shared by every stack: the app's code (this package's compiled or source
 * directory and the build output of each workspace package it depends on, transitively, which
 * includes the reaper's Lambda bundle), the lockfile (cdktf, the AWS provider bindings and every
 * other third-party package), and the Node.js and zlib versions (the Lambda zip is deflated by
 * Node's zlib). Any change to any of them changes every stack's key.
 *
 * @param memoFile where to keep each file's digest between runs, reused while the file's size,
 *   inode and times are unchanged; without it every file is read and hashed.
 * @param shippedMemoFile digests to start from when `memoFile` has none yet (the build's, so a
 *   fresh cache does not read 10 MB of code again); only with `memoFile`.
 */
export function fingerprintOf(
  sources: CodeSources,
  memoFile?: string,
  shippedMemoFile?: string,
): string {
  const memo = new DigestMemo(memoFile, shippedMemoFile);
  const hash = createHash('sha256');
  hash.update(`format ${CACHE_FORMAT}\0node ${process.version}\0zlib ${process.versions.zlib}\0`);
  for (const d of sources.dirs) hashTree(hash, d, `${d}\0`, memo);
  for (const f of sources.files) {
    if (existsSync(f)) hash.update(`${f}\0${memo.digest(f)}\0`);
  }
  memo.save();
  return hash.digest('hex');
}

/** This package's root (holds package.json), from this file in `src/synthesis` or `dist/synthesis`. */
const PACKAGE_ROOT = resolve(__dirname, '..', '..');

/**
 * What {@link fingerprintOf} hashes for this app: this package's code directory (`src` under
 * ts-jest, `dist` when compiled), `package.json`, every `@automock/*` dependency's `dist` and
 * `package.json` (transitively), and the nearest lockfile.
 */
export function appCodeSources(): CodeSources {
  const dirs = [resolve(__dirname, '..')];
  const files = [join(PACKAGE_ROOT, 'package.json')];
  const seen = new Set<string>();
  const visit = (pkgDir: string) => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (!dep.startsWith('@automock/') || seen.has(dep)) continue;
      seen.add(dep);
      const dir = dirname(require.resolve(`${dep}/package.json`, { paths: [pkgDir] }));
      dirs.push(join(dir, 'dist'));
      files.push(join(dir, 'package.json'));
      visit(dir);
    }
  };
  visit(PACKAGE_ROOT);
  for (let d = PACKAGE_ROOT; ; d = dirname(d)) {
    const lock = ['pnpm-lock.yaml', 'package-lock.json', 'yarn.lock']
      .map((f) => join(d, f))
      .find((f) => existsSync(f));
    if (lock) {
      files.push(lock);
      break;
    }
    if (dirname(d) === d) break;
  }
  return { dirs, files };
}

let appFingerprint: string | undefined;

/** Where `pnpm build` ships the app's code digests: beside the builder bundle. */
export const SHIPPED_DIGESTS_PATH = join(PACKAGE_ROOT, 'dist', 'synthesis', SHIPPED_CODE_DIGESTS);

/**
 * {@link fingerprintOf} of {@link appCodeSources}, computed once per process. A cache with no
 * digests of its own starts from those `pnpm build` shipped ({@link SHIPPED_DIGESTS_PATH}).
 */
export function appCodeFingerprint(memoFile?: string): string {
  appFingerprint ??= fingerprintOf(appCodeSources(), memoFile, SHIPPED_DIGESTS_PATH);
  return appFingerprint;
}

/** Where the cache lives unless told: `AUTOMOCK_SYNTH_CACHE_DIR`, else under this package's node_modules. */
export function defaultCacheDir(): string {
  return (
    process.env.AUTOMOCK_SYNTH_CACHE_DIR ||
    join(PACKAGE_ROOT, 'node_modules', '.cache', 'automock-synth')
  );
}

/** One stack as the cache holds it, besides its files. */
export interface CachedStackEntry<Meta> {
  readonly format: number;
  readonly key: string;
  /** What synthesis needs of the stack without building it (manifest entry, inventory, JSON the guardrails check…). */
  readonly meta: Meta;
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const s = join(from, e.name);
    const t = join(to, e.name);
    if (e.isDirectory()) copyTree(s, t);
    else copyFileSync(s, t);
  }
}

/** A directory of entries, one per key: `<key>/entry.json` and `<key>/stack/` (the stack's files). */
export class StackCache<Meta> {
  private written = 0;

  constructor(readonly dir: string) {}

  /** Stack key: the shared fingerprint plus the stack's own inputs, which must be plain data. */
  static key(fingerprint: string, inputs: unknown): string {
    return createHash('sha256')
      .update(`${CACHE_FORMAT}\0${fingerprint}\0${canonicalJson(inputs)}`)
      .digest('hex');
  }

  /** The entry for `key`, or undefined (also for an unreadable or foreign-format entry). */
  get(key: string): Meta | undefined {
    const file = join(this.dir, key, 'entry.json');
    if (!existsSync(file)) return undefined;
    try {
      const entry = JSON.parse(readFileSync(file, 'utf8')) as CachedStackEntry<Meta>;
      if (entry.format !== CACHE_FORMAT || entry.key !== key) return undefined;
      const now = new Date();
      utimesSync(join(this.dir, key), now, now);
      return entry.meta;
    } catch {
      return undefined;
    }
  }

  /** Copies the stack's files of `key` into `stackDir`. */
  restore(key: string, stackDir: string): void {
    copyTree(join(this.dir, key, 'stack'), stackDir);
  }

  /**
   * Stores a stack: its files (copied from `stackDir`, when given) and `meta`. Written aside and
   * renamed into place, so a reader never sees half an entry; a concurrent writer of the same key
   * wins alone.
   */
  put(key: string, meta: Meta, stackDir?: string): void {
    const tmp = join(this.dir, `.tmp-${process.pid}-${this.written++}-${key.slice(0, 8)}`);
    try {
      if (stackDir === undefined) mkdirSync(tmp, { recursive: true });
      else copyTree(stackDir, join(tmp, 'stack'));
      const entry: CachedStackEntry<Meta> = { format: CACHE_FORMAT, key, meta };
      writeFileSync(join(tmp, 'entry.json'), JSON.stringify(entry));
      const target = join(this.dir, key);
      if (existsSync(target)) rmSync(target, { recursive: true, force: true });
      renameSync(tmp, target);
    } catch {
      // A cache that cannot be written only costs time on the next run.
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  /** Removes entries not used for {@link MAX_AGE_MS} and leftovers of interrupted writes. */
  prune(now = Date.now()): void {
    if (!existsSync(this.dir)) return;
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      try {
        const age = now - statSync(path).mtimeMs;
        if (age > MAX_AGE_MS || (name.startsWith('.tmp-') && age > 3600 * 1000))
          rmSync(path, { recursive: true, force: true });
      } catch {
        // Removed by a concurrent run.
      }
    }
  }
}
