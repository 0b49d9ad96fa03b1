import { App } from 'cdktf';
import {
  AppPlan,
  BuildAppOptions,
  canonicalStackNames,
  declaredProjectsOf,
  declaredWorkloadsOf,
  planApp,
} from './app-plan';
import { BootstrapStack } from './bootstrap-stack';
import { CanonicalStacks, ciInventories } from './ci-inventory';
import { EnvironmentStack } from './environment-stack';
import { ProjectStack } from './project-stack';
import { WorkloadStack } from './workload-stack';

export type { BuildAppOptions } from './app-plan';

/**
 * Builds the whole app: a bootstrap stack per account and region, a stack per environment, and a
 * stack per project. Configuration is validated before any stack is created, so invalid input
 * stops synthesis before anything is written. Holds every stack at once; `synthesizeStacks`
 * writes the same stacks one at a time.
 */
export function buildApp(options: BuildAppOptions = {}): App {
  return buildPlannedApp(planApp(options), options);
}

/** {@link buildApp} from a plan already made. */
export function buildPlannedApp(
  plan: AppPlan,
  options: Pick<BuildAppOptions, 'outdir' | 'context'> = {},
): App {
  const app = new App({
    ...(options.outdir ? { outdir: options.outdir } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  const state = plan.state;
  for (const env of plan.selected) new EnvironmentStack(app, { environment: env, ...state });
  for (const project of plan.projects) new ProjectStack(app, { project, ...state });
  for (const { workload } of plan.workloads)
    new WorkloadStack(app, { workload, builders: plan.workloadBuilders, ...state });
  // Last, because the CI permissions they hold are derived from the stacks above
  // (AutomockStack.all still lists them first).
  const canonical = canonicalStacks(plan);
  for (const g of plan.groups) {
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
 * The stacks CI plans and applies for an environment: its environment stack and the stacks of
 * its declared projects (PROJECTS) and workloads, whatever a command selected.
 */
export function canonicalStacks(plan: AppPlan): CanonicalStacks {
  return {
    names: (env) => canonicalStackNames(env, plan.declaredWorkloadSources),
    build: (app, env, state) => {
      new EnvironmentStack(app, { environment: env, ...state });
      for (const project of declaredProjectsOf(env, plan.all))
        new ProjectStack(app, { project, ...state });
      for (const { workload } of declaredWorkloadsOf(plan, env))
        new WorkloadStack(app, { workload, builders: plan.workloadBuilders, ...state });
    },
  };
}
