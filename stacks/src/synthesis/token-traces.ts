/**
 * cdktf captures a full-depth stack trace for every token it creates (thousands per project
 * stack) and only ever shows them in its own error messages; capturing them is a large share of
 * synthesis time. While `fn` runs, captures onto plain objects (what cdktf does) are skipped;
 * real `Error`s keep their stacks. Set AUTOMOCK_TOKEN_TRACES=1 to keep cdktf's traces when
 * debugging a construct.
 *
 * `fn` must be synchronous: the override is global and is undone when `fn` returns, so work that
 * goes on after an `await` would run with or without it depending on timing, and other code
 * running meanwhile would lose its traces.
 *
 * @throws TypeError when `fn` is an async function or returns a promise (the override is undone
 *   first).
 */
export function withCheapTokenTraces<T>(fn: () => T): T {
  if (isAsyncFunction(fn))
    throw new TypeError('withCheapTokenTraces: got an async function, needs a synchronous one');
  const result = process.env.AUTOMOCK_TOKEN_TRACES === '1' ? fn() : withoutTokenTraces(fn);
  if (isThenable(result))
    throw new TypeError(
      'withCheapTokenTraces: the function returned a promise, needs to finish synchronously',
    );
  return result;
}

function withoutTokenTraces<T>(fn: () => T): T {
  const original = Error.captureStackTrace;
  Error.captureStackTrace = (target: object, ctor?: Parameters<typeof original>[1]) => {
    if (target instanceof Error) original(target, ctor);
  };
  try {
    return fn();
  } finally {
    Error.captureStackTrace = original;
  }
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && fn.constructor?.name === 'AsyncFunction';
}

function isThenable(v: unknown): boolean {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}
