import {
  checkEnvironmentSet,
  checkStackNames,
  Environment,
  IssueCollector,
  Project,
  StackNameEntry,
  WORKLOAD_SECTIONS,
  WorkloadSection,
} from '@automock/core';
import type { StateOptions } from './automock-stack';
import { ENVIRONMENTS } from './environments';
import { ProjectDeclaration, PROJECTS, resolveProjects } from './projects';
import type { WorkloadSectionBuilder } from './workload/section-builder';
import {
  declaredWorkloadSources,
  PlannedWorkload,
  resolveWorkloads,
  WorkloadMemo,
  WorkloadSource,
  WORKLOADS_DIR,
} from './workloads';

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
  /** Workloads to add besides the declared ones. @default [] */
  readonly workloads?: readonly WorkloadSource[];
  /** Include the declared workloads (YAML in `workloadsDir` and `WORKLOADS`). @default true */
  readonly declaredWorkloads?: boolean;
  /** Where the declared YAML workloads are. @default WORKLOADS_DIR (`stacks/workloads`) */
  readonly workloadsDir?: string;
  /** The sections a workload may hold. @default WORKLOAD_SECTIONS */
  readonly workloadSections?: readonly WorkloadSection[];
  /** The builders of those sections. @default WORKLOAD_BUILDERS */
  readonly workloadBuilders?: readonly WorkloadSectionBuilder[];
}

/** One bootstrap stack: the environments sharing an account and region. */
export interface BootstrapGroup {
  readonly name: string;
  readonly environments: Environment[];
}

/**
 * What an app holds, validated, before any construct exists: which environment, project and
 * bootstrap stacks to add. `buildApp` turns it into one App; `synthesizeStacks` builds and writes
 * the stacks one at a time. Loads no provider classes.
 */
export interface AppPlan {
  /** Every environment definition (bootstrap stacks and CI inventories span them all). */
  readonly all: readonly Environment[];
  /** The environments selected, in definition order: one environment stack each. */
  readonly selected: readonly Environment[];
  /** The projects of the selected environments, validated: one project stack each. */
  readonly projects: readonly Project[];
  /** The workloads of the selected environments, validated: one stack per workload and environment. */
  readonly workloads: readonly PlannedWorkload[];
  /** The declared workloads, read once, validated per environment when needed (CI inventories). */
  readonly declaredWorkloadSources: readonly WorkloadSource[];
  readonly workloadSections: readonly WorkloadSection[];
  /** @default - WORKLOAD_BUILDERS */
  readonly workloadBuilders?: readonly WorkloadSectionBuilder[];
  /** The bootstrap stacks serving a selected environment. */
  readonly groups: readonly BootstrapGroup[];
  readonly state: StateOptions;
}

/**
 * Validates every environment and project and checks the stack names, reading the projects'
 * files; creates nothing. `workloadMemo` (synthesis passes its cache's) saves parsing and
 * checking declared YAML workloads that earlier runs defined.
 *
 * @throws ConfigValidationError naming every field, value and rule.
 */
export function planApp(options: BuildAppOptions = {}, workloadMemo?: WorkloadMemo): AppPlan {
  const all = options.definitions ?? ENVIRONMENTS;
  checkEnvironmentSet(all);
  const selected = selectEnvironments(all, options.environments);
  const projects = resolveProjects(
    [...(options.declaredProjects === false ? [] : PROJECTS), ...(options.projects ?? [])],
    selected,
    all,
    { alreadyDeployed: options.alreadyDeployed },
  );
  const workloadSections = options.workloadSections ?? WORKLOAD_SECTIONS;
  const declared = declaredWorkloadSources(options.workloadsDir ?? WORKLOADS_DIR, workloadMemo);
  const workloads = resolveWorkloads(
    [...(options.declaredWorkloads === false ? [] : declared), ...(options.workloads ?? [])],
    selected,
    all,
    workloadSections,
  );
  const allGroups = bootstrapGroups(all);
  checkStackNameCollisions(allGroups, all, projects, workloads);
  const groups = allGroups.filter((g) => g.environments.some((e) => selected.includes(e)));
  return {
    all,
    selected,
    projects,
    workloads,
    // Without the declared workloads, CI's view of an environment leaves them out too.
    declaredWorkloadSources: options.declaredWorkloads === false ? [] : declared,
    workloadSections,
    ...(options.workloadBuilders ? { workloadBuilders: options.workloadBuilders } : {}),
    groups,
    state: { backendEndpoints: options.backendEndpoints },
  };
}

