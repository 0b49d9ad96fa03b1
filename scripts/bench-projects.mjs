#!/usr/bin/env node
// Synthesis time of one environment with 1, 10 and 100 project stacks, in-process from the
// compiled JavaScript (what `automock synth` does), and the marginal milliseconds per project
// stack. Bounded: a fixed number of runs per size, temp output removed afterwards.
//
//   pnpm turbo run build --filter=@automock/stacks && node scripts/bench-projects.mjs [--runs N] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1])) : 5;
const JSON_OUT = args.includes('--json');
const SIZES = [1, 10, 100];

let stacks;
try {
  stacks = require('@automock/stacks');
} catch (e) {
  console.error(
    `bench-projects: build first (pnpm turbo run build --filter=@automock/stacks): ${e.message}`,
  );
  process.exit(1);
}
const { synthesizeApp, PROJECTS_DIR } = stacks;
const expectations = join(PROJECTS_DIR, 'petstore', 'expectations.json');

function projects(n) {
  return Array.from({ length: n }, (_, i) => ({
    env: 'dev',
    project: { name: `bench-${i}`, ephemeral: true, listenerPort: 20000 + i, expectations },
  }));
}

function once(n, dir) {
  const outdir = join(dir, `n${n}-${Math.random().toString(36).slice(2)}`);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  // The path `automock synth` takes: build, guardrails, write.
  synthesizeApp({
    environments: ['dev'],
    declaredProjects: false,
    projects: projects(n),
    outdir,
  });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  rmSync(outdir, { recursive: true, force: true });
  // CPU time is reported beside wall time: on a shared, oversubscribed machine it is the steadier figure.
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const dir = mkdtempSync(join(tmpdir(), 'automock-bench-projects-'));
try {
  once(1, dir); // warm-up: module loading and JIT are not per-project costs
  const results = [];
  for (const n of SIZES) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(once(n, dir));
    results.push({
      projects: n,
      medianMs: median(runs.map((x) => x.ms)),
      medianCpuMs: median(runs.map((x) => x.cpuMs)),
      runs: RUNS,
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    });
  }
  const at = (n) => results.find((r) => r.projects === n).medianMs;
  const cpuAt = (n) => results.find((r) => r.projects === n).medianCpuMs;
  const marginal = (at(100) - at(1)) / 99;
  const summary = {
    results,
    marginalMsPerProject: marginal,
    marginalCpuMsPerProject: (cpuAt(100) - cpuAt(1)) / 99,
    marginal1to10: (at(10) - at(1)) / 9,
    marginal10to100: (at(100) - at(10)) / 90,
    targetMsPerProject: 40,
  };
  if (JSON_OUT) {
    console.log(JSON.stringify(summary, null, 2));
  } else {
    console.log(
      `project stack synthesis (environment dev + N project stacks, median of ${RUNS} runs)`,
    );
    for (const r of results)
      console.log(
        `  ${String(r.projects).padStart(3)} projects: ${r.medianMs.toFixed(0).padStart(6)} ms wall  ${r.medianCpuMs.toFixed(0).padStart(6)} ms cpu   rss ${r.rssMiB.toFixed(0)} MiB`,
      );
    console.log(
      `  marginal: ${marginal.toFixed(1)} ms wall, ${summary.marginalCpuMsPerProject.toFixed(1)} ms cpu per project stack (wall 1->10: ${summary.marginal1to10.toFixed(1)}, 10->100: ${summary.marginal10to100.toFixed(1)}; target < 40)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
