// Parallel synthesis for large fleets: stacks built in worker threads while the main thread
// builds too, all synchronously (synthesizeStacks is synchronous): the main thread blocks on
// `Atomics.wait` when it has nothing left to build, and reads answers with
// `receiveMessageOnPort`, so no event loop turn is needed. A worker's death is an event too, so
// the main thread asks each worker's native handle instead (workerStopped).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { deprecate } from 'node:util';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { ConfigValidationError } from '@automock/core';
import type * as Builder from './stack-builder';
import type { StackRecipe } from './recipe';
import type { WorkerAnswer, WorkerJob, WorkerOutput, WorkerSetup } from './stack-worker';

/** Stacks to build per worker thread before another is worth its start-up and memory. */
export const STACKS_PER_WORKER = 16;

/**
 * The compiled worker (`pnpm build`), from dist/ or, under ts-jest, from src/: a worker thread
 * runs JavaScript, and the stacks it builds come from the compiled builder beside it.
 */
const WORKER_FILE = join(__dirname, '..', '..', 'dist', 'synthesis', 'stack-worker.js');

/**
 * What a worker thread runs: it first claims its slot of the signal (0 to 1: it has started, and
 * from now on a stopped thread is a dead one, not one still starting), then runs the worker file,
 * or, when that cannot be loaded (a missing or broken build), answers every job it is sent with
 * that error, marked `retire` so it is sent no more. A slot the main thread has already set to 2
 * (it gave up waiting for this thread to start and built its job itself) leaves the thread with
 * nothing to do, so a late starter never writes a stack the main thread is writing.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (Atomics.compareExchange(workerData.signal, workerData.slot, 0, 1) === 0) {
  const file = process.argv[2];
  try {
    require(file);
  } catch (e) {
    const error = 'the worker thread could not load ' + file + ': ' + String((e && e.stack) || e);
    const { port, signal } = workerData;
    port.on('message', (job) => {
      port.postMessage({ i: job.i, error, retire: true });
      Atomics.add(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
  }
}`;

/** How long the main thread waits for any answer before giving up on the workers. */
const ANSWER_TIMEOUT_MS = 10 * 60_000;

/**
 * How long after its creation a worker thread may take to start before the main thread, with
 * nothing else to build, builds the worker's job itself. A thread that dies before its first
 * statement is indistinguishable from a slow one (both read as stopped); past this, either way,
 * building here is faster than waiting.
 */
const START_TIMEOUT_MS = 5_000;

/** How often the main thread, waiting, looks for workers that stopped without answering. */
const LIVENESS_EVERY_MS = 100;

/**
 * Whether `worker`'s thread has stopped (out of memory, `process.exit`, a crash), asked without a
 * turn of the event loop, where its `exit` event would come: the native handle's
 * `loopIdleTime()` is -1 once the thread's environment is torn down (and before it is made, so
 * ask only about a thread known to have started). Node.js's `worker.performance` reads the same
 * value, but only after the `online` event. Undefined when this Node.js has no such handle (the
 * main thread then relies on the timeout alone); parallel.test.ts fails if that happens.
 */
export function workerStopped(worker: Worker): boolean | undefined {
  const key = Object.getOwnPropertySymbols(worker).find((s) => s.description === 'kHandle');
  if (key === undefined) return undefined;
  const handle = (worker as unknown as Record<symbol, { loopIdleTime?: () => unknown } | null>)[
    key
  ];
  // The event loop (never turned here while waiting) drops the handle once the exit is handled.
  if (handle === null) return true;
  if (typeof handle?.loopIdleTime !== 'function') return undefined;
  const idle = handle.loopIdleTime();
  return typeof idle !== 'number' || idle < 0;
}

/**
 * How many worker threads to start for `toBuild` stacks: `AUTOMOCK_SYNTH_WORKERS` when set (0
 * builds everything in this thread), else one per {@link STACKS_PER_WORKER} stacks, at most one
 * fewer than the machine's cores (the main thread builds too). The default app's dozen stacks
 * stay in one thread: a worker's start-up and second heap cost more than it saves there.
 *
 * @throws ConfigValidationError naming the variable, its value and the rule when it is not a
 *   whole number >= 0 (the CLI's usage error, exit code 2)
 */