/**
 * The long-lived projects of `env` (PROJECTS), validated: with its environment stack, the stacks
 * CI plans and applies for it, whatever a command selected.
 */
export function declaredProjectsOf(env: Environment, all: readonly Environment[]): Project[] {
  return resolveProjects(
    PROJECTS.filter((d) => d.env === env.name),
    [env],
    all,
  );
}

/** The declared workloads of `env`, validated: CI plans and applies them with its environment. */
export function declaredWorkloadsOf(
  plan: Pick<AppPlan, 'all' | 'declaredWorkloadSources' | 'workloadSections'>,
  env: Environment,
): PlannedWorkload[] {
  return resolveWorkloads(plan.declaredWorkloadSources, [env], plan.all, plan.workloadSections);
}

/**
 * Names of the stacks CI plans and applies for `env`: its own, its declared projects' and its
 * declared workloads' (`workloads`, as read for the plan).
 */
export function canonicalStackNames(
  env: Environment,
  workloads: readonly WorkloadSource[] = [],
): string[] {
  const inEnv = (s: WorkloadSource) =>
    typeof s.name === 'string' &&
    Array.isArray(s.environments) &&
    s.environments.includes(env.name);
  return [
    env.name,
    ...PROJECTS.filter((d) => d.env === env.name).map((d) => `${env.name}-${d.project.name}`),
    ...workloads.filter(inEnv).map((s) => `${env.name}-${s.name as string}`),
  ];
}

/**
 * Every stack name must be unique: `<env>-<project>` and `<env>-<workload>` can equal an environment's name (an
 * environment called `dev-petstore`) or another project's stack, and `bootstrap-<region>` an
 * environment's. Checked before any construct exists, so a clash is a validation error naming
 * both, not a construct-tree exception.
 */
function checkStackNameCollisions(
  groups: readonly BootstrapGroup[],
  envs: readonly Environment[],
  projects: readonly Project[],
  workloads: readonly PlannedWorkload[] = [],
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
    ...workloads.map(({ workload: w, origin }) => ({
      name: `${w.env.name}-${w.name}`,
      field: `workload[${w.env.name}/${w.name}].name`,
      what: `workload stack "${w.env.name}-${w.name}" (${origin})`,
    })),
  ];
  const issues = new IssueCollector();
  checkStackNames(issues, entries);
  issues.throwIfAny('stack names');
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

/**
 * Groups environments by account and region (one bootstrap stack each). The stack is named
 * `bootstrap-<region>`, or `bootstrap-<region>-<account>` when several accounts share a region.
 */
export function bootstrapGroups(envs: readonly Environment[]): BootstrapGroup[] {
  const groups = new Map<string, Environment[]>();
  for (const e of envs) {
    const key = `${e.region}|${e.accountId}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const accountsPerRegion = new Map<string, number>();
  for (const key of groups.keys()) {
    const region = key.split('|')[0]!;
    accountsPerRegion.set(region, (accountsPerRegion.get(region) ?? 0) + 1);
  }
  const issues = new IssueCollector();
  for (const members of groups.values()) {
    for (const e of members.slice(1)) {
      if (e.prefix !== members[0]!.prefix) {
        issues.add(
          `environment[${e.name}].prefix`,
          e.prefix,
          `must equal ${JSON.stringify(members[0]!.prefix)} (the prefix of ${members[0]!.name}): environments in one account and region share one state bucket`,
        );
      }
    }
  }
  issues.throwIfAny('environments');
  return [...groups.entries()].map(([key, environments]) => {
    const [region, account] = key.split('|') as [string, string];
    const name =
      accountsPerRegion.get(region)! > 1 ? `bootstrap-${region}-${account}` : `bootstrap-${region}`;
    return { name, environments };
  });
}

/** Name of the bootstrap stack that holds `env`'s state. */
export function bootstrapStackName(envs: readonly Environment[], env: Environment): string {
  return bootstrapGroups(envs).find((g) => g.environments.includes(env))!.name;
}
