import * as path from 'node:path';
import {
  checkProjectSet,
  ConfigValidationError,
  defineProject,
  Environment,
  IssueCollector,
  Project,
  ProjectInput,
  ProjectSetOptions,
} from '@automock/core';

/** A project declared for one environment. */
export interface ProjectDeclaration {
  /** Environment name, e.g. `dev`. */
  readonly env: string;
  /** The project, as a user writes it (validated by core's `defineProject`). */
  readonly project: ProjectInput;
}

/** Where long-lived projects keep their files: `stacks/projects/<name>/`. */
export const PROJECTS_DIR = path.resolve(__dirname, '../projects');

/**
 * Long-lived projects of this repository. Ephemeral ones come from `automock deploy` and are
 * passed to `buildApp` alongside these. Declarations only: files are read, and everything is
 * validated, when the app is built.
 */
export const PROJECTS: readonly ProjectDeclaration[] = [
  // Cheap: a listener port on dev's shared ALB.
  {
    env: 'dev',
    project: {
      name: 'petstore',
      size: 'small',
      minTasks: 1,
      maxTasks: 4,
      listenerPort: 10080,
      expectations: path.join(PROJECTS_DIR, 'petstore', 'expectations.json'),
    },
  },
  // Isolated, the shape for load tests: own network and ALB, so the environment's shared ALB and
  // its quotas are left alone.
  {
    env: 'staging',
    project: {
      name: 'petstore',
      isolation: 'dedicated',
      size: 'medium',
      minTasks: 2,
      maxTasks: 20,
      expectations: path.join(PROJECTS_DIR, 'petstore', 'expectations.json'),
    },
  },
];

/**
 * Validates declarations against their environments (skipping environments not in `envs`) and
 * checks the set: unknown environments, duplicate names, listener port and rule priority clashes,
 * and the shared ALB's quotas.
 * Every problem is reported at once.
 *
 * @throws ConfigValidationError before anything is created.
 */
export function resolveProjects(
  declarations: readonly ProjectDeclaration[],
  envs: readonly Environment[],
  known: readonly Environment[] = envs,
  setOptions: ProjectSetOptions = {},
): Project[] {
  const issues = new IssueCollector();
  const out: Project[] = [];
  for (const d of declarations) {
    if (!known.some((e) => e.name === d.env)) {
      issues.add(
        `project[${d.env}/${d.project?.name}].env`,
        d.env,
        `must be one of ${known.map((e) => e.name).join(', ')}`,
      );
      continue;
    }
    const env = envs.find((e) => e.name === d.env);
    if (!env) continue;
    try {
      out.push(defineProject(d.project, env));
    } catch (e) {
      if (!(e instanceof ConfigValidationError)) throw e;
      for (const i of e.issues) issues.add(i.field, i.value, i.rule);
    }
  }
  issues.throwIfAny('projects');
  checkProjectSet(out, setOptions);
  return out;
}
