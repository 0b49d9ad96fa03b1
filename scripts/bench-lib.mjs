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

/** Runs `cmd args` `runs` times; returns { ms: number[], rssMb: number[] }. */
export function measure(label, cmd, args, { runs = 5, cwd = root, env = {}, warmup = 1 } = {}) {
  const ms = [];
  const rssMb = [];
  for (let i = 0; i < warmup + runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'automock-bench-'));
    const rssFile = join(dir, 'rss');
    const argv = args.map((a) => a.replaceAll('{tmp}', dir));
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        CI: 'true',
        ...env,
        AUTOMOCK_RSS_FILE: rssFile,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${probe}`.trim(),
      },
    });
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${label} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
    }
    const peaks = existsSync(rssFile)
      ? readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)
      : [];
    rmSync(dir, { recursive: true, force: true });
    if (i < warmup) continue;
    ms.push(elapsed);
    if (peaks.length) rssMb.push(Math.max(...peaks) / 1024);
  }
  return {
    label,
    ms,
    rssMb,
    medianMs: median(ms),
    medianRssMb: rssMb.length ? median(rssMb) : NaN,
  };
}

export function printRows(rows) {
  const w = Math.max(...rows.map((r) => r.label.length));
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(w)}  median ${r.medianMs.toFixed(0).padStart(6)} ms  peak RSS ${Number.isNaN(r.medianRssMb) ? '   n/a' : r.medianRssMb.toFixed(0).padStart(4) + ' MB'}  (runs: ${r.ms.map((x) => x.toFixed(0)).join(', ')})`,
    );
  }
}
