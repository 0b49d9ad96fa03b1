/**
 * The CDKTF app module, loaded on first use rather than at import: it pulls in cdktf and the
 * provider classes, which commands like `--help`, `list` or `status` never need.
 *
 * `AUTOMOCK_APP_MODULE` (an absolute path) replaces `@automock/stacks` with another module of the
 * same shape (`buildApp`, `AutomockStack`, `ENVIRONMENTS`): the CLI's tests and benchmarks use it
 * to drive small provider-less apps through real terraform.
 */
export function loadStacks(): typeof import('@automock/stacks') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(process.env.AUTOMOCK_APP_MODULE || '@automock/stacks');
}
