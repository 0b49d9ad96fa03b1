/** Runs `fn` with AUTOMOCK_SYNTH_WORKERS set to `value`, restoring it afterwards. */
export function withWorkers<T>(value: string, fn: () => T): T {
  const before = process.env.AUTOMOCK_SYNTH_WORKERS;
  process.env.AUTOMOCK_SYNTH_WORKERS = value;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.AUTOMOCK_SYNTH_WORKERS;
    else process.env.AUTOMOCK_SYNTH_WORKERS = before;
  }
}
