import { validateWorkflow } from '@action-validator/core';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import {
  batchStacks,
  GITHUB_JOB_OUTPUTS_MAX_BYTES,
  GITHUB_MATRIX_MAX_JOBS,
  StackBatch,
  stackWeight,
} from './batches';
import { batchMatrix, main } from './cli';
import { StackMatrixEntry } from './stack-matrix';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENVS = ['dev', 'qa', 'staging', 'prod', 'perf', 'demo', 'sandbox', 'uat', 'eu', 'ap'];
const REGION: Record<string, string> = { eu: 'eu-west-1', ap: 'ap-southeast-2' };

/**
 * `n` changed stacks across up to 10 environments: each environment's own stack, then projects
 * `<env>-p0001`…, with weights like the app's (an environment ~90 resources, a project 12-60).
 */
function fleet(n: number, seed = 1): { entries: StackMatrixEntry[]; weights: Map<string, number> } {
  const rnd = random(seed);
  const entries: StackMatrixEntry[] = [];
  const weights = new Map<string, number>();
  const envs = ENVS.slice(0, Math.max(1, Math.min(ENVS.length, Math.ceil(n / 25))));
  for (let i = 0; i < n; i++) {
    const env = envs[i % envs.length]!;
    const first = i < envs.length;
    const stack = first ? env : `${env}-p${String(i).padStart(4, '0')}`;
    entries.push({
      stack,
      kind: first ? 'environment' : 'project',
      environment: env,
      env_key: env.toUpperCase(),
      region: REGION[env] ?? 'us-east-1',
    });
    weights.set(stack, first ? 80 + Math.floor(rnd() * 20) : 12 + Math.floor(rnd() * 48));
  }
  return { entries, weights };
}

/** The checks every batching must pass. */
function checkBatches(
  entries: readonly StackMatrixEntry[],
  weights: ReadonlyMap<string, number>,
  batches: readonly StackBatch[],
  maxJobs = GITHUB_MATRIX_MAX_JOBS,
): void {
  expect(batches.length).toBeLessThanOrEqual(maxJobs);
  expect(batches.length).toBe(Math.min(entries.length, maxJobs));
  // every stack exactly once
  const all = batches.flatMap((b) => b.stacks);
  expect(all).toHaveLength(entries.length);
  expect(new Set(all).size).toBe(entries.length);
  expect([...all].sort()).toEqual(entries.map((e) => e.stack).sort());
  const byName = new Map(entries.map((e) => [e.stack, e]));
  for (const b of batches) {
    expect(b.stacks.length).toBeGreaterThan(0);
    // one environment and region per job (one role, one region)
    for (const s of b.stacks) {
      expect(byName.get(s)!.environment).toBe(b.environment);
      expect(byName.get(s)!.region).toBe(b.region);
    }
    // environment stacks first, then by name
    const kinds = b.stacks.map((s) => byName.get(s)!.kind);
    expect(kinds).toEqual(
      [...kinds].sort((x, y) => (x === 'environment' ? -1 : y === 'environment' ? 1 : 0)),
    );
    expect(b.resources).toBe(b.stacks.reduce((a, s) => a + (weights.get(s) ?? 1), 0));
  }
  expect(new Set(batches.map((b) => b.id)).size).toBe(batches.length);
  for (const b of batches) expect(b.id).toMatch(/^b\d{3}$/);
}

