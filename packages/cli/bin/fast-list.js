// `automock list` answered without loading oclif: the command's own functions (services/status,
// presentation/list-table), bundled into dist/list-fast-path.bundle.js by scripts/bundle-list.js,
// print what the oclif command prints. Only for arguments this matcher fully understands, and only
// when nothing oclif reads could change the output; anything else, and any failure (an unknown
// environment, AWS errors), goes to oclif, which reads the registry again and reports it.
// AUTOMOCK_FAST_LIST=0 turns it off (the tests compare both paths).
const path = require('node:path');
const { withCompileCache } = require('./compile-cache.js');
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
    // Node 22.1+ caches compiled code itself (bin/run.js turns it on); on older Node compiling the
    // ~1 MB bundle is most of `list`'s CPU time. bin/compile-cache.js writes its entry at exit, with
    // the functions compiled while listing.
    bundle = withCompileCache(() => require(listBundlePath), { env });
  } catch {
    return false;
  }
  Promise.resolve()
    .then(() => bundle.listOutput(argv, opts))
    .then(
      (text) => {
        // What oclif's `this.log`/`logJson` do with the text (ux.stdout).
        console.log(require('node:util').format(text));
      },
      () => fallback(),
    );
  return true;
}

module.exports = { listBundlePath, matchListArgs, fastListAllowed, tryFastList };
