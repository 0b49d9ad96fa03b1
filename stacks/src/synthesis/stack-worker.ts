// A worker thread of a parallel synthesis (parallel.ts, whose bootstrap loads this file): builds
// the stacks it is sent with a stack builder of its own (the bundle when the main thread uses it)
// and answers with what the main thread keeps of each (StackMeta), having written the stack's
// files into the staging directory. It never throws: a failure is answered as a message, and the
// main thread builds that stack itself to throw the error a sequential synthesis throws.
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { loadBundle } from './bundle';
import { buildOf, StackRecipe } from './recipe';
import type { ProviderModules } from './providers';
import type * as Builder from './stack-builder';
import { withCheapTokenTraces } from './token-traces';

/** What the main thread gives a worker when it starts it. */
export interface WorkerSetup {
  readonly port: MessagePort;
  /**
   * `[0]` is incremented (and notified) after every answer, for the main thread's `Atomics.wait`;
   * `[slot]` is set to 1 by parallel.ts's bootstrap when this thread has started.
   */
  readonly signal: Int32Array;
  /** This worker's cell of `signal`. */
  readonly slot: number;
  /** The builder bundle to load, or undefined for the modules. */
  readonly bundle?: string;
  /** The module of the bundle's provider modules to load with it, if any. */
  readonly providers?: string;
  /** Where V8's code cache for the bundle is kept (read only here). */
  readonly codeCacheDir?: string;
}

/** A stack to build. */
export interface WorkerJob {
  readonly i: number;
  readonly recipe: StackRecipe;
  readonly ctx: Builder.BuildContext;
}

/** A warning a job emitted, for the main thread to emit as its own. */
export interface ForwardedWarning {
  readonly message: string;
  readonly type: string;
  readonly code?: string;
  readonly detail?: string;
}

/**
 * What a job printed. A worker's stderr reaches the main thread on a turn of its event loop, which
 * a synthesis never gives it before the workers are terminated, so it is sent with the answer: the
 * text as the main thread prints it, the warnings for it to emit, past the CLI's filter of them.
 */
export interface WorkerOutput {
  readonly stderr?: string;
  readonly warnings?: readonly ForwardedWarning[];
}

/**
 * The answer for job `i`. `retire`: this worker can build nothing (parallel.ts's bootstrap could
 * not load this file), so it is sent no more jobs.
 */
export type WorkerAnswer = WorkerOutput &
  (
    | { readonly i: number; readonly meta: Builder.StackMeta }
    | { readonly i: number; readonly error: string; readonly retire?: boolean }
  );

/* eslint-disable @typescript-eslint/no-require-imports */
function loadBuilder(setup: WorkerSetup): typeof Builder {
  if (!setup.bundle) return require('./stack-builder') as typeof Builder;
  const builder = loadBundle<typeof Builder>(setup.bundle, setup.codeCacheDir).exports;
  if (setup.providers)
    builder.useProviderModules(
      loadBundle<ProviderModules>(setup.providers, setup.codeCacheDir).exports,
    );
  return builder;
}
/* eslint-enable @typescript-eslint/no-require-imports */

const setup = workerData as WorkerSetup;

/** What this thread has printed since the last answer took it. */
let stderr = '';
let warnings: ForwardedWarning[] = [];
process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
  done?.();
  return true;
}) as typeof process.stderr.write;
// In place of Node.js's own listener, which would print them here.
process.removeAllListeners('warning');
process.on('warning', (w: Error & { code?: string; detail?: string }) =>
  warnings.push({
    message: w.message,
    type: w.name,
    ...(w.code !== undefined ? { code: w.code } : {}),
    ...(w.detail !== undefined ? { detail: w.detail } : {}),
  }),
);

/** What was printed since the last answer, which it takes. */
function takeOutput(): WorkerOutput {
  const output: WorkerOutput = {
    ...(stderr ? { stderr } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
  stderr = '';
  warnings = [];
  return output;
}

function answerWith(answer: WorkerAnswer) {
  const output = takeOutput();
  try {
    setup.port.postMessage({ ...answer, ...output });
  } catch (e) {
    // A meta that cannot be cloned: answered as a failure, or the main thread would wait for it.
    setup.port.postMessage({ i: answer.i, error: String((e as Error)?.stack ?? e), ...output });
  }
  Atomics.add(setup.signal, 0, 1);
  Atomics.notify(setup.signal, 0);
}

let builder: typeof Builder | undefined;
setup.port.on('message', (job: WorkerJob) => {
  let answer: WorkerAnswer;
  try {
    builder ??= loadBuilder(setup);
    const b = builder;
    const meta = withCheapTokenTraces(() =>
      b.synthesizeStack(buildOf(job.recipe), job.ctx, b.newManifest(job.ctx.outdir)),
    );
    answer = { i: job.i, meta };
  } catch (e) {
    answer = { i: job.i, error: String((e as Error)?.stack ?? e) };
  }
  // process.emitWarning emits on the next tick: answered after the job's warnings.
  process.nextTick(answerWith, answer);
});
