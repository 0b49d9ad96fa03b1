import type { ErrorObject } from 'ajv';
import { checkDnsName, checkSuppressions, checkTtlHours, Environment } from '../environment';
import type { RuleSuppression } from '../environment';
import { ConfigValidationError, IssueCollector } from '../errors';
import { PROJECT_NAME_MAX } from '../project';
import { checkTags, MAX_USER_TAGS } from '../tags';
import type { WorkloadDeclaration, WorkloadSection } from './section';
import { WORKLOAD_SECTIONS, WorkloadSectionInputs } from './sections';
import { WORKLOAD_TOP_LEVEL_KEYS } from './schema';
import { workloadValidator } from './validator';
import { yamlModule } from './yaml';

/** `shared`: the environment's network and cluster. `dedicated`: the workload's own. */
export type WorkloadNetworkMode = 'shared' | 'dedicated';

/** Longest workload name: a workload takes a project's place in every resource name. */
export const WORKLOAD_NAME_MAX = PROJECT_NAME_MAX;

/** Defaults of a workload's own keys. */
export const WORKLOAD_DEFAULTS = {
  network: 'shared',
  ephemeral: false,
} as const;

/** A workload's own keys, as a user writes them (the sections come from {@link WorkloadSectionInputs}). */
export interface WorkloadBaseInput {
  /** 1-24 lowercase letters, digits and hyphens, starting with a letter; the stack is `<env>-<name>`. */
  readonly name: string;
  /** Names of the environments the workload is deployed to, one stack each. */
  readonly environments: readonly string[];
  /** The environment's network and cluster, or its own. @default 'shared' */
  readonly network?: WorkloadNetworkMode;
  /** A preview deployment with a TTL (cheaper defaults, no deletion protection). @default false */
  readonly ephemeral?: boolean;
  /** Hours until teardown; 0 means never. @default the environment's `defaultTtlHours` when ephemeral, else 0 */
  readonly ttlHours?: number;
  /** What the workload is, for people. @default - none */
  readonly description?: string;
  /** Tags for every resource of the workload, over the environment's. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /** Guardrail findings accepted for this workload. @default [] */
  readonly suppressions?: readonly RuleSuppression[];
}

/** What a user writes to declare a workload: its own keys and its sections. */
export type WorkloadInput = WorkloadBaseInput & WorkloadSectionInputs;

/** A validated workload for one environment, with every default filled in. */
export interface Workload {
  readonly name: string;
  /** The environment this definition is for. */
  readonly env: Environment;
  /** Every environment the workload is deployed to. */
  readonly environments: readonly string[];
  readonly network: WorkloadNetworkMode;
  readonly ephemeral: boolean;
  readonly ttlHours: number;
  readonly description?: string;
  /** The workload's own tags (the environment's are added by the stack). */
  readonly tags: Readonly<Record<string, string>>;
  /** The user's, then those its sections declare (a public bucket's, with its reason). */
  readonly suppressions: readonly RuleSuppression[];
  /** Each present section's resolved value, by key, in registry order. */
  readonly sections: Readonly<Record<string, unknown>>;
}

/** Options of {@link defineWorkload} and {@link loadWorkloadYaml}. */
export interface DefineWorkloadOptions {
  /** The sections a workload may hold. @default WORKLOAD_SECTIONS */
  readonly sections?: readonly WorkloadSection[];
}

/** `a.b[0]["x y"]` from path segments. */
export function fieldPath(base: string, segments: readonly (string | number)[]): string {
  return segments.reduce<string>(
    (p, k) =>
      typeof k === 'number'
        ? `${p}[${k}]`
        : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)
          ? `${p}.${k}`
          : `${p}[${JSON.stringify(k)}]`,
    base,
  );
}

