import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, WorkerOptions } from 'node:worker_threads';
import { synthesizeStacks } from '../synthesize-stacks';
import {
  buildInParallel,
  notStartedError,
  ParallelOptions,
  STACKS_PER_WORKER,
  STOPPED_ERROR,
  workerCount,
  workerStopped,
} from './parallel';
import type { StackRecipe } from './recipe';
import { buildCopies, tempDirs, fileTree } from '../testing/files';
import { withWorkers } from '../testing/workers';
import { ownStderr } from '../testing/stderr';

const dir = tempDirs();

const tree = fileTree;
const copyOfBuild = buildCopies();

jest.setTimeout(180_000);

describe('workerCount', () => {
  it('starts one worker per STACKS_PER_WORKER stacks, leaving a core to this thread', () => {
    expect(workerCount(12, {}, 2)).toBe(0);
    expect(workerCount(STACKS_PER_WORKER - 1, {}, 8)).toBe(0);
    expect(workerCount(STACKS_PER_WORKER, {}, 2)).toBe(1);
    expect(workerCount(1000, {}, 2)).toBe(1);
    expect(workerCount(1000, {}, 8)).toBe(7);
    expect(workerCount(3 * STACKS_PER_WORKER, {}, 8)).toBe(3);
    expect(workerCount(1000, {}, 1)).toBe(0);
  });

  it('takes AUTOMOCK_SYNTH_WORKERS, never more than there are stacks to share', () => {
    expect(workerCount(1000, { AUTOMOCK_SYNTH_WORKERS: '0' }, 8)).toBe(0);
    expect(workerCount(12, { AUTOMOCK_SYNTH_WORKERS: '3' }, 1)).toBe(3);
    expect(workerCount(2, { AUTOMOCK_SYNTH_WORKERS: '3' }, 8)).toBe(1);
    expect(workerCount(12, { AUTOMOCK_SYNTH_WORKERS: '' }, 2)).toBe(0);
    for (const bad of ['-1', '1.5', 'two', ' 2'])
      expect(() => workerCount(12, { AUTOMOCK_SYNTH_WORKERS: bad }, 2)).toThrow(
        expect.objectContaining({
          name: 'ConfigValidationError',
          message: expect.stringContaining(
            `AUTOMOCK_SYNTH_WORKERS: got ${JSON.stringify(bad)}, must be a whole number of worker threads (0 or more)`,
          ),
        }),
      );
  });
});

describe('workerStopped', () => {
  // parallel.ts reads Node.js's native worker handle for this; a Node.js that moves it fails here.
  it('tells a worker thread that ran out of memory from one at work, with no turn of the event loop', async () => {
    // [0]: the worker may go on; [1]: it has started.
    const signal = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(
      `const { workerData: s } = require('node:worker_threads');
      Atomics.store(s, 1, 1);
      Atomics.notify(s, 1);
      while (Atomics.load(s, 0) === 0);
      const kept = [];
      for (;;) kept.push(new Array(100_000).fill(1));`,
      { eval: true, workerData: signal, resourceLimits: { maxOldGenerationSizeMb: 32 } },
    );
    const exited = new Promise<Error | undefined>((resolve) => {
      let error: Error | undefined;
      worker.on('error', (e) => (error = e));
      worker.on('exit', () => resolve(error));
    });
    expect(Atomics.wait(signal, 1, 0, 60_000)).not.toBe('timed-out');
    // Running JavaScript, its event loop never turning.
    expect(workerStopped(worker)).toBe(false);
    Atomics.store(signal, 0, 1);
    let stopped = workerStopped(worker);
    for (let waits = 0; stopped === false && waits < 1200; waits++) {
      Atomics.wait(signal, 0, 1, 50);
      stopped = workerStopped(worker);
    }
    expect(stopped).toBe(true);
    // What the event loop says once it turns: the same thread, stopped for the reason above.
    expect(await exited).toEqual(expect.objectContaining({ code: 'ERR_WORKER_OUT_OF_MEMORY' }));
    expect(workerStopped(worker)).toBe(true);
  });
});

