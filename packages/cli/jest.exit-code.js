// oclif's Command.catch sets process.exitCode before rethrowing, so every command a test runs
// in-process to see it fail leaves its exit code behind. On a 2-core machine jest runs the files
// in band, in its own process, and would exit with that leftover code after all tests passed;
// the tests assert each command's exit code themselves, so the leftover is cleared after each.
/* global afterEach */
afterEach(() => {
  process.exitCode = undefined;
});