/** Path segments of a field written by {@link fieldPath} under `base`, or undefined. */
export function fieldSegments(base: string, field: string): (string | number)[] | undefined {
  if (!field.startsWith(base)) return undefined;
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let i = base.length;
  while (i < field.length) {
    re.lastIndex = i;
    const m = re.exec(field);
    if (!m) return undefined;
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
    i = re.lastIndex;
  }
  return out;
}

function pointerSegments(pointer: string, data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let cur = data;
  for (const raw of pointer.split('/').slice(1)) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg = Array.isArray(cur) && /^\d+$/.test(k) ? Number(k) : k;
    out.push(seg);
    cur =
      typeof cur === 'object' && cur !== null
        ? (cur as Record<string | number, unknown>)[seg]
        : undefined;
  }
  return out;
}

function ruleOf(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys(
        ((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}) as object,
      );
      return `is not a known key${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`;
    }
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `must be of type ${String(p.type)}`;
    default:
      return e.message ?? 'is invalid';
  }
}

/**
 * Checks `input` against the workload schema of `sections` and reports each problem under
 * `label`. Returns the keys of the sections whose value passed (only those are resolved).
 */
function checkSchema(
  issues: IssueCollector,
  label: string,
  input: Record<string, unknown>,
  sections: readonly WorkloadSection[],
): Set<string> {
  const validate = workloadValidator(sections);
  const failed = new Set<string>();
  if (validate(input)) return failed;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // The failing branches of anyOf/oneOf are reported by the combinator's own error.
    if (/\/(anyOf|oneOf)\/\d+\//.test(e.schemaPath)) continue;
    const segments = pointerSegments(e.instancePath, input);
    let value: unknown = e.data;
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      value = (e.data as Record<string, unknown>)[extra];
      segments.push(extra);
    } else if (e.keyword === 'required') {
      segments.push((e.params as { missingProperty: string }).missingProperty);
      value = undefined;
    }
    const field = fieldPath(label, segments);
    const rule = ruleOf(e);
    const key = `${field}\0${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.add(field, value, rule);
    if (typeof segments[0] === 'string') failed.add(segments[0]);
  }
  return failed;
}

/**
 * Validates a workload for one environment and fills in its defaults: its own keys, each
 * section's schema, duplicate declarations across sections (same kind and name twice), then each
 * section's `resolve`, which sees every section's declarations. Every problem is reported at
 * once, as field/value/rule under `workload[<env>/<name>]`. The YAML loader shares it.
 *
 * @throws ConfigValidationError when anything is wrong.
 */
export function defineWorkload(
  input: WorkloadInput,
  env: Environment,
  options: DefineWorkloadOptions = {},
): Workload {
  return checkWorkload(input, env, options.sections ?? WORKLOAD_SECTIONS);
}

/** The label a workload's fields are reported under. */
export function workloadLabel(env: string, name: unknown): string {
  return `workload[${env}/${typeof name === 'string' && name ? name : '?'}]`;
}

function checkWorkload(
  input: unknown,
  env: Environment,
  sections: readonly WorkloadSection[],
): Workload {
  const issues = new IssueCollector();
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    issues.add('workload', input, 'must be an object');
    issues.throwIfAny('workload');
  }
  const w = input as Record<string, unknown>;
  const label = workloadLabel(env.name, w.name);
  const f = (k: string) => `${label}.${k}`;
  const failed = checkSchema(issues, label, w, sections);

  // What the schema already reported is not reported again.
  if (!failed.has('name')) checkDnsName(issues, f('name'), w.name, WORKLOAD_NAME_MAX);
  const environments = Array.isArray(w.environments) ? (w.environments as unknown[]) : [];
  if (!failed.has('environments') && !environments.includes(env.name))
    issues.add(
      f('environments'),
      w.environments,
      `must include ${env.name} to be defined for environment ${env.name}`,
    );

  const ephemeral = (w.ephemeral as boolean | undefined) ?? WORKLOAD_DEFAULTS.ephemeral;
  const ttlHours = (w.ttlHours as number | undefined) ?? (ephemeral ? env.defaultTtlHours : 0);
  if (!failed.has('ttlHours')) {
    checkTtlHours(issues, f('ttlHours'), ttlHours);
    if (
      ephemeral === true &&
      env.maxTtlHours !== undefined &&
      typeof ttlHours === 'number' &&
      (ttlHours === 0 || ttlHours > env.maxTtlHours)
    )
      issues.add(
        f('ttlHours'),
        ttlHours,
        `must be from 1 to ${env.maxTtlHours}: environment ${env.name} sets maxTtlHours ${env.maxTtlHours} (0, never expire, is not allowed there)`,
      );
  }
  if (w.tags !== undefined && !failed.has('tags')) {
    checkTags(issues, f('tags'), w.tags);
    const total = Object.keys({ ...env.tags, ...(w.tags as object) }).length;
    if (total > MAX_USER_TAGS)
      issues.add(
        f('tags'),
        total,
        `must make at most ${MAX_USER_TAGS} tags with the environment's (${Object.keys(env.tags).length})`,
      );
  }
  if (!failed.has('suppressions')) checkSuppressions(issues, f('suppressions'), w.suppressions);

  const present = sections.filter((s) => w[s.key] !== undefined);
  if (present.length === 0 && sections.length > 0)
    issues.add(
      label,
      Object.keys(w).filter((k) => !(WORKLOAD_TOP_LEVEL_KEYS as readonly string[]).includes(k)),
      `must declare at least one section (${sections.map((s) => s.key).join(', ')}): a workload without resources is an empty stack`,
    );

  // Declarations of every section, also of those that failed their schema, so a reference to a
  // misspelt item is not reported twice.
  const declarations: WorkloadDeclaration[] = [];
  for (const s of present) {
    try {
      declarations.push(...(s.declares?.(w[s.key], f(s.key)) ?? []));
    } catch {
      // `declares` must not throw; a section that does declares nothing.
    }
  }
  const byName = new Map<string, WorkloadDeclaration>();
  for (const d of declarations) {
    const k = `${d.kind}\0${d.name}`;
    const first = byName.get(k);
    if (first)
      issues.add(
        d.field,
        d.name,
        `must be unique: ${d.kind} ${JSON.stringify(d.name)} is already declared at ${first.field}`,
      );
    else byName.set(k, d);
  }
  const name = typeof w.name === 'string' ? w.name : '';
  const resolved: Record<string, unknown> = {};
  const declaredSuppressions: RuleSuppression[] = [];
  for (const s of present) {
    if (failed.has(s.key)) continue;
    const before = issues.issues.length;
    const r = s.resolve(w[s.key] as never, {
      env,
      workload: name,
      issues,
      field: f(s.key),
      ephemeral: ephemeral === true,
      network: (w.network as WorkloadNetworkMode | undefined) ?? WORKLOAD_DEFAULTS.network,
      declared: (kind, n) => byName.has(`${kind}\0${n}`),
      sectionInput: (key) => (failed.has(key) ? undefined : w[key]),
    });
    if (r === undefined && issues.issues.length === before)
      throw new Error(`section ${s.key} resolved to nothing without reporting a problem`);
    resolved[s.key] = r;
    if (r !== undefined && s.suppressions) declaredSuppressions.push(...s.suppressions(r));
  }

  issues.throwIfAny(`workload ${JSON.stringify(w.name)} in environment ${env.name}`);

  return Object.freeze({
    name,
    env,
    environments: Object.freeze([...(w.environments as string[])]),
    network: (w.network as WorkloadNetworkMode | undefined) ?? WORKLOAD_DEFAULTS.network,
    ephemeral,
    ttlHours,
    ...(w.description !== undefined ? { description: w.description as string } : {}),
    tags: Object.freeze({ ...((w.tags as Record<string, string> | undefined) ?? {}) }),
    suppressions: Object.freeze([
      ...((w.suppressions as RuleSuppression[] | undefined) ?? []),
      ...declaredSuppressions,
    ]),
    sections: Object.freeze(resolved),
  });
}