describe('parallel synthesis', () => {
  it('writes the default app byte for byte as one thread does, with and without the cache', () => {
    const one = dir('automock-par-one');
    withWorkers('0', () => synthesizeStacks({ outdir: one, cache: false }));
    const expected = tree(one);
    expect(Object.keys(expected).length).toBeGreaterThan(12);

    const two = dir('automock-par-two');
    const r = withWorkers('2', () => synthesizeStacks({ outdir: two, cache: false }));
    expect(tree(two)).toEqual(expected);
    expect(r.built.length).toBe(r.stacks.length);
    expect(r.workers).toBe(2);
    // The workers built stacks themselves, not failed them back to this thread.
    expect(r.builtInWorkers.length).toBeGreaterThan(0);
    expect(r.built).toEqual(expect.arrayContaining([...r.builtInWorkers]));
    expect(r.workerFailures).toEqual([]);

    // Stacks built by workers go into the cache as this thread's do: a second run restores them.
    const cacheDir = dir('automock-par-cache');
    const three = dir('automock-par-three');
    const cold = withWorkers('1', () =>
      synthesizeStacks({ outdir: three, cache: { dir: cacheDir } }),
    );
    expect(cold.workers).toBe(1);
    expect(cold.builtInWorkers.length).toBeGreaterThan(0);
    expect(tree(three)).toEqual(expected);
    const four = dir('automock-par-four');
    const again = withWorkers('0', () =>
      synthesizeStacks({ outdir: four, cache: { dir: cacheDir } }),
    );
    expect(again.built).toEqual([]);
    expect(again.builtInWorkers).toEqual([]);
    expect(tree(four)).toEqual(expected);
  });

  it("builds a job a worker failed in this thread, which throws a sequential synthesis's error", () => {
    const outdir = dir('automock-par-fail');
    const bad: StackRecipe = { kind: 'nonsense' as never, name: 'x', props: {} };
    const here = jest.fn((job: { recipe: StackRecipe }) => {
      throw new Error(`built here: ${job.recipe.kind}`);
    });
    // The worker takes the first job; this thread gets none while the worker has it.
    expect(() => buildInParallel([{ recipe: bad, ctx: { outdir } }], here, { workers: 1 })).toThrow(
      'built here: nonsense',
    );
    expect(here).toHaveBeenCalledTimes(1);
  });

  it('says which jobs the workers built, leaving out one a worker failed and this thread built', () => {
    const outdir = dir('automock-par-which');
    const bad: StackRecipe = { kind: 'nonsense' as never, name: 'x', props: {} };
    const built = { info: { name: 'x' } } as never;
    const here = jest.fn(() => built);
    const { metas, inWorkers, workerErrors } = buildInParallel(
      [{ recipe: bad, ctx: { outdir } }],
      here,
      { workers: 1 },
    );
    expect(metas).toEqual([built]);
    expect(inWorkers).toEqual([]);
    expect(here).toHaveBeenCalledTimes(1);
    // The worker's own error comes back, for the caller to report.
    expect(workerErrors).toEqual([
      { index: 0, error: expect.stringMatching(/^TypeError: .*is not a (function|constructor)/) },
    ]);
  });

  /** The meta `here` returns for a job: its stack's name. */
  const namedHere = (job: { recipe: StackRecipe }) =>
    ({ info: { name: job.recipe.name } }) as never;

  /**
   * Builds environment stacks `names` with `workers` threads running `source` as their worker file
   * and a `here` that records the names. The wait is bounded at 20 s: a worker that dies leaves
   * this thread in Atomics.wait, which jest's timeout cannot interrupt, so it throws instead.
   */
  function buildWith(
    source: string,
    names: string[],
    workers: number,
    options: Partial<ParallelOptions> = {},
    build: (job: { recipe: StackRecipe }) => never = namedHere,
  ) {
    const outdir = dir('automock-par-out');
    const workerFile = join(dir('automock-par-worker'), 'stack-worker.js');
    writeFileSync(workerFile, source);
    const here = jest.fn(build);
    const recipes: StackRecipe[] = names.map((name) => ({ kind: 'environment', name, props: {} }));
    const r = buildInParallel(
      recipes.map((recipe) => ({ recipe, ctx: { outdir } })),
      here,
      { workers, workerFile, answerTimeoutMs: 20_000, ...options },
    );
    const built = r.metas.map((m) => (m as { info: { name: string } }).info.name);
    return { ...r, built, here, workerFile };
  }

  /** Runs `fn` with parallel.ts's worker threads running `rewrite(their code)` instead. */
  function withRewrittenWorkers<T>(rewrite: (code: string) => string, fn: () => T): T {
    const Real = Worker;
    const spy = jest
      // The module object parallel.ts reads Worker from (a named import compiles to a property
      // read), not a copy of it.
      .spyOn(
        jest.requireActual<typeof import('node:worker_threads')>('node:worker_threads'),
        'Worker',
      )
      .mockImplementation(
        (code: string | URL, options?: WorkerOptions) =>
          new Real(rewrite(String(code)), options) as never,
      );
    try {
      return fn();
    } finally {
      spy.mockRestore();
    }
  }

  /**
   * A builder bundle for the compiled stack-worker.js whose synthesizeStack runs `body`, with
   * `name` the last letter of the stack's directory.
   */
  function builderWith(body: string): string {
    const bundle = join(dir('automock-par-bundle'), 'builder.js');
    writeFileSync(
      bundle,
      `exports.newManifest = () => ({});
      exports.synthesizeStack = (build, ctx) => {
        const name = ctx.outdir.slice(-1);${body}
      };\n`,
    );
    return bundle;
  }

  /** Blocks this thread for `ms`. */
  const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

  it('builds every job here, promptly, when the workers cannot load their file, and says why', () => {
    const r = buildWith('throw new Error("broken on purpose");\n', ['a', 'b', 'c', 'd', 'e'], 2);
    expect(r.built).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.inWorkers).toEqual([]);
    expect(r.here).toHaveBeenCalledTimes(5);
    // Each worker failed the job it was given first and was sent no more.
    expect(r.workerErrors.map((e) => e.index)).toEqual([0, 1]);
    for (const { error } of r.workerErrors) {
      expect(error).toContain(`the worker thread could not load ${r.workerFile}`);
      expect(error).toContain('Error: broken on purpose');
    }
  });

  it('builds here, promptly, the jobs of workers that stop without answering, and says so', () => {
    // Without the liveness check this would throw "no worker thread answered in 20 s".
    const r = buildWith(
      "require('node:worker_threads').workerData.port.on('message', () => process.exit(3));\n",
      ['a', 'b', 'c', 'd', 'e'],
      2,
    );
    expect(r.built).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.inWorkers).toEqual([]);
    expect(r.here).toHaveBeenCalledTimes(5);
    expect(r.workerErrors).toEqual([
      { index: 0, error: STOPPED_ERROR },
      { index: 1, error: STOPPED_ERROR },
    ]);
  });

  it('keeps what a worker answered before it stopped, and builds the rest here', () => {
    // Answers its first job, then stops: on the next job, or by itself soon after.
    const r = buildWith(
      `const { workerData: s } = require('node:worker_threads');
      let answered = false;
      s.port.on('message', (job) => {
        if (answered) process.exit(3);
        answered = true;
        s.port.postMessage({ i: job.i, meta: { info: { name: job.recipe.name + ' (worker)' } } });
        Atomics.add(s.signal, 0, 1);
        Atomics.notify(s.signal, 0);
        setTimeout(() => process.exit(3), 50);
      });\n`,
      ['a', 'b', 'c', 'd'],
      1,
    );
    expect(r.inWorkers).toEqual([0]);
    expect(r.built).toEqual(['a (worker)', 'b', 'c', 'd']);
    expect(r.here).toHaveBeenCalledTimes(3);
    // Whether it was sent a second job before it stopped depends on timing; if so, that one
    // failed, with the stopped error, and was built here too.
    expect(r.workerErrors.length).toBeLessThanOrEqual(1);
    for (const e of r.workerErrors)
      expect(e).toEqual({ index: expect.any(Number), error: STOPPED_ERROR });
  });

  it.each([
    {
      what: 'cannot be loaded',
      source: 'throw new Error("broken on purpose");\n',
      error: (file: string) => `the worker thread could not load ${file}: Error: broken on purpose`,
    },
    {
      what: 'stops on its first stack',
      source:
        "require('node:worker_threads').workerData.port.on('message', () => process.exit(3));\n",
      error: () => STOPPED_ERROR,
    },
    {
      // A module Node.js preloads (NODE_OPTIONS) into every thread ends the worker's first.
      what: 'never runs (its thread dies starting)',
      source: undefined,
      preload: "if (!require('node:worker_threads').isMainThread) process.exit(3);\n",
      error: () => notStartedError(5),
    },
  ])(
    'writes the same files when the built worker file $what, and names the stacks workers failed',
    ({
      what,
      source,
      preload,
      error,
    }: {
      what: string;
      source?: string;
      preload?: string;
      error: (file: string) => string;
    }) => {
      const expected = tree(
        withWorkers('0', () => {
          const out = dir('automock-par-expected');
          synthesizeStacks({ outdir: out, cache: false });
          return out;
        }),
      );
      const copy = copyOfBuild(what.replace(/ /g, '-'));
      const workerFile = join(copy, 'dist', 'synthesis', 'stack-worker.js');
      if (source !== undefined) writeFileSync(workerFile, source);
      const preloadFile = join(copy, 'preload.js');
      if (preload !== undefined) writeFileSync(preloadFile, preload);
      const outdir = join(dir('automock-par-broken-out'), 'out');
      const script = `
      const { synthesizeStacks } = require(${JSON.stringify(join(copy, 'dist', 'synthesize-stacks.js'))});
      const r = synthesizeStacks({ outdir: ${JSON.stringify(outdir)}, cache: false });
      console.log(JSON.stringify({ built: r.built, builtInWorkers: r.builtInWorkers, workerFailures: r.workerFailures }));`;
      // Bounded: before the bootstrap and the liveness check, this waited ten minutes for a worker
      // that had died.
      const res = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          ...process.env,
          AUTOMOCK_SYNTH_WORKERS: '1',
          ...(preload !== undefined
            ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require "${preloadFile}"` }
            : {}),
        },
      });
      expect(ownStderr(res.stderr)).toBe('');
      expect(res.status).toBe(0);
      const r = JSON.parse(res.stdout) as {
        built: string[];
        builtInWorkers: string[];
        workerFailures: { stack: string; error: string }[];
      };
      expect(tree(outdir)).toEqual(expected);
      expect(r.builtInWorkers).toEqual([]);
      // The one worker failed the first stack it was sent and was sent no more.
      expect(r.workerFailures).toEqual([
        {
          stack: expect.any(String),
          error: expect.stringContaining(error(workerFile)),
        },
      ]);
      expect(r.built).toContain(r.workerFailures[0]!.stack);
    },
  );

  it('builds here the job of a worker that dies before it starts, once it has had time to start', () => {
    // Dies before the bootstrap's first statement: to this thread, a worker still starting.
    // Without the start timeout this would throw "no worker thread answered in 20 s".
    const r = withRewrittenWorkers(
      () => 'process.exit(3)',
      () => buildWith('', ['a', 'b', 'c'], 1, { startTimeoutMs: 500 }),
    );
    expect(r.built).toEqual(['a', 'b', 'c']);
    expect(r.inWorkers).toEqual([]);
    expect(r.here).toHaveBeenCalledTimes(3);
    expect(r.workerErrors).toEqual([{ index: 0, error: notStartedError(0.5) }]);
    expect(notStartedError(0.5)).toBe(
      'the worker thread had not started 0.5 s after it was created (it may have died starting)',
    );
  });

  it.each([
    {
      what: 'builds its job within the default start timeout',
      startTimeoutMs: undefined,
      loaded: true,
      built: ['a (worker)'],
      errors: [],
    },
    {
      what: 'is given up on after 0.5 s, and then loads nothing',
      startTimeoutMs: 500,
      loaded: false,
      built: ['a'],
      errors: [notStartedError(0.5)],
    },
  ])('a worker that starts 1.5 s late $what', ({ startTimeoutMs, loaded, built, errors }) => {
    const marker = join(dir('automock-par-marker'), 'loaded');
    const source = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');
      const { workerData: s } = require('node:worker_threads');
      s.port.on('message', (job) => {
        s.port.postMessage({ i: job.i, meta: { info: { name: job.recipe.name + ' (worker)' } } });
        Atomics.add(s.signal, 0, 1);
        Atomics.notify(s.signal, 0);
      });\n`;
    // Given up on at 0.5 s, it wakes while this thread is still building its job: it must find
    // its slot taken and load nothing, or both threads would write the same stack.
    const r = withRewrittenWorkers(
      (code) => `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);\n${code}`,
      () =>
        buildWith(source, ['a'], 1, startTimeoutMs ? { startTimeoutMs } : {}, (job) => {
          sleep(3000);
          return namedHere(job);
        }),
    );
    expect(r.built).toEqual(built);
    expect(r.workerErrors.map((e) => e.error)).toEqual(errors);
    expect(existsSync(marker)).toBe(loaded);
  });

  it("answers a stack whose meta cannot cross threads as the worker's failure, and builds it here", () => {
    // The compiled stack-worker.js with a builder whose meta for `b` holds a function.
    const bundle = builderWith(`
      return name === 'b' ? { info: { name }, later: () => 1 } : { info: { name: name + ' (worker)' } };`);
    const root = dir('automock-par-clone');
    const here = jest.fn(namedHere);
    const r = buildInParallel(
      ['a', 'b'].map((name) => ({
        recipe: { kind: 'environment', name, props: {} } as StackRecipe,
        ctx: { outdir: join(root, name) },
      })),
      here,
      { workers: 2, bundle, answerTimeoutMs: 20_000 },
    );
    // Each worker took one job at the start, so this thread built only the one that failed.
    expect(r.metas.map((m) => (m as { info: { name: string } }).info.name)).toEqual([
      'a (worker)',
      'b',
    ]);
    expect(r.inWorkers).toEqual([0]);
    expect(here).toHaveBeenCalledTimes(1);
    expect(r.workerErrors).toEqual([
      { index: 1, error: expect.stringMatching(/^DataCloneError: .*could not be cloned/) },
    ]);
  });

  it("prints what a worker's stacks printed, and emits their warnings here, as one thread would", () => {
    // The compiled stack-worker.js with a builder that prints; `b`'s meta cannot be cloned.
    const bundle = builderWith(`
        console.warn('printed by ' + name);
        process.stderr.write(Buffer.from('bytes from ' + name + '\\n'));
        process.emitWarning('careful with ' + name, { code: 'AUTOMOCK_TEST', detail: 'why' });
        require('node:util').deprecate(() => undefined, 'old', 'AUTOMOCK_DEP')();
        return name === 'b' ? { later: () => 1 } : { info: { name } };`);
    const root = dir('automock-par-print');
    // In a process of its own: Node.js prints warnings through the real process, not jest's.
    const script = `
      const { buildInParallel } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'synthesis', 'parallel.js'))});
      // This thread's own, before the workers': theirs are not printed again.
      require('node:util').deprecate(() => undefined, 'old', 'AUTOMOCK_DEP')();
      const r = buildInParallel(
        ['a', 'b'].map((name) => ({
          recipe: { kind: 'environment', name, props: {} },
          ctx: { outdir: require('node:path').join(${JSON.stringify(root)}, name) },
        })),
        (job) => ({ info: { name: job.recipe.name } }),
        { workers: 2, bundle: ${JSON.stringify(bundle)}, answerTimeoutMs: 20000 },
      );
      console.log(JSON.stringify(r.inWorkers));`;
    const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([0]);
    const stderr = ownStderr(res.stderr).replace(/\(node:\d+\) /g, '');
    // Each job's output in one piece, the failed job's too.
    for (const name of ['a', 'b']) {
      expect(stderr).toContain(`printed by ${name}\nbytes from ${name}\n`);
      expect(stderr).toContain(`[AUTOMOCK_TEST] Warning: careful with ${name}\nwhy\n`);
    }
    expect(stderr.match(/\[AUTOMOCK_DEP\] DeprecationWarning: old/g)).toHaveLength(1);
  });
});
