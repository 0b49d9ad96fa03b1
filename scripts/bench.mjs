#!/usr/bin/env node
// `pnpm bench`: prints figures, asserts nothing (shared, noisy machines). Run after `pnpm build`.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { measure, printRows, root } from './bench-lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const cli = join(root, 'packages', 'cli', 'bin', 'run.js');
const cdktf = join(root, 'node_modules', '.bin', 'cdktf');

console.log(
  `# Synthesis of every stack (median of ${runs} runs, 1 warm-up; ${process.version}, ${process.platform})`,
);
const floor = measure(
  'node -e require("cdktf") (floor)',
  process.execPath,
  ['-e', 'require("cdktf")'],
  { runs, cwd: join(root, 'stacks') },
);
const ours = measure('automock synth', process.execPath, [cli, 'synth', '--out', '{tmp}/out'], {
  runs,
});
const rows = [floor, ours];
let theirs;
if (existsSync(cdktf)) {
  theirs = measure('cdktf synth', cdktf, ['synth', '--output', '{tmp}/out'], { runs });
  rows.push(theirs);
}
printRows(rows);
console.log(
  `  automock synth / floor: ${(ours.medianMs / floor.medianMs).toFixed(2)}x (target <= 3x)`,
);
if (theirs)
  console.log(
    `  cdktf synth / automock synth: ${(theirs.medianMs / ours.medianMs).toFixed(2)}x faster (target >= 5x)`,
  );
console.log(`  automock synth peak RSS: ${ours.medianRssMb.toFixed(0)} MB (target < 200 MB)`);

// Other packages' benchmarks, each a script of its own.
for (const f of readdirSync(join(root, 'scripts'))
  .filter((f) => /^bench-(?!lib).+\.mjs$/.test(f))
  .sort()) {
  console.log('');
  const r = spawnSync(process.execPath, [join(root, 'scripts', f)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RUNS: String(runs) },
  });
  if (r.status !== 0) process.exitCode = 1;
}
