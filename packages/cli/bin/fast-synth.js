// `automock synth` answered without loading oclif: oclif's start-up (~200 ms here) is most of a
// synthesis that the cache serves. dist/synth-fast-path.js runs the command's own functions
// (terraform/synth, presentation/synth-report) and returns what the oclif command prints. Only
// for arguments this matcher fully understands, and only when nothing oclif reads could change the
// output; anything else, and any failure (invalid configuration, a policy error), goes to oclif,
// which synthesises again and reports it with the command's exit code. A failed synthesis writes
// nothing, so the second attempt starts from what the first found.
// AUTOMOCK_FAST_SYNTH=0 turns it off (the tests compare both paths).
const path = require('node:path');
const { withCompileCache } = require('./compile-cache.js');
const { fastPathAllowed } = require('./fast-path-allowed.js');

const synthEntryPath = path.join(__dirname, '..', 'dist', 'synth-fast-path.js');

/**
 * The flags of `synth` when argv is exactly `synth` followed by any number of `--env VALUE` (or
 * `--env=VALUE`), at most one `--out VALUE` (or `--out=VALUE`) and at most one `--json`, in any
 * order; else undefined. oclif reads `--env a b` as two environments (the flag takes several
 * values); a bare word here is left to it.
 */
function matchSynthArgs(argv) {
  if (argv[0] !== 'synth') return undefined;
  const opts = { env: [], out: undefined, json: false };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') {
      if (opts.json) return undefined;
      opts.json = true;
      continue;
    }
    let name;
    let value;
    if (a === '--env' || a === '--out') [name, value] = [a.slice(2), argv[++i]];
    else if (a.startsWith('--env=') || a.startsWith('--out='))
      [name, value] = [a.slice(2, 5), a.slice(6)];
    else return undefined;
    // A value oclif could read as a flag, or an empty one, is left to oclif's parser.
    if (!value || value.startsWith('-')) return undefined;
    if (name === 'env') opts.env.push(value);
    else if (opts.out !== undefined) return undefined;
    else opts.out = value;
  }
  return { ...opts, out: opts.out ?? 'cdktf.out' };
}

/** Whether oclif would print the same thing (bin/fast-path-allowed.js). */
function fastSynthAllowed(opts, env, stdout) {
  return fastPathAllowed('AUTOMOCK_FAST_SYNTH', opts, env, stdout);
}

/**
 * Handles `argv` when it is a `synth` the fast path answers: synthesises, prints the result and
 * returns true, or calls `fallback` (oclif) if synthesis throws. Returns false when oclif must
 * answer.
 */
function tryFastSynth(argv, env, stdout, fallback) {
  const opts = matchSynthArgs(argv);
  if (!opts || !fastSynthAllowed(opts, env, stdout)) return false;
  let text;
  try {
    // Node 20 compiles the synthesis's modules afresh each run; bin/compile-cache.js keeps V8's
    // code for them. Only here: oclif, if it must answer, loads as Node loads it.
    text = withCompileCache(() => require(synthEntryPath).synthOutput(opts), { env });
  } catch {
    fallback();
    return true;
  }
  // What oclif's `this.log`/`logJson` do with the text (ux.stdout).
  console.log(require('node:util').format(text));
  return true;
}

module.exports = { synthEntryPath, matchSynthArgs, fastSynthAllowed, tryFastSynth };
