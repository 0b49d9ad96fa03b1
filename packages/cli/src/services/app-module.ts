import type { Environment } from '@automock/core';
import type { StackInfo } from '@automock/stacks';
import { CliError, EXIT } from './errors';
import { loadStacks } from './load-stacks';

/** What the CLI needs from the CDKTF app package. */
export interface AppModule {
  buildApp(options: Record<string, unknown>): { synth(): void };
  readonly AutomockStack: { all(scope: unknown): { readonly info: StackInfo }[] };
  readonly ENVIRONMENTS: readonly Environment[];
}

/** The CDKTF app the CLI drives (see {@link loadStacks}). */
export function loadAppModule(): AppModule {
  return loadStacks() as unknown as AppModule;
}

/**
 * The environment definitions only. With the default app this loads `environments.js` alone, not
 * the stack classes and their provider imports, so read commands (`list`, `status`) start fast.
 */
export function loadEnvironments(): readonly Environment[] {
  if (process.env.AUTOMOCK_APP_MODULE) return loadAppModule().ENVIRONMENTS;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@automock/stacks/environments') as { ENVIRONMENTS: readonly Environment[] })
    .ENVIRONMENTS;
}

/** The named environment, or an error listing the ones that exist. */
export function resolveEnvironment(name: string): Environment {
  const all = loadEnvironments();
  const env = all.find((e) => e.name === name);
  if (!env) {
    throw new CliError(
      `env: got ${JSON.stringify(name)}, must be one of ${all.map((e) => e.name).join(', ')}`,
      ['automock stacks'],
      EXIT.usage,
    );
  }
  return env;
}