export function workerCount(
  toBuild: number,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): number {
  const set = env.AUTOMOCK_SYNTH_WORKERS;
  if (set !== undefined && set !== '') {
    if (!/^\d+$/.test(set))
      throw new ConfigValidationError('environment variable', [
        {
          field: 'AUTOMOCK_SYNTH_WORKERS',
          value: set,
          rule: 'must be a whole number of worker threads (0 or more)',
        },
      ]);
    return Math.min(Number(set), Math.max(0, toBuild - 1));
  }
  return Math.max(0, Math.min(cores - 1, Math.floor(toBuild / STACKS_PER_WORKER)));
}

/**
 * Prints what a worker's job printed, as the job would have printed it in this thread: its stderr
 * text, and its warnings emitted here (so the CLI's filter of warnings applies to them too).
 */
function relayOutput(output: WorkerOutput): void {
  if (output.stderr) process.stderr.write(output.stderr);
  for (const w of output.warnings ?? []) {
    // Once per code in this thread, counting the ones this thread emitted itself, as cdktf's
    // util.isArray (DEP0044 on Node.js 22+) is, built here or in every worker.
    if (w.type === 'DeprecationWarning' && w.code !== undefined) {
      deprecate(() => undefined, w.message, w.code)();
      continue;
    }
    process.emitWarning(w.message, {
      type: w.type,
      ...(w.code !== undefined ? { code: w.code } : {}),
      ...(w.detail !== undefined ? { detail: w.detail } : {}),
    });
  }
}

/** A stack to build: its recipe, and where. */
export interface ParallelJob {
  readonly recipe: StackRecipe;
  readonly ctx: Builder.BuildContext;
}

export interface ParallelOptions {
  /** Worker threads to start (the main thread builds as well). */
  readonly workers: number;
  /** The builder bundle the workers load, or undefined for the modules. */
  readonly bundle?: string;
  /** The module of the bundle's provider modules that the workers load with it, if any. */
  readonly providers?: string;
  /** Where V8's code cache for the bundle is kept. */
  readonly codeCacheDir?: string;
  /** The file the workers run. @default the compiled stack-worker.js */
  readonly workerFile?: string;
  /** How long to wait for any answer before giving up on the workers. @default ten minutes */
  readonly answerTimeoutMs?: number;
  /**
   * How long a worker may take to start, once this thread has nothing else to build, before this
   * thread builds the worker's job itself. @default five seconds
   */
  readonly startTimeoutMs?: number;
}

/** What {@link buildInParallel} built. */
export interface ParallelBuild {
  /** Each job's StackMeta, in the jobs' order. */
  readonly metas: readonly Builder.StackMeta[];
  /**
   * The jobs a worker thread built, by index, ascending. A job a worker failed is built again in
   * this thread and is not among them: a worker that cannot build anything still gives the right
   * files, only slower, and this is how that shows.
   */
  readonly inWorkers: readonly number[];
  /**
   * The jobs a worker thread failed and this thread then built, by index, ascending, with the
   * worker's error. The files are right either way; a failure only here (a worker that cannot load
   * the builder, or runs out of memory) makes a large synthesis slower, so the caller reports it.
   */
  readonly workerErrors: readonly { readonly index: number; readonly error: string }[];
}

/** What a worker that stopped without answering is said to have failed with. */
export const STOPPED_ERROR =
  'the worker thread stopped without answering (it ran out of memory, crashed or called process.exit)';

/** What a worker that had not started in time is said to have failed with (`seconds` waited). */
export const notStartedError = (seconds: number) =>
  `the worker thread had not started ${seconds} s after it was created (it may have died starting)`;

/**
 * Builds every job, in worker threads and in this thread (`here`). A job a worker failed is built
 * again by `here`, which throws the error a sequential synthesis would.
 */
