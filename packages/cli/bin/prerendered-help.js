// `automock --help` answered from the record scripts/render-help.js wrote at build time (oclif's
// own output), without loading oclif. Only for the exact invocation the record was made for:
// `--help` alone, stdout not a terminal, no colour or width override, the same Node version,
// platform, architecture and command manifest (by content). Anything else goes to oclif.
// AUTOMOCK_PRERENDERED_HELP=0 turns it off (render-help.js, and the test that compares the two).
const fs = require('node:fs');
const path = require('node:path');

const helpRecordPath = path.join(__dirname, '..', 'dist', 'root-help.json');
const manifestPath = path.join(__dirname, '..', 'oclif.manifest.json');

// The manifest's content, not its timestamps: turbo's cache replays build outputs with new
// modification times, which would make every cached build's record look stale.
function helpRecordKey(manifest = manifestPath) {
  let digest = 'none';
  try {
    digest = require('node:crypto')
      .createHash('sha256')
      .update(fs.readFileSync(manifest))
      .digest('hex');
  } catch {
    // no manifest: the key matches no record written by a build
  }
  return [process.version, process.platform, process.arch, digest].join(' ');
}

/** Prints the recorded help and returns true, or returns false when oclif must answer. */
function printPrerenderedHelp(argv, env, stdout, files = {}) {
  const { record: recordPath = helpRecordPath, manifest = manifestPath } = files;
  if (argv.length !== 1 || argv[0] !== '--help' || stdout.isTTY) return false;
  if (env.AUTOMOCK_PRERENDERED_HELP === '0') return false;
  if (env.FORCE_COLOR !== undefined || env.OCLIF_COLUMNS !== undefined) return false;
  let record;
  try {
    record = JSON.parse(fs.readFileSync(recordPath, 'utf8'));
  } catch {
    return false;
  }
  if (record.key !== helpRecordKey(manifest)) return false;
  stdout.write(record.stdout);
  return true;
}

module.exports = { helpRecordPath, helpRecordKey, printPrerenderedHelp };
