// Shared helpers for the benchmark scripts: run a command N times, report median wall time and
// peak RSS over all of its node processes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const probe = join(root, 'scripts', 'rss-probe.cjs');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `cmd args` once; returns { ms, rssMb }. `{tmp}` in an argument is a fresh directory,
 * removed afterwards; `prepare(dir)` runs before the clock starts.
 */
export function runOnce(label, cmd, args, { cwd = root, env = {}, prepare } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'automock-bench-'));
  try {
    const rssFile = join(dir, 'rss');
    const sub = (a) => a.replaceAll('{tmp}', dir);
    prepare?.(dir);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args.map(sub), {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        CI: 'true',
        ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, sub(v)])),
        AUTOMOCK_RSS_FILE: rssFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
      },
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0)
      throw new Error(`${label} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
    const peaks = existsSync(rssFile)
      ? readFileSync(rssFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' ').map(Number))
      : [];
    return {
      ms,
      rssMb: peaks.length ? Math.max(...peaks.map((p) => p[0])) / 1024 : NaN,
      // Summed over every node process of the command: steadier than wall time on a loaded machine.
      cpuMs: peaks.length ? peaks.reduce((n, p) => n + (p[1] ?? NaN), 0) / 1000 : NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(label, samples) {
  const ms = samples.map((s) => s.ms);
  const rssMb = samples.map((s) => s.rssMb).filter((x) => !Number.isNaN(x));
  const cpuMs = samples.map((s) => s.cpuMs).filter((x) => !Number.isNaN(x));
  return {
    label,
    ms,
    rssMb,
    cpuMs,
    medianMs: median(ms),
    medianRssMb: rssMb.length ? median(rssMb) : NaN,
    medianCpuMs: cpuMs.length ? median(cpuMs) : NaN,
  };
}

/** Runs `cmd args` `runs` times; returns { ms: number[], rssMb: number[] }. */
export function measure(label, cmd, args, { runs = 5, warmup = 1, ...opts } = {}) {
  const samples = [];
  for (let i = 0; i < warmup + runs; i++) {
    const s = runOnce(label, cmd, args, opts);
    if (i >= warmup) samples.push(s);
  }
  return summarise(label, samples);
}

/**
 * Runs the commands in turn, round after round (A B C, A B C, ...), so that a shared machine's
 * load falls on all of them alike; one warm-up round. Returns a row per command,
 * `ratio(a, b)`: the median over rounds of a's wall time divided by b's in the same round, and
 * `cpuRatio(a, b)`, the same of CPU time.
 */
export function alternate(commands, { runs = 5, warmup = 1 } = {}) {
  const samples = commands.map(() => []);
  for (let round = 0; round < warmup + runs; round++) {
    commands.forEach((c, i) => {
      const s = runOnce(c.label, c.cmd, c.args, c);
      if (round >= warmup) samples[i].push(s);
    });
  }
  const rows = commands.map((c, i) => summarise(c.label, samples[i]));
  const at = (label) => {
    const i = commands.findIndex((c) => c.label === label);
    if (i < 0) throw new Error(`no command ${label}`);
    return samples[i];
  };
  const ratio = (a, b) => median(at(a).map((s, i) => s.ms / at(b)[i].ms));
  const cpuRatio = (a, b) => median(at(a).map((s, i) => s.cpuMs / at(b)[i].cpuMs));
  return { rows, ratio, cpuRatio };
}

export function printRows(rows) {
  const w = Math.max(...rows.map((r) => r.label.length));
  const num = (x, unit, width) =>
    Number.isNaN(x)
      ? 'n/a'.padStart(width + unit.length + 1)
      : `${x.toFixed(0).padStart(width)} ${unit}`;
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(w)}  median ${num(r.medianMs, 'ms', 6)}  cpu ${num(r.medianCpuMs ?? NaN, 'ms', 6)}  peak RSS ${num(r.medianRssMb, 'MB', 4)}  (runs: ${r.ms.map((x) => x.toFixed(0)).join(', ')})`,
    );
  }
}