describe('batchStacks', () => {
  test('1 changed stack: one job, named after the stack', () => {
    const { entries, weights } = fleet(1);
    const batches = batchStacks(entries, { weights });
    checkBatches(entries, weights, batches);
    expect(batches).toEqual([
      {
        id: 'b001',
        name: 'dev',
        environment: 'dev',
        env_key: 'DEV',
        region: 'us-east-1',
        stacks: ['dev'],
        resources: weights.get('dev'),
      },
    ]);
  });

  test('256 changed stacks: still one job per stack', () => {
    const { entries, weights } = fleet(256);
    const batches = batchStacks(entries, { weights });
    checkBatches(entries, weights, batches);
    expect(batches.every((b) => b.stacks.length === 1 && b.name === b.stacks[0])).toBe(true);
  });

  test('257 changed stacks: 256 jobs, the two lightest stacks of one environment share one', () => {
    const { entries, weights } = fleet(257);
    const batches = batchStacks(entries, { weights });
    checkBatches(entries, weights, batches);
    const shared = batches.filter((b) => b.stacks.length > 1);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.stacks).toHaveLength(2);
    expect(shared[0]!.name).toMatch(/^\w+ \d+\/\d+ \(2 stacks\)$/);
    // the pair is the lightest pair of that environment's stacks
    const env = shared[0]!.environment;
    const lightest = entries
      .filter((e) => e.environment === env)
      .map((e) => weights.get(e.stack)!)
      .sort((a, b) => a - b);
    expect(shared[0]!.resources).toBeLessThanOrEqual(lightest[0]! + lightest[1]! + 0);
  });

  test('1,000 changed stacks in 10 environments: 256 jobs, balanced by resources', () => {
    const { entries, weights } = fleet(1000);
    const batches = batchStacks(entries, { weights });
    checkBatches(entries, weights, batches);
    const total = [...weights.values()].reduce((a, b) => a + b, 0);
    const loads = batches.map((b) => b.resources);
    const max = Math.max(...loads);
    // Per environment, longest-processing-time scheduling is within 4/3 of the best possible.
    for (const env of new Set(batches.map((b) => b.environment))) {
      const mine = batches.filter((b) => b.environment === env);
      const w = mine.reduce((a, b) => a + b.resources, 0);
      const heaviest = Math.max(...mine.flatMap((b) => b.stacks.map((s) => weights.get(s)!)));
      const bound = Math.max(w / mine.length, heaviest);
      expect(Math.max(...mine.map((b) => b.resources))).toBeLessThanOrEqual((4 / 3) * bound);
    }
    // And the fleet as a whole: no job carries much more than its share.
    expect(max / (total / batches.length)).toBeLessThan(1.35);
    expect(Math.min(...batches.map((b) => b.stacks.length))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...batches.map((b) => b.stacks.length))).toBeLessThanOrEqual(8);
  });

  test('the result does not depend on the order the stacks were listed in', () => {
    const { entries, weights } = fleet(1000, 7);
    const shuffled = [...entries];
    const rnd = random(99);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    expect(batchStacks(shuffled, { weights })).toEqual(batchStacks(entries, { weights }));
  });

  test('an environment gets jobs in proportion to its work, never more than its stacks', () => {
    const entries: StackMatrixEntry[] = [];
    const weights = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      entries.push({
        stack: `big-p${i}`,
        kind: 'project',
        environment: 'big',
        env_key: 'BIG',
        region: 'us-east-1',
      });
      weights.set(`big-p${i}`, 100);
    }
    for (let i = 0; i < 3; i++) {
      entries.push({
        stack: `small-p${i}`,
        kind: 'project',
        environment: 'small',
        env_key: 'SMALL',
        region: 'us-east-1',
      });
      weights.set(`small-p${i}`, 1);
    }
    const batches = batchStacks(entries, { weights, maxJobs: 10 });
    checkBatches(entries, weights, batches, 10);
    expect(batches.filter((b) => b.environment === 'small')).toHaveLength(1);
    expect(batches.filter((b) => b.environment === 'big')).toHaveLength(9);
  });

  test('a smaller job budget (apply uses 64) and bad options', () => {
    const { entries, weights } = fleet(1000);
    checkBatches(entries, weights, batchStacks(entries, { weights, maxJobs: 64 }), 64);
    expect(() => batchStacks(entries, { maxJobs: 257 })).toThrow(
      /maxJobs: got 257, must be an integer from 1 to 256/,
    );
    expect(() => batchStacks(entries, { maxJobs: 5 })).toThrow(
      /10 environments \(and regions\) need a job each, more than the 5 jobs allowed/,
    );
    expect(() => batchStacks([...entries.slice(0, 2), entries[0]!])).toThrow(/dev is listed twice/);
    expect(() => batchStacks(entries, { weights: new Map([['dev', -1]]) })).toThrow(
      /weights\[dev\]: got -1/,
    );
    expect(batchStacks([])).toEqual([]);
  });

  test('stackWeight counts resources and data sources of a cdk.tf.json', () => {
    expect(
      stackWeight({
        resource: { aws_s3_bucket: { a: {}, b: {} }, aws_iam_role: { r: {} } },
        data: { aws_caller_identity: { me: {} } },
        output: { x: {} },
      }),
    ).toBe(4);
    expect(stackWeight({})).toBe(0);
    expect(stackWeight(null)).toBe(0);
  });
});

