/**
 * cdktf captures a full-depth stack trace for every token it creates (thousands per project
 * stack) and only ever shows them in its own error messages; capturing them is a large share of
 * synthesis time. While `fn` runs, captures onto plain objects (what cdktf does) are skipped;
 * real `Error`s keep their stacks. Set AUTOMOCK_TOKEN_TRACES=1 to keep cdktf's traces when
 * debugging a construct.
 */
export function withCheapTokenTraces<T>(fn: () => T): T {
  if (process.env.AUTOMOCK_TOKEN_TRACES === '1') return fn();
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
