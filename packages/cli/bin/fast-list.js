// `automock list` answered without loading oclif: the command's own functions (services/status,
// presentation/list-table), bundled into dist/list-fast-path.bundle.js by scripts/bundle-list.js,
// print what the oclif command prints. Only for arguments this matcher fully understands, and only
// when nothing oclif reads could change the output; anything else, and any failure (an unknown
// environment, AWS errors), goes to oclif, which reads the registry again and reports it.
// AUTOMOCK_FAST_LIST=0 turns it off (the tests compare both paths).
const fs = require('node:fs');
const path = require('node:path');
const { fastPathAllowed } = require('./fast-path-allowed.js');

const listBundlePath = path.join(__dirname, '..', 'dist', 'list-fast-path.bundle.js');

/**
 * The flags of `list` when argv is exactly `list` followed by `--env VALUE` (or `--env=VALUE`,
 * `-e VALUE`) and optionally `--json` and `--all`, each once, in any order; else undefined.
 */
function matchListArgs(argv) {
  if (argv[0] !== 'list') return undefined;
  const opts = { env: undefined, all: false, json: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    let value;
    if (a === '--json' || a === '--all') {
      const key = a.slice(2);
      if (opts[key]) return undefined;
      opts[key] = true;
      continue;
    }
    if (a === '--env' || a === '-e') value = argv[++i];
    else if (a.startsWith('--env=')) value = a.slice('--env='.length);
    else return undefined;
    // A value oclif could read as a flag, or an empty one, is left to oclif's parser.
    if (opts.env !== undefined || !value || value.startsWith('-')) return undefined;
    opts.env = value;
  }
  return opts.env === undefined ? undefined : opts;
}

/** Whether oclif would print the same thing (bin/fast-path-allowed.js). */
function fastListAllowed(opts, env, stdout) {
  return fastPathAllowed('AUTOMOCK_FAST_LIST', opts, env, stdout);
}

/**
 * Handles `argv` when it is a `list` the fast path answers: returns true and prints the result
 * later, or calls `fallback` (oclif) if the fast path fails. Returns false when oclif must answer.
 */
function tryFastList(argv, env, stdout, fallback) {
  const opts = matchListArgs(argv);
  if (!opts || !fastListAllowed(opts, env, stdout)) return false;
  let bundle;
  try {
    bundle = loadBundle(listBundlePath, env);
  } catch {
    return false;
  }
  Promise.resolve()
    .then(() => bundle.exports.listOutput(argv, opts))
    .then(
      (text) => {
        // What oclif's `this.log`/`logJson` do with the text (ux.stdout).
        console.log(require('node:util').format(text));
        try {
          bundle.saveCodeCache();
        } catch {
          // a cache that cannot be written is only slower next time
        }
      },
      () => fallback(),
    );
  return true;
}

/**
 * Loads the bundle. Node 22.1+ caches compiled code itself (bin/run.js turns it on); on older
 * Node compiling the ~1 MB bundle is most of `list`'s CPU time, so V8's code cache for it is kept
 * here, the way v8-compile-cache does, with Node's own off switch (NODE_DISABLE_COMPILE_CACHE).
 */
function loadBundle(file, env) {
  const Module = require('node:module');
  if (typeof Module.enableCompileCache === 'function') {
    return { exports: require(file), saveCodeCache: () => {} };
  }
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = codeCacheFile(source, env);
  let cachedData;
  if (cacheFile) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // first run: written once the list is printed
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = { exports: {} };
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  const stale = cacheFile && (!cachedData || script.cachedDataRejected);
  return {
    exports: mod.exports,
    // After the run, so the functions compiled lazily while listing are in the cache too.
    saveCodeCache: () => stale && writeCodeCache(cacheFile, script.createCachedData()),
  };
}

/**
 * Where the code cache of this exact bundle text lives, or undefined when there is no safe place:
 * a directory of this user's only (V8 runs what it finds there), named by the bundle's digest,
 * since V8 checks a cache against the source's length, not its content.
 */
function codeCacheFile(source, env) {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const os = require('node:os');
  const uid = process.getuid?.();
  const dir = path.join(os.tmpdir(), `automock-compile-cache-${uid ?? os.userInfo().username}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if (e.code !== 'EEXIST') return undefined;
  }
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o077) !== 0)) return undefined;
  } catch {
    return undefined;
  }
  const digest = require('node:crypto')
    .createHash('sha256')
    .update(`${process.version} ${process.arch}\0`)
    .update(source)
    .digest('hex');
  return path.join(dir, `list-${digest.slice(0, 32)}.bin`);
}

// Each build of the bundle has its own cache file; those not rewritten for a week are removed.
const CODE_CACHE_MAX_AGE_MS = 7 * 86_400_000;

function writeCodeCache(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.renameSync(tmp, file);
    const dir = path.dirname(file);
    for (const name of fs.readdirSync(dir)) {
      const other = path.join(dir, name);
      if (other !== file && /^list-[0-9a-f]{32}\.bin$/.test(name))
        if (Date.now() - fs.statSync(other).mtimeMs > CODE_CACHE_MAX_AGE_MS) fs.rmSync(other);
    }
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

module.exports = { listBundlePath, matchListArgs, fastListAllowed, tryFastList, codeCacheFile };
