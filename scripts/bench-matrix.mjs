#!/usr/bin/env node
// `pnpm bench` part: how the plan/drift matrix batches N changed stacks into at most 256 jobs:
// time to batch (median), the heaviest job against the lower bound of any split (the average job
// or the heaviest single stack, whichever is more), and the size of the job
// outputs GitHub limits to 1 MB. Prints figures, asserts nothing. Run after `pnpm build`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { median, root } from './bench-lib.mjs';

const require = createRequire(import.meta.url);
const { batchStacks, batchMatrix } = require(join(root, 'packages', 'workflows', 'dist'));
const runs = Number(process.env.BENCH_RUNS ?? 5);

/** N stacks over 10 environments, weighted like the app's (environment ~90 resources, project 12-60). */
function fleet(n) {
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const envs = ['dev', 'qa', 'staging', 'prod', 'perf', 'demo', 'sandbox', 'uat', 'eu', 'ap'];
  const entries = [];
  const weights = new Map();
  for (let i = 0; i < n; i++) {
    const env = envs[i % envs.length];
    const first = i < envs.length;
    const stack = first ? env : `${env}-p${i}`;
    entries.push({
      stack,
      kind: first ? 'environment' : 'project',
      environment: env,
      env_key: env,
      region: 'us-east-1',
    });
    weights.set(stack, first ? 80 + Math.floor(rnd() * 20) : 12 + Math.floor(rnd() * 48));
  }
  return { entries, weights };
}

console.log(`# Plan/drift matrix: N changed stacks into at most 256 jobs (median of ${runs} runs)`);
console.log('stacks  jobs  stacks/job  heaviest job/bound  outputs (UTF-16 bytes)  batch time');
for (const n of [1, 256, 257, 1000, 10000]) {
  const { entries, weights } = fleet(n);
  const ms = [];
  let batches;
  for (let i = 0; i < runs + 1; i++) {
    const t0 = process.hrtime.bigint();
    batches = batchStacks(entries, { weights });
    if (i > 0) ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const loads = batches.map((b) => b.resources);
  const avg = loads.reduce((a, b) => a + b, 0) / loads.length;
  const bound = Math.max(avg, ...weights.values());
  const sizes = batches.map((b) => b.stacks.length);
  const outputs =
    `matrix=${JSON.stringify(batchMatrix(batches))}count=${n}jobs=${batches.length}`.length * 2;
  console.log(
    `${String(n).padStart(6)}  ${String(batches.length).padStart(4)}  ${`${Math.min(...sizes)}-${Math.max(...sizes)}`.padStart(10)}  ${(Math.max(...loads) / bound).toFixed(2).padStart(18)}  ${String(outputs).padStart(22)}  ${median(ms).toFixed(1).padStart(7)} ms`,
  );
}
