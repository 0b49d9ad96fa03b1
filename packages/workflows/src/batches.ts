import type { StackMatrixEntry } from './stack-matrix';

/** GitHub Actions: "a job matrix can generate a maximum of 256 jobs per workflow run". */
export const GITHUB_MATRIX_MAX_JOBS = 256;

/**
 * GitHub Actions: "outputs can be a maximum of 1 MB per job … size is approximated based on
 * UTF-16 encoding". Counted here as 1,000,000 bytes at two bytes per character.
 */
export const GITHUB_JOB_OUTPUTS_MAX_BYTES = 1_000_000;

/** Several stacks of one environment planned (or applied) one after another by one job. */
export interface StackBatch {
  /** Job key, unique in the matrix and safe in artifact names: `b001`, `b002`, … */
  readonly id: string;
  /** What the job is called: the stack when it is alone, else the environment, part and size. */
  readonly name: string;
  readonly environment: string;
  /** Environment as used in repository variable names: `staging-eu` -> `STAGING_EU`. */
  readonly env_key: string;
  readonly region: string;
  /** Stacks in the order the job runs them: environment stacks first, then by name. */
  readonly stacks: readonly string[];
  /** Sum of the stacks' weights (resources and data sources to refresh). */
  readonly resources: number;
}

/** Options of {@link batchStacks}. */
export interface BatchOptions {
  /**
   * Most jobs to make; with fewer stacks, one job per stack.
   * @default GITHUB_MATRIX_MAX_JOBS
   */
  readonly maxJobs?: number;
  /**
   * Work per stack: the number of resources and data sources terraform refreshes. Stacks
   * missing from the map weigh 1, as does a stack with nothing in it (it still costs an init).
   * @default - every stack weighs 1
   */
  readonly weights?: ReadonlyMap<string, number>;
}

const KIND_ORDER: Record<string, number> = { environment: 0, project: 1 };

// Code-unit order, not localeCompare: the same on every machine, and fast for thousands of stacks.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byRunOrder = (a: StackMatrixEntry, b: StackMatrixEntry): number =>
  (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || compare(a.stack, b.stack);

/**
 * Splits stacks into at most `maxJobs` batches that can run in parallel, one job each. A batch
 * holds stacks of one environment and region only (a job assumes one environment's role). With
 * no more stacks than jobs every stack gets its own job; otherwise each environment gets jobs in
 * proportion to its weight (at least one, at most one per stack: the next job always goes to the
 * environment with the heaviest load per job), and inside an environment the stacks are dealt
 * heaviest first to the lightest batch so far (longest-processing-time scheduling, at most 4/3 of
 * the best possible longest batch). Every stack lands in exactly one batch; the result does not
 * depend on the input order.
 */
export function batchStacks(
  entries: readonly StackMatrixEntry[],
  options: BatchOptions = {},
): StackBatch[] {
  const maxJobs = options.maxJobs ?? GITHUB_MATRIX_MAX_JOBS;
  if (!Number.isInteger(maxJobs) || maxJobs < 1 || maxJobs > GITHUB_MATRIX_MAX_JOBS) {
    throw new Error(
      `maxJobs: got ${maxJobs}, must be an integer from 1 to ${GITHUB_MATRIX_MAX_JOBS} (GitHub's matrix limit)`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.stack)) throw new Error(`stacks: ${e.stack} is listed twice`);
    seen.add(e.stack);
  }
  const weights = new Map<string, number>();
  for (const e of entries) {
    const w = options.weights?.get(e.stack);
    if (w !== undefined && (!Number.isFinite(w) || w < 0)) {
      throw new Error(`weights[${e.stack}]: got ${w}, must be a number >= 0`);
    }
    weights.set(e.stack, Math.max(1, Math.round(w ?? 1)));
  }
  const weight = (stack: string): number => weights.get(stack)!;

  const groups = new Map<string, StackMatrixEntry[]>();
  for (const e of [...entries].sort(byRunOrder)) {
    const key = `${e.environment}\u0000${e.region}`;
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  const list = [...groups.values()].map((stacks) => ({
    stacks,
    total: stacks.reduce((a, s) => a + weight(s.stack), 0),
    jobs: 1,
  }));
  if (list.length > maxJobs) {
    throw new Error(
      `stacks: ${list.length} environments (and regions) need a job each, more than the ${maxJobs} jobs allowed`,
    );
  }
  for (let spare = maxJobs - list.length; spare > 0; spare--) {
    let best: (typeof list)[number] | undefined;
    for (const g of list)
      if (g.jobs < g.stacks.length && (!best || g.total / g.jobs > best.total / best.jobs))
        best = g;
    if (!best) break;
    best.jobs++;
  }

  const batches: Omit<StackBatch, 'id' | 'name'>[] = [];
  for (const g of list) {
    const bins = Array.from({ length: g.jobs }, () => ({
      stacks: [] as StackMatrixEntry[],
      load: 0,
    }));
    const heaviestFirst = [...g.stacks].sort(
      (a, b) => weight(b.stack) - weight(a.stack) || byRunOrder(a, b),
    );
    for (const s of heaviestFirst) {
      let lightest = bins[0]!;
      for (const b of bins) if (b.load < lightest.load) lightest = b;
      lightest.stacks.push(s);
      lightest.load += weight(s.stack);
    }
    for (const b of bins) {
      const stacks = b.stacks.sort(byRunOrder);
      batches.push({
        environment: stacks[0]!.environment,
        env_key: stacks[0]!.env_key,
        region: stacks[0]!.region,
        stacks: stacks.map((s) => s.stack),
        resources: b.load,
      });
    }
  }
  const ordered = batches.sort(
    (a, b) =>
      compare(a.environment, b.environment) ||
      compare(a.region, b.region) ||
      compare(a.stacks[0]!, b.stacks[0]!),
  );
  const width = Math.max(3, String(ordered.length).length);
  const perGroup = new Map<string, number>();
  for (const b of ordered)
    perGroup.set(
      `${b.environment} ${b.region}`,
      (perGroup.get(`${b.environment} ${b.region}`) ?? 0) + 1,
    );
  const index = new Map<string, number>();
  return ordered.map((b, i) => {
    const key = `${b.environment} ${b.region}`;
    const n = (index.get(key) ?? 0) + 1;
    index.set(key, n);
    const name =
      b.stacks.length === 1
        ? b.stacks[0]!
        : `${b.environment} ${n}/${perGroup.get(key)} (${b.stacks.length} stacks)`;
    return { id: `b${String(i + 1).padStart(width, '0')}`, name, ...b };
  });
}

/**
 * Counts what terraform refreshes in a synthesised stack (`cdk.tf.json`): managed resources and
 * data sources, one per block (a `count` or `for_each` counts once: its size is unknown before
 * planning).
 */
export function stackWeight(cdkTfJson: unknown): number {
  if (typeof cdkTfJson !== 'object' || cdkTfJson === null) return 0;
  const doc = cdkTfJson as { resource?: unknown; data?: unknown };
  let n = 0;
  for (const section of [doc.resource, doc.data])
    if (typeof section === 'object' && section !== null)
      for (const byName of Object.values(section))
        if (typeof byName === 'object' && byName !== null) n += Object.keys(byName).length;
  return n;
}