/** A workload read from YAML, before it is defined for an environment. */
export interface ParsedWorkloadYaml {
  /** The document as plain data (undefined when the YAML did not parse). */
  readonly input: unknown;
  /** Where the file is, for messages. */
  readonly source: string;
  /** Line (1-based) of the value at `segments`, when the document has one. */
  line(segments: readonly (string | number)[]): number | undefined;
  /** Syntax errors, as field/value/rule (empty when it parsed). */
  readonly syntaxIssues: readonly { field: string; value: unknown; rule: string }[];
}

/**
 * Parses a workload's YAML, keeping where each value is so problems can name their line.
 * Duplicate keys and anchors/aliases beyond plain data are syntax errors.
 */
export function parseWorkloadYaml(text: string, source: string): ParsedWorkloadYaml {
  const YAML = yamlModule();
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxIssues = [...doc.errors].map((e) => ({
    field: `workload file ${source}`,
    value: e.linePos?.[0] ? `line ${e.linePos[0].line}` : undefined,
    rule: `must be valid YAML: ${e.message.split('\n')[0]}`,
  }));
  return {
    input: syntaxIssues.length ? undefined : (doc.toJS({ maxAliasCount: 100 }) as unknown),
    source,
    syntaxIssues,
    line: (segments) => {
      const node = doc.getIn(segments, true) as { range?: [number, number, number] } | undefined;
      const at = node && typeof node === 'object' ? node.range?.[0] : undefined;
      return at === undefined ? undefined : lineCounter.linePos(at).line;
    },
  };
}

