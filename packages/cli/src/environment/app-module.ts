import type { Environment } from '@automock/core';
import { CliError, EXIT } from '../errors';

/** The repository settings `automock doctor` checks (stacks' `GITHUB_CI`). */
export interface GithubCiSettings {
  readonly owner: string;
  readonly repository: string;
  /** GitHub environments whose apply job must wait for reviewers. @default ['prod'] */
  readonly protectedEnvironments?: readonly string[];
}

type StacksModule = typeof import('@automock/stacks');

/**
 * What the CLI uses of the CDKTF app module. Apps other than the default need not declare
 * projects (`PROJECTS`), a GitHub repository (`GITHUB_CI`), the streamed, cached synthesis
 * (`synthesizeStacks`; `synthesizeApp` is used without it) or workloads (`planApp`, which
 * `status --workload` reads them through; `yamlWorkload` and `previewWorkloadSource`, with which
 * `deploy --workload` makes a preview).
 */
export type AppModule = Pick<
  StacksModule,
  'buildApp' | 'synthesizeApp' | 'AutomockStack' | 'ENVIRONMENTS'
> &
  Partial<
    Pick<
      StacksModule,
      'PROJECTS' | 'synthesizeStacks' | 'planApp' | 'yamlWorkload' | 'previewWorkloadSource'
    >
  > & {
    readonly GITHUB_CI?: GithubCiSettings;
  };

/**
 * The CDKTF app module, loaded on first use rather than at import: it pulls in cdktf and the
 * provider classes, which commands like `--help`, `list` or `status` never need.
 *
 * `AUTOMOCK_APP_MODULE` (an absolute path) replaces `@automock/stacks` with another module of the
 * same shape: the CLI's tests and benchmarks use it to drive small provider-less apps through real
 * terraform.
 */
export function loadAppModule(): AppModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(process.env.AUTOMOCK_APP_MODULE || '@automock/stacks');
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

/**
 * The repository the CI roles trust (stacks' `GITHUB_CI`), if the app declares one; like
 * {@link loadEnvironments}, without loading the stack classes for the default app.
 */
export function loadGithubCi(): GithubCiSettings | undefined {
  if (process.env.AUTOMOCK_APP_MODULE) return loadAppModule().GITHUB_CI;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@automock/stacks/github') as { GITHUB_CI: GithubCiSettings }).GITHUB_CI;
}

/**
 * The streamed, cached synthesis (stacks' `synthesizeStacks`), or undefined when the app module
 * has none. With the default app this loads neither cdktf nor the stack classes until a stack
 * has to be built: a synthesis served from the cache never loads them.
 */
export function loadSynthesizer(): AppModule['synthesizeStacks'] {
  if (process.env.AUTOMOCK_APP_MODULE) return loadAppModule().synthesizeStacks;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@automock/stacks/synthesize') as Pick<AppModule, 'synthesizeStacks'>)
    .synthesizeStacks;
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
