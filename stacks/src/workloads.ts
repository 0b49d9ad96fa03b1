import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  checkPgAdminAcrossWorkloads,
  ConfigValidationError,
  defineParsedWorkload,
  defineWorkload,
  Environment,
  IssueCollector,
  parseWorkloadYaml,
  ParsedWorkloadYaml,
  previewWorkloadInput,
  Workload,
  WorkloadInput,
  WorkloadPreview,
  WorkloadSection,
  workloadLabel,
  WORKLOAD_SECTIONS,
} from '@automock/core';

/** Where YAML workloads live: `stacks/workloads/<name>.yaml`, beside the published schema. */
export const WORKLOADS_DIR = path.resolve(__dirname, '../workloads');

/** The published JSON Schema of a workload file (editors read it through the YAML's first line). */
export const WORKLOAD_SCHEMA_FILE = path.join(WORKLOADS_DIR, 'workload.schema.json');

/**
 * Long-lived workloads declared in TypeScript (`defineWorkload`'s input, typed by the sections),
 * beside the YAML ones in {@link WORKLOADS_DIR}. Declarations only: everything is validated when
 * the app is planned.
 */
export const WORKLOADS: readonly WorkloadInput[] = [];

/** One workload as declared: a YAML file or a TypeScript object, not yet validated. */
export interface WorkloadSource {
  /** Where it was declared, for messages: the file, or `typescript:<name>`. */
  readonly origin: string;
  /** What it is made from, hashed into its stacks' cache keys (the file's text, or the object as JSON). */
  readonly content: string;
  /** The name it declares, when it has a string one (for its stack name and messages). */
  readonly name: unknown;
  /** The environments it names, as written. */
  readonly environments: unknown;
  /** Defines it for one environment with core's validator. */
  readonly define: (env: Environment, sections: readonly WorkloadSection[]) => Workload;
  /** For a YAML file: the name the file gives (`<name>.yaml`), which must equal {@link name}. */
  readonly fileName?: string;
  /**
   * Its ephemeral preview ({@link previewWorkloadSource}): the same declaration with the
   * preview's name, environment, `ephemeral: true` and TTL, checked by the same validator.
   * @default - previewWorkloadSource cannot make one
   */
  readonly preview?: (preview: WorkloadPreview) => WorkloadSource;
}

/** What a YAML workload's text declares before it is validated: its name and environments. */
export interface WorkloadHeader {
  readonly name: unknown;
  readonly environments: unknown;
}

/**
 * What earlier runs made of YAML workloads' texts, so an unchanged file is neither parsed nor
 * checked against the schema again. Whoever keeps it must drop it when the code changes
 * (synthesis keeps it with its code fingerprint). Only the default sections' definitions are
 * asked for; failures are never kept, so a bad file is reported by the validator itself.
 */
export interface WorkloadMemo {
  header(text: string): WorkloadHeader | undefined;
  putHeader(text: string, header: WorkloadHeader): void;
  definition(text: string, env: Environment): Workload | undefined;
  putDefinition(text: string, env: Environment, workload: Workload): void;
}

/** A validated workload for one environment, and where it came from. */
export interface PlannedWorkload {
  readonly workload: Workload;
  readonly origin: string;
  readonly content: string;
}

/** A TypeScript workload as a source. */
export function typescriptWorkload(input: WorkloadInput): WorkloadSource {
  const name = (input as { name?: unknown } | null)?.name;
  const origin = `typescript:${typeof name === 'string' ? name : '?'}`;
  return {
    origin,
    content: JSON.stringify(input),
    name,
    environments: (input as { environments?: unknown } | null)?.environments,
    define: (env, sections) => defineWorkload(input, env, { sections }),
    preview: (p) => ({
      ...typescriptWorkload(previewWorkloadInput(input, p) as WorkloadInput),
      origin: previewOrigin(origin, p),
      preview: undefined,
    }),
  };
}

function previewOrigin(origin: string, p: WorkloadPreview): string {
  return `${origin} (preview ${p.previewName} in ${p.env.name})`;
}

/**
 * The ephemeral preview of a declared workload (`automock deploy --workload`): stack
 * `<env>-<previewName>`, its own state key, names and tags, `ephemeral: true` (no deletion
 * protection, data deleted with it) and the preview's TTL. Validated like any workload when the
 * app is planned, together with the declared ones, so a name another workload or project holds
 * is refused there.
 */
export function previewWorkloadSource(source: WorkloadSource, p: WorkloadPreview): WorkloadSource {
  if (!source.preview)
    throw new Error(`${source.origin}: this workload source cannot make a preview`);
  return source.preview(p);
}

/**
 * A YAML workload's text as a source; `file` names it in messages and gives its expected name.
 * With `memo`, the text is parsed only when the memo does not know what it declares or its
 * definition for an environment.
 */
