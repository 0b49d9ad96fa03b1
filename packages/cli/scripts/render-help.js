// Part of `pnpm build`, after `oclif manifest`: records what oclif prints for `automock --help`
// when stdout is not a terminal, so bin/run.js can answer it without loading oclif (a third of
// the CLI's start-up time goes to loading oclif). The record names the Node version, platform,
// architecture and manifest it was rendered with; bin/run.js uses it only when all still match.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { helpRecordPath, helpRecordKey } = require('../bin/prerendered-help.js');
const env = { ...process.env, AUTOMOCK_PRERENDERED_HELP: '0' };
// Colour and width come from these (oclif's supports-color and screen); the record is the plain,
// 80-column rendering, so bin/run.js falls back to oclif whenever they are set.
for (const name of ['FORCE_COLOR', 'OCLIF_COLUMNS']) delete env[name];
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'run.js'), '--help'], {
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
if (r.status !== 0 || r.stderr) {
  console.error(`render-help: automock --help failed (${r.status}):\n${r.stderr}`);
  process.exit(1);
}
fs.writeFileSync(helpRecordPath, JSON.stringify({ key: helpRecordKey(), stdout: r.stdout }));
