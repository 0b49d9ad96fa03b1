// cdktf 0.21 (its last release) calls util.isArray, which Node.js 22 and later deprecate at run
// time (DEP0044): every synthesis on those Node.js versions printed a two-line DeprecationWarning
// about a dependency's code that the operator can do nothing about. The CLI drops that one
// warning, by its code, unless `--verbose` is given; every other warning is printed as before.
// (What a synthesis's worker threads print does not reach the terminal: the main thread, blocked
// until they answer, terminates them before its event loop would pass their stderr on.)

/** The deprecation warnings of dependencies' code that the CLI does not print. */
const QUIETED = new Set(['DEP0044']);

/** The code of a warning, from either form of `process.emitWarning`'s arguments. */
function warningCode(warning, typeOrOptions, code) {
  if (typeOrOptions !== null && typeof typeOrOptions === 'object') return typeOrOptions.code;
  if (warning instanceof Error) return warning.code;
  return code;
}

/**
 * Wraps `proc.emitWarning` so the warnings in QUIETED are not emitted, unless `argv` has
 * `--verbose`. Returns whether it did. `proc` stands in for `process` in tests.
 */
function quietDependencyWarnings(argv, proc = process) {
  if (argv.includes('--verbose')) return false;
  const emitWarning = proc.emitWarning;
  proc.emitWarning = function (warning, typeOrOptions, code, ...rest) {
    if (QUIETED.has(warningCode(warning, typeOrOptions, code))) return undefined;
    return emitWarning.call(this, warning, typeOrOptions, code, ...rest);
  };
  return true;
}

module.exports = { quietDependencyWarnings };
