/**
 * Settings that change what the CLI prints or how Node loads it. Tests that run the CLI in a child
 * process start it without them: a developer's shell, or the test runner, may set any.
 */
export const CLI_SETTINGS = [
  'NODE_OPTIONS',
  'NODE_COMPILE_CACHE',
  'NODE_DISABLE_COMPILE_CACHE',
  'NODE_V8_COVERAGE',
  'AUTOMOCK_APP_MODULE',
  'AUTOMOCK_FAST_SYNTH',
  'AUTOMOCK_FAST_LIST',
  'AUTOMOCK_CONTENT_TYPE',
  'AUTOMOCK_DEBUG',
  'DEBUG',
  'FORCE_COLOR',
] as const;

/** A copy of `env` without {@link CLI_SETTINGS}, then with `extra`. */
export function withoutCliSettings(
  env: NodeJS.ProcessEnv,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of CLI_SETTINGS) delete out[k];
  return { ...out, ...extra };
}
