// When a command answered without oclif (bin/fast-list.js, bin/fast-synth.js) prints what oclif
// would: one list of the settings oclif reads, for both.

/**
 * Whether oclif would print the same thing for a fast path whose off switch is `offSwitch`. oclif
 * reads AUTOMOCK_CONTENT_TYPE (JSON without `--json`), DEBUG/AUTOMOCK_DEBUG (debug output) and a
 * colour theme for JSON on a terminal; the app module switch swaps the app for a module the fast
 * path does not know; and oclif warns about an old Node.
 */
function fastPathAllowed(offSwitch, opts, env, stdout) {
  if (env[offSwitch] === '0' || env.AUTOMOCK_APP_MODULE) return false;
  for (const name of ['AUTOMOCK_CONTENT_TYPE', 'AUTOMOCK_DEBUG', 'DEBUG'])
    if (env[name] !== undefined) return false;
  if (opts.json && (stdout.isTTY || env.FORCE_COLOR !== undefined)) return false;
  const { engines } = require('../package.json');
  const minimum = Number(/^>=\s*(\d+)$/.exec(engines.node)?.[1]);
  return Number(process.versions.node.split('.')[0]) >= minimum;
}

module.exports = { fastPathAllowed };
