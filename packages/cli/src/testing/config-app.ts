/**
 * The real CDKTF app (`@automock/stacks`) built from environments and projects in a JSON file
 * named by `AUTOMOCK_TEST_APP_CONFIG`, read when the app is built (never at import), so a test
 * can drive `automock synth` with any configuration, valid or not. Tests point
 * `AUTOMOCK_APP_MODULE` at this file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
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
}

// Commands that only list environments see none; synth reads the file when it builds the app.
export const ENVIRONMENTS: readonly Environment[] = [];

function load(): {
  definitions: Environment[];
  projects: stacks.ProjectDeclaration[];
  workloadsDir: string;
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
  return { definitions, projects, workloadsDir };
}

export function buildApp(options: stacks.BuildAppOptions = {}) {
  const { definitions, projects, workloadsDir } = load();
  return stacks.buildApp({
    ...options,
    definitions,
    workloadsDir,
    declaredProjects: false,
    projects: [...projects, ...(options.projects ?? [])],
  });
}

export function synthesizeApp(options: stacks.BuildAppOptions = {}) {
  const { definitions, projects, workloadsDir } = load();
  return stacks.synthesizeApp({
    ...options,
    definitions,
    workloadsDir,
    declaredProjects: false,
    projects: [...projects, ...(options.projects ?? [])],
  });
}