describe('the matrix GitHub gets', () => {
  const longName = (env: string, i: number) =>
    `${env}-${'x'.repeat(116)}${String(i).padStart(4, '0')}`;

  test.each([1, 256, 257, 1000])('%i stacks: a valid strategy.matrix of at most 256 jobs', (n) => {
    const { entries, weights } = fleet(n);
    const matrix = batchMatrix(batchStacks(entries, { weights }));
    expect(matrix.include.length).toBe(Math.min(n, 256));
    // GitHub's own workflow schema (compiled into @action-validator) accepts it as a literal matrix.
    const wf = {
      on: 'push',
      permissions: { contents: 'read' },
      jobs: {
        plan: {
          'runs-on': 'ubuntu-latest',
          strategy: { 'fail-fast': false, matrix },
          steps: [{ run: 'echo "$BATCH"', env: { BATCH: '${{ matrix.batch }}' } }],
        },
      },
    };
    expect(validateWorkflow(stringify(wf)).errors).toEqual([]);
    // Scalars only, the same keys in every entry (a job's name and env read them).
    for (const e of matrix.include) {
      expect(Object.keys(e).sort()).toEqual([
        'batch',
        'env_key',
        'environment',
        'name',
        'region',
        'resources',
        'stacks',
      ]);
      for (const v of Object.values(e)) expect(['string', 'number']).toContain(typeof v);
    }
  });

  test('job outputs stay far under 1 MB even for 1,000 stacks with the longest names', async () => {
    const { entries } = fleet(1000);
    const listing = entries.map((e, i) => ({
      name: e.kind === 'environment' ? e.stack : longName(e.environment, i),
      kind: e.kind,
      environment: e.environment,
      region: e.region,
    }));
    const dir = mkdtempSync(path.join(tmpdir(), 'matrix-size-'));
    try {
      const err: string[] = [];
      const code = await main(
        ['--format', 'github', '--out-dir', dir],
        { GITHUB_OUTPUT: path.join(dir, 'o') },
        {
          stdout: () => undefined,
          stderr: (s) => void err.push(s),
          stdin: async () => JSON.stringify(listing),
        },
      );
      expect([code, err.join('')]).toEqual([0, '']);
      expect(Math.max(...listing.map((l) => l.name.length))).toBe(128); // the longest name the helper accepts
      const outputs = readFileSync(path.join(dir, 'o'), 'utf8');
      // UTF-16, as GitHub counts: the names live in batches.json, not in the outputs.
      expect(outputs.length * 2).toBeLessThan(GITHUB_JOB_OUTPUTS_MAX_BYTES / 4);
      const batches = JSON.parse(readFileSync(path.join(dir, 'batches.json'), 'utf8')).batches;
      expect(batches.flatMap((b: StackBatch) => b.stacks).sort()).toEqual(
        listing.map((l) => l.name).sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('automock-stack-matrix with synthesised stacks', () => {
  test('--stacks-dir balances by the resources in each cdk.tf.json; a missing one is an error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'matrix-weights-'));
    try {
      const listing = [] as { name: string; kind: string; environment: string; region: string }[];
      for (let i = 0; i < 6; i++) {
        const name = `dev-p${i}`;
        listing.push({ name, kind: 'project', environment: 'dev', region: 'us-east-1' });
        mkdirSync(path.join(dir, name), { recursive: true });
        const resources = Object.fromEntries(
          Array.from({ length: i === 0 ? 30 : 6 }, (_, k) => [`r${k}`, {}]),
        );
        writeFileSync(
          path.join(dir, name, 'cdk.tf.json'),
          JSON.stringify({ resource: { terraform_data: resources } }),
        );
      }
      const run = async (args: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await main(
          args,
          {},
          {
            stdout: (s) => void out.push(s),
            stderr: (s) => void err.push(s),
            stdin: async () => JSON.stringify(listing),
          },
        );
        return { code, out: out.join(''), err: err.join('') };
      };
      const r = await run(['--format', 'batches', '--max-jobs', '2', '--stacks-dir', dir]);
      expect(r.code).toBe(0);
      const batches: StackBatch[] = JSON.parse(r.out).batches;
      // 30 against 5 x 6: the heavy stack alone, the five light ones together
      expect(batches.map((b) => [b.stacks.length, b.resources]).sort()).toEqual([
        [1, 30],
        [5, 30],
      ]);
      rmSync(path.join(dir, 'dev-p3'), { recursive: true });
      const missing = await run(['--format', 'batches', '--stacks-dir', dir]);
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/--stacks-dir: .*dev-p3\/cdk\.tf\.json is missing/);
      expect((await run(['--format', 'batches', '--max-jobs', '300'])).code).toBe(2);
      expect((await run(['--format', 'batches', '--kind', 'bootstrap'])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