export function buildInParallel(
  jobs: readonly ParallelJob[],
  here: (job: ParallelJob) => Builder.StackMeta,
  options: ParallelOptions,
): ParallelBuild {
  const timeout = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
  const startTimeout = options.startTimeoutMs ?? START_TIMEOUT_MS;
  const size = Math.min(options.workers, jobs.length);
  // [0]: answers so far; [1 + k]: worker k has started (1), or was given up on before it did (2).
  const signal = new Int32Array(new SharedArrayBuffer(4 * (1 + size)));
  const metas: (Builder.StackMeta | undefined)[] = new Array(jobs.length);
  const failed: { index: number; error: string }[] = [];
  const inWorkers: number[] = [];
  let next = 0;
  let done = 0;
  const createdAt = Date.now();
  const pool = Array.from({ length: size }, (_, k) => {
    const { port1, port2 } = new MessageChannel();
    const setup: WorkerSetup = {
      port: port2,
      signal,
      slot: 1 + k,
      ...(options.bundle ? { bundle: options.bundle } : {}),
      ...(options.providers ? { providers: options.providers } : {}),
      ...(options.codeCacheDir ? { codeCacheDir: options.codeCacheDir } : {}),
    };
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      argv: [options.workerFile ?? WORKER_FILE],
      workerData: setup,
      transferList: [port2],
    });
    // Never keeps the process alive; terminated below once every job is answered.
    worker.unref();
    // A failure reaches this thread as an answer (the bootstrap's, or the worker file's), or as
    // the timeout below: this event comes on a turn of the event loop, after the synthesis, where
    // unheard it would crash the process that has just written good output.
    worker.on('error', () => undefined);
    return { worker, port: port1, slot: 1 + k, job: undefined as number | undefined };
  });
  const give = (w: (typeof pool)[number]) => {
    if (next >= jobs.length) return;
    const i = next++;
    const job: WorkerJob = { i, recipe: jobs[i]!.recipe, ctx: jobs[i]!.ctx };
    w.port.postMessage(job);
    w.job = i;
  };
  /** Reads every answer that has arrived; true when there was one. */
  const collect = () => {
    let any = false;
    for (const w of pool) {
      for (let m = receiveMessageOnPort(w.port); m; m = receiveMessageOnPort(w.port)) {
        const answer = m.message as WorkerAnswer;
        relayOutput(answer);
        w.job = undefined;
        if ('meta' in answer) {
          metas[answer.i] = answer.meta;
          inWorkers.push(answer.i);
        } else failed.push({ index: answer.i, error: answer.error });
        done++;
        any = true;
        if (!('retire' in answer && answer.retire)) give(w);
      }
    }
    return any;
  };
  /**
   * Fails the job of every worker that stopped without answering it (its files, if half written,
   * are written again by `here`); true when there was one. Such a worker is sent nothing more:
   * jobs go to a worker only when it answers.
   */
  const reapStopped = () => {
    let any = false;
    for (const w of pool) {
      if (w.job === undefined || Atomics.load(signal, w.slot) !== 1) continue;
      if (workerStopped(w.worker) !== true) continue;
      // Whatever it answered before it stopped is queued by now.
      if (collect()) any = true;
      if (w.job === undefined) continue;
      failed.push({ index: w.job, error: STOPPED_ERROR });
      w.job = undefined;
      done++;
      any = true;
    }
    return any;
  };
  /**
   * Builds here the job of every worker that has not started `startTimeout` after the pool was
   * made, claiming its slot first so that it does nothing if it starts later; true when there was
   * one. Called only when this thread has nothing else to build.
   */
  const buildUnstarted = () => {
    if (Date.now() - createdAt < startTimeout) return false;
    let any = false;
    for (const w of pool) {
      if (w.job === undefined || Atomics.compareExchange(signal, w.slot, 0, 2) !== 0) continue;
      const i = w.job;
      w.job = undefined;
      failed.push({ index: i, error: notStartedError(startTimeout / 1000) });
      metas[i] = here(jobs[i]!);
      done++;
      any = true;
    }
    return any;
  };
  try {
    for (const w of pool) give(w);
    // When this thread began waiting for answers, for the timeout.
    let waitingSince = Date.now();
    while (done < jobs.length) {
      const seen = Atomics.load(signal, 0);
      if (collect()) {
        waitingSince = Date.now();
        continue;
      }
      if (next < jobs.length) {
        const i = next++;
        metas[i] = here(jobs[i]!);
        done++;
        waitingSince = Date.now();
        continue;
      }
      const left = timeout - (Date.now() - waitingSince);
      const slice = Math.max(0, Math.min(LIVENESS_EVERY_MS, left));
      if (Atomics.wait(signal, 0, seen, slice) !== 'timed-out') continue;
      if (reapStopped() || buildUnstarted()) {
        waitingSince = Date.now();
        continue;
      }
      if (left <= LIVENESS_EVERY_MS && !collect())
        throw new Error(
          `parallel synthesis: no worker thread answered in ${timeout / 1000} s (set AUTOMOCK_SYNTH_WORKERS=0 to build in one thread)`,
        );
    }
  } finally {
    for (const w of pool) {
      w.port.close();
      void w.worker.terminate();
    }
  }
  failed.sort((a, b) => a.index - b.index);
  for (const { index } of failed) if (metas[index] === undefined) metas[index] = here(jobs[index]!);
  return {
    metas: metas as Builder.StackMeta[],
    inWorkers: inWorkers.sort((a, b) => a - b),
    workerErrors: failed,
  };
}
