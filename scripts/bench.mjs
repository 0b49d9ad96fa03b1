#!/usr/bin/env node
// `pnpm bench`: prints figures, asserts nothing (shared, noisy machines). Run after `pnpm build`.
// `node scripts/bench.mjs --synth-only` stops after the synthesis of the default app.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { alternate, printRows, root } from './bench-lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const cli = join(root, 'packages', 'cli', 'bin', 'run.js');
const cdktf = join(root, 'node_modules', '.bin', 'cdktf');
const { cdktfCliUnusable } = createRequire(import.meta.url)('@automock/test-support/cdktf-cli');
// cdktf-cli cannot run on every Node.js (node-pty): the comparison with it is left out, and why said.
const cdktfUnusable = cdktfCliUnusable(root);
const driver = join(root, 'scripts', 'bench-synth-driver.cjs');
const keep = mkdtempSync(join(tmpdir(), 'automock-bench-synth-'));
const warmCache = join(keep, 'warm-cache');
const incrementalCache = join(keep, 'incremental-cache');
const incrementalWorkloadCache = join(keep, 'incremental-workload-cache');
const incrementalWorkloadAllCache = join(keep, 'incremental-workload-all-cache');
const expectations = join(keep, 'bench-expectations.json');
let version = 0;
const rewriteExpectations = () =>
  writeFileSync(
    expectations,
    JSON.stringify([
      { httpRequest: { path: `/v${++version}` }, httpResponse: { statusCode: 200 } },
    ]),
  );
rewriteExpectations();
// A copy of the declared workloads; one file of it gets a new line before each incremental run
// (with expectations of its own that do not change).
const steadyExpectations = join(keep, 'steady-expectations.json');
writeFileSync(
  steadyExpectations,
  JSON.stringify([{ httpRequest: { path: '/steady' }, httpResponse: { statusCode: 200 } }]),
);
const workloads = join(keep, 'workloads');
cpSync(join(root, 'stacks', 'workloads'), workloads, { recursive: true });
const edited = readdirSync(workloads)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()[0];
const editWorkload = () =>
  edited && appendFileSync(join(workloads, edited), `# bench edit ${++version}\n`);

