#!/usr/bin/env node
// Runs every package's tests through turbo, then prints one closing line summed over the jest
// result files ("tests: N passed, N failed, N skipped"), so CI logs end with the real totals.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const extra = process.argv.slice(2);
const run = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'test', '--concurrency=2', '--continue', ...extra],
  {
    cwd: root,
    stdio: 'inherit',
    env: { TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', ...process.env },
  },
);

const dirs = ['stacks', ...readdirSync(join(root, 'packages')).map((d) => join('packages', d))];
let passed = 0;
let failed = 0;
let skipped = 0;
let suitesFailed = 0;
const missing = [];
for (const d of dirs) {
  const pkg = join(root, d, 'package.json');
  if (!existsSync(pkg) || !JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test) continue;
  const file = join(root, d, '.jest-results.json');
  if (!existsSync(file)) {
    missing.push(d);
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  suitesFailed += r.numRuntimeErrorTestSuites ?? 0;
}
if (missing.length) console.log(`packages without test results: ${missing.join(', ')}`);
if (suitesFailed) console.log(`test suites that failed to run: ${suitesFailed}`);
console.log(`tests: ${passed} passed, ${failed + suitesFailed} failed, ${skipped} skipped`);
process.exit(
  run.status === 0 && failed === 0 && suitesFailed === 0 && missing.length === 0 ? 0 : 1,
);
