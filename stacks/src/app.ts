import {
  checkEnvironmentSet,
  checkStackNames,
  Environment,
  IssueCollector,
  Project,
  StackNameEntry,
} from '@automock/core';
import { App } from 'cdktf';
import { StateOptions } from './automock-stack';
import { BootstrapStack, bootstrapGroups } from './bootstrap-stack';
import { CanonicalStacks, ciInventories } from './ci-inventory';
import { EnvironmentStack } from './environment-stack';
import { ENVIRONMENTS } from './environments';
import { ProjectStack } from './project-stack';
import { ProjectDeclaration, PROJECTS, resolveProjects } from './projects';

export interface BuildAppOptions extends StateOptions {
  /** Output directory. @default - cdktf's default (`CDKTF_OUTDIR` or `cdktf.out`) */
  readonly outdir?: string;
  /** Context for the app (what `cdktf synth` passes in `CDKTF_CONTEXT_JSON`). @default - from the environment */
  readonly context?: Record<string, unknown>;
  /** Only these environments (and their bootstrap and project stacks). @default - all */
  readonly environments?: readonly string[];
  /** The environment definitions. @default ENVIRONMENTS */
  readonly definitions?: readonly Environment[];
  /** Projects to add, e.g. ephemeral ones from `automock deploy`. @default [] */
  readonly projects?: readonly ProjectDeclaration[];
  /** Include the long-lived projects declared in projects.ts. @default true */
  readonly declaredProjects?: boolean;
  /**
   * Shared-ALB projects deployed but not part of this app (ephemeral ones known only to the
   * registry), by environment name; they count against the shared ALB's quotas.
   * @default {}
   */
  readonly alreadyDeployed?: Readonly<Record<string, number>>;
}

/**
 * Builds the whole app: a bootstrap stack per account and region, a stack per environment, and a
 * stack per project. Configuration is validated before any stack is created, so invalid input
 * stops synthesis before anything is written.
 */
export function buildApp(options: BuildAppOptions = {}): App {
  const all = options.definitions ?? ENVIRONMENTS;
  checkEnvironmentSet(all);
  const selected = selectEnvironments(all, options.environments);
  // Validated (and expectations files read) before the App exists: bad input writes nothing.
  const projects = resolveProjects(
    [...(options.declaredProjects === false ? [] : PROJECTS), ...(options.projects ?? [])],
    selected,
    all,
    { alreadyDeployed: options.alreadyDeployed },
  );
  const allGroups = bootstrapGroups(all);
  checkStackNameCollisions(allGroups, all, projects);
  const groups = allGroups.filter((g) => g.environments.some((e) => selected.includes(e)));

  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const state: StateOptions = { backendEndpoints: options.backendEndpoints };
  for (const env of selected) new EnvironmentStack(app, { environment: env, ...state });
  for (const project of projects) new ProjectStack(app, { project, ...state });
  // Last, because the CI permissions they hold are derived from the stacks above
  // (AutomockStack.all still lists them first).
  const canonical = canonicalStacks(all);
  for (const g of groups) {
    const inventories = ciInventories(g.environments, app, canonical, {
      outdir: options.outdir,
      context: options.context,
      state,
    });
    new BootstrapStack(app, g.name, { environments: g.environments, inventories, ...state });
  }
  return app;
}

/**
 * Every stack name must be unique: `<env>-<project>` can equal an environment's name (an
 * environment called `dev-petstore`) or another project's stack, and `bootstrap-<region>` an
 * environment's. Checked before any construct exists, so a clash is a validation error naming
 * both, not a construct-tree exception.
 */
function checkStackNameCollisions(
  groups: readonly { name: string; environments: readonly Environment[] }[],
  envs: readonly Environment[],
  projects: readonly Project[],
): void {
  const entries: StackNameEntry[] = [
    ...groups.map((g) => ({
      name: g.name,
      field: `environment[${g.environments[0]!.name}].region`,
      what: `bootstrap stack "${g.name}"`,
    })),
    ...envs.map((e) => ({
      name: e.name,
      field: `environment[${e.name}].name`,
      what: `environment stack "${e.name}"`,
    })),
    ...projects.map((p) => ({
      name: `${p.env.name}-${p.name}`,
      field: `project[${p.env.name}/${p.name}].name`,
      what: `project stack "${p.env.name}-${p.name}"`,
    })),
  ];
  const issues = new IssueCollector();
  checkStackNames(issues, entries);
  issues.throwIfAny('stack names');
}

/**
 * The stacks CI plans and applies for an environment: its environment stack and the stacks of
 * its declared projects (PROJECTS), whatever a command selected.
 */
export function canonicalStacks(all: readonly Environment[]): CanonicalStacks {
  const declared = (env: Environment) => PROJECTS.filter((d) => d.env === env.name);
  return {
    names: (env) => [env.name, ...declared(env).map((d) => `${env.name}-${d.project.name}`)],
    build: (app, env, state) => {
      new EnvironmentStack(app, { environment: env, ...state });
      for (const project of resolveProjects(declared(env), [env], all))
        new ProjectStack(app, { project, ...state });
    },
  };
}

function selectEnvironments(all: readonly Environment[], names?: readonly string[]): Environment[] {
  if (!names || names.length === 0) return [...all];
  const issues = new IssueCollector();
  for (const n of names) {
    if (!all.some((e) => e.name === n)) {
      issues.add('env', n, `must be one of ${all.map((e) => e.name).join(', ')}`);
    }
  }
  issues.throwIfAny('environment selection');
  return all.filter((e) => names.includes(e.name));
}
