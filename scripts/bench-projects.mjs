#!/usr/bin/env node
// Fleet scale: synthesis of 10 environments (and their bootstrap stack) with 1, 10, 100 and 1,000
// project stacks spread over them, each size in a fresh Node process (what `automock synth` and
// `cdktf synth` are), the per-stack cache off. Prints wall and CPU time, the peak RSS of the
// process, and the marginal milliseconds per project stack between sizes; asserts nothing.
// One project in five is on its environment's shared ALB (an ALB's listener and rule quotas hold
// about 24 per environment), the others dedicated (own network and ALB), the same mix at every size.
//
//   pnpm build && node scripts/bench-projects.mjs [--runs N] [--sizes 1,10,100,1000] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, root } from './bench-lib.mjs';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const arg = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const RUNS = Math.max(1, Number(arg('--runs') ?? process.env.BENCH_RUNS ?? 3));
const SIZES = (arg('--sizes') ?? process.env.BENCH_SCALE_SIZES ?? '1,10,100,1000')
  .split(',')
  .map(Number);
const JSON_OUT = args.includes('--json');
const probe = join(root, 'scripts', 'rss-probe.cjs');

try {
  require.resolve('@automock/stacks');
} catch (e) {
  console.error(`bench-projects: build first (pnpm build): ${e.message}`);
  process.exit(1);
}

// The child: builds the fleet's definitions and synthesises it, printing its own timings.
const child = `
const { defineEnvironment } = require('@automock/core');
const { synthesizeStacks, PROJECTS_DIR } = require('@automock/stacks');
const { join } = require('node:path');
const n = Number(process.argv[1]);
const outdir = process.argv[2];
const definitions = Array.from({ length: 10 }, (_, i) => defineEnvironment({
  name: 'env' + i, accountId: '111111111111', region: 'us-east-1', azCount: 2,
  vpcCidr: '10.' + (100 + i) + '.0.0/16', nat: 'none', taskPlacement: 'public',
  defaultSize: 'small', defaultTtlHours: 4, logRetentionDays: 7,
}));
const expectations = join(PROJECTS_DIR, 'petstore', 'expectations.json');
// Every fifth project is shared, spread evenly over the environments (20 per environment at 1,000).
const projects = Array.from({ length: n }, (_, k) => ({
  env: 'env' + (k % 5 === 0 ? Math.floor(k / 5) % 10 : k % 10),
  project: { name: 'p' + k, expectations,
    ...(k % 5 === 0 ? { listenerPort: 20000 + k } : { isolation: 'dedicated' }) },
}));
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const r = synthesizeStacks({
  definitions, declaredProjects: false, declaredWorkloads: false, projects, outdir, cache: false,
});
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const c = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ ms, cpuMs: (c.user + c.system) / 1000, stacks: r.stacks.length }));
`;

function once(n) {
  const dir = mkdtempSync(join(tmpdir(), 'automock-bench-fleet-'));
  const rssFile = join(dir, 'rss');
  try {
    const r = spawnSync(process.execPath, ['-e', child, String(n), join(dir, 'out')], {
      cwd: join(root, 'stacks'),
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      env: {
        ...process.env,
        AUTOMOCK_RSS_FILE: rssFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
      },
    });
    if (r.status !== 0) throw new Error(`fleet of ${n} failed (exit ${r.status}):\n${r.stderr}`);
    const peaks = existsSync(rssFile)
      ? readFileSync(rssFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ').map(Number))
      : [];
    return {
      ...JSON.parse(r.stdout),
      rssMiB: peaks.length ? Math.max(...peaks.map((p) => p[0])) / 1024 : NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

once(SIZES[0]); // warm the file cache
const results = [];
for (const n of SIZES) {
  // The largest fleet takes minutes on two cores: one run is enough to see a slope.
  const runs = Array.from({ length: n >= 1000 ? 1 : RUNS }, () => once(n));
  results.push({
    projects: n,
    stacks: runs[0].stacks,
    runs: runs.length,
    medianMs: median(runs.map((x) => x.ms)),
    medianCpuMs: median(runs.map((x) => x.cpuMs)),
    peakRssMiB: Math.max(...runs.map((x) => x.rssMiB)),
  });
}
const marginal = results.slice(1).map((r, i) => ({
  from: results[i].projects,
  to: r.projects,
  msPerStack: (r.medianMs - results[i].medianMs) / (r.projects - results[i].projects),
  cpuMsPerStack: (r.medianCpuMs - results[i].medianCpuMs) / (r.projects - results[i].projects),
}));
if (JSON_OUT) {
  console.log(JSON.stringify({ results, marginal }, null, 2));
} else {
  console.log(
    `# Fleet scale: 10 environments + N project stacks, synthesised in a fresh process, cache off (median of ${RUNS} runs; 1 at 1,000)`,
  );
  for (const r of results)
    console.log(
      `  ${String(r.projects).padStart(5)} projects (${String(r.stacks).padStart(4)} stacks): ${r.medianMs.toFixed(0).padStart(7)} ms wall ${r.medianCpuMs.toFixed(0).padStart(7)} ms cpu  peak RSS ${r.peakRssMiB.toFixed(0).padStart(5)} MiB`,
    );
  for (const m of marginal)
    console.log(
      `  marginal ${m.from} -> ${m.to}: ${m.msPerStack.toFixed(1)} ms wall, ${m.cpuMsPerStack.toFixed(1)} ms cpu per project stack`,
    );
  const big = results.find((r) => r.projects === 1000);
  if (big)
    console.log(
      `  memory at 1,000 (target <= 1024 MiB): ${big.peakRssMiB <= 1024 ? 'met' : 'NOT met'} (${big.peakRssMiB.toFixed(0)} MiB)`,
    );
}