export function yamlWorkload(text: string, file: string, memo?: WorkloadMemo): WorkloadSource {
  let parsed: ParsedWorkloadYaml | undefined;
  const parse = () => (parsed ??= parseWorkloadYaml(text, file));
  let header = memo?.header(text);
  if (!header) {
    const doc = parse().input as { name?: unknown; environments?: unknown } | null | undefined;
    header = { name: doc?.name, environments: doc?.environments };
    // A file that does not parse is reported on every run, never remembered.
    if (memo && parse().syntaxIssues.length === 0) memo.putHeader(text, header);
  }
  const define = (env: Environment, sections: readonly WorkloadSection[]) => {
    // Other sections are code outside the fingerprint the memo is kept with.
    if (!memo || sections !== WORKLOAD_SECTIONS)
      return defineParsedWorkload(parse(), env, { sections });
    const known = memo.definition(text, env);
    if (known) return known;
    const workload = defineParsedWorkload(parse(), env, { sections });
    memo.putDefinition(text, env, workload);
    return workload;
  };
  return {
    origin: file,
    content: text,
    name: header.name,
    environments: header.environments,
    fileName: path.basename(file).replace(/\.ya?ml$/, ''),
    define,
    preview: (p) => {
      // The file's lines still locate each problem; only its name and environments differ.
      const input = previewWorkloadInput(parse().input, p) as
        { name?: unknown; environments?: unknown } | undefined;
      const previewed: ParsedWorkloadYaml = { ...parse(), input, line: parse().line };
      return {
        origin: previewOrigin(file, p),
        content: `${text}\n# preview ${JSON.stringify(input ?? null)}`,
        name: input?.name,
        environments: input?.environments,
        define: (env, sections) => defineParsedWorkload(previewed, env, { sections }),
      };
    },
  };
}

/**
 * Every `*.yaml`/`*.yml` workload of `dir` (none when it does not exist), in name order.
 * `workload.schema.json` and other files are not workloads.
 */
export function workloadFiles(dir: string = WORKLOADS_DIR, memo?: WorkloadMemo): WorkloadSource[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names.sort().map((n) => {
    const file = path.join(dir, n);
    return yamlWorkload(readFileSync(file, 'utf8'), file, memo);
  });
}

/**
 * The repository's declared workloads: the YAML files of `dir` (read through `memo`, see
 * {@link yamlWorkload}) and {@link WORKLOADS}.
 */
export function declaredWorkloadSources(
  dir: string = WORKLOADS_DIR,
  memo?: WorkloadMemo,
): WorkloadSource[] {
  return [...workloadFiles(dir, memo), ...WORKLOADS.map(typescriptWorkload)];
}

/**
 * Validates workload sources for the environments in `envs` (each source in each environment it
 * names; environments outside `envs` are skipped), checking that every named environment exists
 * in `known`, that a YAML file's name is its workload's, that no two sources declare the same
 * workload, and that pgAdmin takes no path or rule priority another workload of its environment
 * takes on the shared listener. Every problem is reported at once.
 *
 * @throws ConfigValidationError before anything is created.
 */
export function resolveWorkloads(
  sources: readonly WorkloadSource[],
  envs: readonly Environment[],
  known: readonly Environment[] = envs,
  sections: readonly WorkloadSection[] = WORKLOAD_SECTIONS,
): PlannedWorkload[] {
  const issues = new IssueCollector();
  const out: PlannedWorkload[] = [];
  const byName = new Map<string, WorkloadSource>();
  const collect = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof ConfigValidationError)) throw e;
      for (const i of e.issues) issues.add(i.field, i.value, i.rule);
    }
  };
  for (const s of sources) {
    const label = workloadLabel('*', s.name);
    if (typeof s.name === 'string') {
      const first = byName.get(s.name);
      if (first) {
        issues.add(
          `${label}.name`,
          s.name,
          `must be unique: ${first.origin} declares workload ${JSON.stringify(s.name)} too (${s.origin})`,
        );
        continue;
      }
      byName.set(s.name, s);
      if (s.fileName !== undefined && s.fileName !== s.name)
        issues.add(
          `${label}.name`,
          s.name,
          `must equal the file's name (${s.origin} declares ${s.fileName}): a YAML workload is stacks/workloads/<name>.yaml`,
        );
    }
    const named = Array.isArray(s.environments)
      ? s.environments.filter((e): e is string => typeof e === 'string')
      : [];
    named.forEach((e, i) => {
      if (!known.some((k) => k.name === e))
        issues.add(
          `${label}.environments[${i}]`,
          e,
          `must be one of ${known.map((k) => k.name).join(', ')} (${s.origin})`,
        );
    });
    const targets = envs.filter((e) => named.includes(e.name));
    // A workload whose environments are missing or malformed is still checked (against any
    // environment), so that and its other problems show at once.
    if (named.length === 0 && envs[0]) collect(() => s.define(envs[0]!, sections));
    for (const env of targets)
      collect(() =>
        out.push({ workload: s.define(env, sections), origin: s.origin, content: s.content }),
      );
  }
  // Workloads of one environment share its listener: what one workload's sections cannot see.
  checkPgAdminAcrossWorkloads(
    issues,
    out.map((p) => p.workload),
  );
  issues.throwIfAny('workloads');
  return out;
}