const pct = (x) => `${x.toFixed(3)}x`;
const verdict = (ok) => (ok ? 'met' : 'NOT met');
try {
  console.log(
    `# Synthesis of the default app (median of ${runs} runs, 1 warm-up round, commands alternated; ${process.version}, ${process.platform})`,
  );
  const commands = [
    {
      label: 'node -e require("cdktf") (floor)',
      cmd: process.execPath,
      args: ['-e', 'require("cdktf")'],
      cwd: join(root, 'stacks'),
    },
    {
      // V8's code: the builder bundle's from pnpm build, the other modules' from earlier runs
      // (Node 22.1+'s compile cache, or bin/compile-cache.js on Node 20; the warm-up fills it).
      label: 'automock synth, empty synthesis cache (cold; V8 code cached)',
      cmd: process.execPath,
      args: [cli, 'synth', '--out', '{tmp}/out'],
      env: { AUTOMOCK_SYNTH_CACHE_DIR: '{tmp}/cache' },
    },
    {
      label: 'automock synth, nothing changed (warm cache)',
      cmd: process.execPath,
      args: [cli, 'synth', '--out', '{tmp}/out'],
      env: { AUTOMOCK_SYNTH_CACHE_DIR: warmCache },
    },
    {
      label: 'in-process synth + 1 project, empty cache',
      cmd: process.execPath,
      args: [driver, '{tmp}/out', '{tmp}/cache', expectations],
      cwd: join(root, 'stacks'),
    },
    {
      label: 'in-process synth + 1 project, its expectations changed',
      cmd: process.execPath,
      args: [driver, '{tmp}/out', incrementalCache, expectations],
      cwd: join(root, 'stacks'),
      prepare: rewriteExpectations,
    },
    {
      label: `in-process synth + 1 project, workload file ${edited} changed`,
      cmd: process.execPath,
      args: [driver, '{tmp}/out', incrementalWorkloadCache, steadyExpectations, workloads],
      cwd: join(root, 'stacks'),
      prepare: editWorkload,
    },
    {
      label: 'automock synth through oclif, nothing changed',
      cmd: process.execPath,
      args: [cli, 'synth', '--out', '{tmp}/out'],
      env: { AUTOMOCK_SYNTH_CACHE_DIR: warmCache, AUTOMOCK_FAST_SYNTH: '0' },
    },
  ];
  if (!cdktfUnusable)
    commands.push({
      label: 'cdktf synth (cache off)',
      cmd: cdktf,
      args: ['synth', '--output', '{tmp}/out'],
      env: { AUTOMOCK_SYNTH_CACHE: '0' },
    });
  commands.push({
    label: 'automock synth, empty synthesis cache, no compile cache (NODE_DISABLE_COMPILE_CACHE=1)',
    cmd: process.execPath,
    args: [cli, 'synth', '--out', '{tmp}/out'],
    env: { AUTOMOCK_SYNTH_CACHE_DIR: '{tmp}/cache', NODE_DISABLE_COMPILE_CACHE: '1' },
  });
  // The same workload edit with the bundle's provider modules loaded all at once, as a synthesis
  // of many stacks loads them, instead of one by one (stacks/src/synthesis/providers.ts).
  commands.push({
    label: `in-process synth + 1 project, workload file ${edited} changed, provider modules all at once`,
    cmd: process.execPath,
    args: [driver, '{tmp}/out', incrementalWorkloadAllCache, steadyExpectations, workloads],
    cwd: join(root, 'stacks'),
    env: { AUTOMOCK_SYNTH_PROVIDERS: 'all' },
    prepare: editWorkload,
  });
  const { rows, ratio, cpuRatio } = alternate(commands, { runs });
  printRows(rows);
  const [floor, cold, warm, fullIn, incr, incrWorkload, warmOclif] = commands.map((c) => c.label);
  const coldNoCompileCache = commands.at(-2).label;
  const incrWorkloadAll = commands.at(-1).label;
  // Wall-time ratios decide the targets; CPU-time ratios (every node process of a command) are
  // printed beside them because they hold still on a machine shared with other work.
  const both = (a, b, target) => {
    const w = ratio(a, b);
    return `${pct(w)} ${verdict(w <= target)} (cpu ${pct(cpuRatio(a, b))})`;
  };
  if (cdktfUnusable)
    console.log(
      `  automock synth / cdktf synth (target <= 0.125x): not measured: ${cdktfUnusable}`,
    );
  else {
    const theirs = commands[7].label;
    console.log(
      `  automock synth / cdktf synth (target <= 0.125x): cold ${both(cold, theirs, 0.125)}, warm ${both(warm, theirs, 0.125)}`,
    );
  }
  console.log(
    `  automock synth / require("cdktf") (target <= 1.5x): cold ${both(cold, floor, 1.5)}, warm ${both(warm, floor, 1.5)}`,
  );
  console.log(
    `  cold synth with V8's code for the modules / without (bin/compile-cache.js): ${pct(ratio(cold, coldNoCompileCache))} (cpu ${pct(cpuRatio(cold, coldNoCompileCache))})`,
  );
  const peak = rows[1].medianRssMb;
  console.log(
    `  automock synth peak RSS (target <= 150 MiB): cold ${peak.toFixed(0)} MiB ${verdict(peak <= 150)}, warm ${rows[2].medianRssMb.toFixed(0)} MiB`,
  );
  console.log(
    `  synth without oclif (bin/fast-synth.js) / through oclif, nothing changed: ${pct(ratio(warm, warmOclif))} (cpu ${pct(cpuRatio(warm, warmOclif))})`,
  );
  console.log(
    `  incremental (one project's expectations changed) / full (target <= 0.5x): ${both(incr, fullIn, 0.5)}`,
  );
  console.log(
    `  incremental (one workload file changed) / full (target <= 0.5x): ${both(incrWorkload, fullIn, 0.5)}`,
  );
  console.log(
    `  one workload file changed, provider modules loaded one by one / all at once: ${pct(ratio(incrWorkload, incrWorkloadAll))} (cpu ${pct(cpuRatio(incrWorkload, incrWorkloadAll))})`,
  );
} finally {
  rmSync(keep, { recursive: true, force: true });
}

// Other packages' benchmarks, each a script of its own (`--synth-only` skips them).
if (process.argv.includes('--synth-only')) process.exit();
for (const f of readdirSync(join(root, 'scripts'))
  .filter((f) => /^bench-(?!lib|synth-driver).+\.mjs$/.test(f))
  .sort()) {
  console.log('');
  const r = spawnSync(process.execPath, [join(root, 'scripts', f)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RUNS: String(runs) },
  });
  if (r.status !== 0) process.exitCode = 1;
}
