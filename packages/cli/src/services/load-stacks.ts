/**
 * The CDKTF app module, loaded on first use rather than at import: it pulls in cdktf and the
 * provider classes, which commands like `--help`, `list` or `status` never need.
 */
export function loadStacks(): typeof import('@automock/stacks') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@automock/stacks');
}