/**
 * Defines a parsed YAML workload for `env` with {@link defineWorkload}'s validator, adding the
 * line of each problem's value to its rule.
 *
 * @throws ConfigValidationError when anything is wrong.
 */
export function defineParsedWorkload(
  parsed: ParsedWorkloadYaml,
  env: Environment,
  options: DefineWorkloadOptions = {},
): Workload {
  if (parsed.syntaxIssues.length)
    throw new ConfigValidationError(`workload file ${parsed.source}`, parsed.syntaxIssues);
  try {
    return checkWorkload(parsed.input, env, options.sections ?? WORKLOAD_SECTIONS);
  } catch (e) {
    if (!(e instanceof ConfigValidationError)) throw e;
    const name = (parsed.input as { name?: unknown } | null)?.name;
    const label = workloadLabel(env.name, name);
    const located = e.issues.map((i) => {
      const segments = fieldSegments(label, i.field);
      const line = segments && segments.length ? parsed.line(segments) : undefined;
      return line === undefined ? i : { ...i, rule: `${i.rule} (${parsed.source}:${line})` };
    });
    throw new ConfigValidationError(`workload file ${parsed.source}`, located);
  }
}

/**
 * Reads and defines a YAML workload for `env`: `source` is a file path, or `{ text, path? }`.
 * Same validator as {@link defineWorkload}.
 *
 * @throws ConfigValidationError when the file cannot be read or anything in it is wrong.
 */
export function loadWorkloadYaml(
  source: string | { readonly text: string; readonly path?: string },
  env: Environment,
  options: DefineWorkloadOptions = {},
): Workload {
  let text: string;
  let path: string;
  if (typeof source === 'string') {
    path = source;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      text = (require('node:fs') as typeof import('node:fs')).readFileSync(source, 'utf8');
    } catch (err) {
      throw new ConfigValidationError(`workload file ${source}`, [
        {
          field: `workload file ${source}`,
          value: source,
          rule: `must be a readable file (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
        },
      ]);
    }
  } else {
    text = source.text;
    path = source.path ?? 'workload.yaml';
  }
  return defineParsedWorkload(parseWorkloadYaml(text, path), env, options);
}
