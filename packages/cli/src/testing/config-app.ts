/**
 * The real CDKTF app (`@automock/stacks`) built from environments and projects in a JSON file
 * named by `AUTOMOCK_TEST_APP_CONFIG`, read when the app is built (never at import), so a test
 * can drive `automock synth` with any configuration, valid or not. Tests point
 * `AUTOMOCK_APP_MODULE` at this file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@automock/core';
import {
  ConfigValidationError,
  defineEnvironment,
  Environment,
  EnvironmentInput,
  IssueCollector,
} from '@automock/core';
import * as stacks from '@automock/stacks';

export { AutomockStack } from '@automock/stacks';

/** Shape of the JSON file. Relative expectations paths are resolved against its directory. */
export interface TestAppConfig {
  readonly environments: readonly EnvironmentInput[];
  readonly projects?: readonly stacks.ProjectDeclaration[];
  /**
   * Directory of YAML workloads, relative to the file. @default 'workloads' (none when absent);
   * the repository's own are never read, as their environments are not these.
   */
  readonly workloadsDir?: string;
  /**
   * Keys of core's workload sections the workloads may hold (e.g. `services`), for tests that
   * must not depend on which sections the app's registry lists. @default the registry's
   */
  readonly workloadSections?: readonly string[];
}

/** Core's exported workload sections named by `keys`; an unknown key is the test's mistake. */
function coreSections(keys: readonly string[]): core.WorkloadSection[] {
  const all = (Object.values(core) as unknown[]).filter(
    (v): v is core.WorkloadSection =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { key?: unknown }).key === 'string' &&
      typeof (v as { resolve?: unknown }).resolve === 'function' &&
      typeof (v as { schema?: unknown }).schema === 'object',
  );
  return keys.map((k) => {
    const s = all.find((x) => x.key === k);
    if (!s) throw new Error(`config-app: core exports no workload section ${JSON.stringify(k)}`);
    return s;
  });
}

// Commands that only list environments see none; synth reads the file when it builds the app.
export const ENVIRONMENTS: readonly Environment[] = [];

function load(): {
  definitions: Environment[];
  projects: stacks.ProjectDeclaration[];
  workloadsDir: string;
  workloadSections?: core.WorkloadSection[];
} {
  const file = process.env.AUTOMOCK_TEST_APP_CONFIG;
  if (!file) throw new Error('AUTOMOCK_TEST_APP_CONFIG must name the JSON configuration');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as TestAppConfig;
  const issues = new IssueCollector();
  const definitions: Environment[] = [];
  // Every environment is validated, and every problem reported, like environments.ts would.
  for (const e of config.environments) {
    try {
      definitions.push(defineEnvironment(e));
    } catch (err) {
      if (!(err instanceof ConfigValidationError)) throw err;
      for (const i of err.issues) issues.add(i.field, i.value, i.rule);
    }
  }
  issues.throwIfAny('environments');
  const projects = (config.projects ?? []).map((d) => {
    const x = d.project.expectations;
    return typeof x === 'string' && !path.isAbsolute(x)
      ? { ...d, project: { ...d.project, expectations: path.join(path.dirname(file), x) } }
      : d;
  });
  const workloadsDir = path.resolve(path.dirname(file), config.workloadsDir ?? 'workloads');
  return {
    definitions,
    projects,
    workloadsDir,
    ...(config.workloadSections ? { workloadSections: coreSections(config.workloadSections) } : {}),
  };
}

export function buildApp(options: stacks.BuildAppOptions = {}) {
  const { definitions, projects, workloadsDir, workloadSections } = load();
  return stacks.buildApp({
    ...options,
    definitions,
    workloadsDir,
    ...(workloadSections ? { workloadSections } : {}),
    declaredProjects: false,
    projects: [...projects, ...(options.projects ?? [])],
  });
}

export function synthesizeApp(options: stacks.BuildAppOptions = {}) {
  const { definitions, projects, workloadsDir, workloadSections } = load();
  return stacks.synthesizeApp({
    ...options,
    definitions,
    workloadsDir,
    ...(workloadSections ? { workloadSections } : {}),
    declaredProjects: false,
    projects: [...projects, ...(options.projects ?? [])],
  });
}

export function planApp(options: stacks.BuildAppOptions = {}) {
  const { definitions, projects, workloadsDir, workloadSections } = load();
  return stacks.planApp({
    ...options,
    definitions,
    workloadsDir,
    ...(workloadSections ? { workloadSections } : {}),
    declaredProjects: false,
    projects: [...projects, ...(options.projects ?? [])],
  });
}
