// Without cdktf, so synthesis can order stacks before loading any construct.

/** What kind of stack this is; the CLI groups and filters on it. */
export type StackKind = 'bootstrap' | 'environment' | 'project' | 'workload';

/** Order stacks are listed in: bootstrap, environments, projects, workloads. */
export const STACK_KIND_ORDER: Readonly<Record<StackKind, number>> = {
  bootstrap: 0,
  environment: 1,
  project: 2,
  workload: 3,
};
