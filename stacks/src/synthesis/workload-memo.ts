// YAML workloads' definitions kept between syntheses: an unchanged file is neither parsed (the
// `yaml` package, ~70 modules) nor checked against the workload schema (`ajv`, ~60 modules and a
// schema compile) again. Loads neither.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Environment, Workload } from '@automock/core';
import type { WorkloadHeader, WorkloadMemo } from '../workloads';
import { canonicalJson } from './stack-cache';

/** The file in the synthesis cache holding workload definitions. */
export const WORKLOAD_DEFINITIONS = 'workload-definitions.json';

/** Entries kept past a run that did not use them, at most. */
const MAX_ENTRIES = 2_000;

/**
 * One remembered value: its JSON text, and the paths (property names and indices from the value)
 * of the objects that were frozen. Text, so every read makes fresh objects as a definition does.
 */
interface Entry {
  readonly json: string;
  readonly frozen: readonly (readonly (string | number)[])[];
}

interface DefinitionFile {
  readonly fingerprint: string;
  readonly headers: Record<string, Entry>;
  readonly definitions: Record<string, Entry>;
}

/**
 * {@link WorkloadMemo} kept in one file of the synthesis cache for the code fingerprint it was
 * filled with: a new fingerprint (core's validator and sections, `yaml`, `ajv`, anything of the
 * app's code) starts afresh. A file's entries are keyed by the SHA-256 of its text; a definition
 * also by the environment it is for. Only values that JSON gives back exactly are kept (plain
 * objects and arrays, strings, finite numbers, booleans, null; no shared or environment objects);
 * anything else is computed on every run.
 *
 * Nothing is written until {@link save}, which synthesis calls only once it has succeeded.
 */
export class WorkloadDefinitionFile implements WorkloadMemo {
  private content:
    { headers: Record<string, Entry>; definitions: Record<string, Entry> } | undefined;
  private readonly used = { headers: new Set<string>(), definitions: new Set<string>() };
  private dirty = false;
  private readonly digests = new Map<string, string>();

  constructor(
    private readonly file: string,
    private readonly fingerprint: string,
  ) {}

  header(text: string): WorkloadHeader | undefined {
    const read = this.read('headers', this.digest(text));
    if (!read) return undefined;
    const { value, frozenRoot } = read;
    if (!isRecord(value) || !('name' in value) || !('environments' in value)) return undefined;
    return (frozenRoot ? Object.freeze(value) : value) as unknown as WorkloadHeader;
  }

  putHeader(text: string, header: WorkloadHeader): void {
    this.write('headers', this.digest(text), header, new Set(), Object.isFrozen(header));
  }

  definition(text: string, env: Environment): Workload | undefined {
    const key = this.definitionKey(text, env);
    const read = key === undefined ? undefined : this.read('definitions', key);
    if (!read || !isDefinition(read.value)) return undefined;
    // The environment is the caller's object, as in a definition made now; then frozen as it was.
    const value = read.value as { env: Environment };
    value.env = env;
    return (read.frozenRoot ? Object.freeze(value) : value) as Workload;
  }

  putDefinition(text: string, env: Environment, workload: Workload): void {
    const key = this.definitionKey(text, env);
    if (key === undefined || workload.env !== env) return;
    // Stored with `env` in its place (key order is kept), and the environment's objects refused
    // anywhere else: JSON would give back copies where the definition shares them.
    this.write(
      'definitions',
      key,
      { ...workload, env: null },
      reachable(env),
      Object.isFrozen(workload),
    );
  }

  /** Writes the file when an entry was added (aside, then renamed: readers never see half). */
  save(): void {
    if (!this.dirty || !this.content) return;
    const keep = (kind: 'headers' | 'definitions') => {
      const all = this.content![kind];
      const names = Object.keys(all);
      if (names.length <= MAX_ENTRIES) return all;
      const used = this.used[kind];
      const rest = names.filter((k) => !used.has(k)).slice(0, Math.max(0, MAX_ENTRIES - used.size));
      return Object.fromEntries([...used, ...rest].map((k) => [k, all[k]!]));
    };
    const out: DefinitionFile = {
      fingerprint: this.fingerprint,
      headers: keep('headers'),
      definitions: keep('definitions'),
    };
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(out));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A memo that cannot be written only costs time on the next run.
      rmSync(tmp, { force: true });
    }
  }

  private digest(text: string): string {
    let d = this.digests.get(text);
    if (d === undefined) {
      d = createHash('sha256').update(text).digest('hex');
      this.digests.set(text, d);
    }
    return d;
  }

  private definitionKey(text: string, env: Environment): string | undefined {
    let envJson: string;
    try {
      envJson = canonicalJson(env);
    } catch {
      return undefined;
    }
    return createHash('sha256')
      .update(this.digest(text))
      .update('\0')
      .update(envJson)
      .digest('hex');
  }

  private read(
    kind: 'headers' | 'definitions',
    key: string,
  ): { value: unknown; frozenRoot: boolean } | undefined {
    const entry = this.load()[kind][key];
    if (entry === undefined) return undefined;
    try {
      const read = revive(entry);
      this.used[kind].add(key);
      return read;
    } catch {
      // A damaged entry is computed again (and replaced).
      return undefined;
    }
  }

  private write(
    kind: 'headers' | 'definitions',
    key: string,
    value: object,
    external: Set<object>,
    frozenRoot: boolean,
  ): void {
    const frozen: (string | number)[][] = frozenRoot ? [[]] : [];
    if (!survivesJson(value, [], external, new Set(), frozen, true)) return;
    this.load()[kind][key] = { json: JSON.stringify(value), frozen };
    this.used[kind].add(key);
    this.dirty = true;
  }

  private load(): { headers: Record<string, Entry>; definitions: Record<string, Entry> } {
    if (this.content) return this.content;
    this.content = { headers: {}, definitions: {} };
    try {
      const stored = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<DefinitionFile>;
      if (
        stored.fingerprint === this.fingerprint &&
        isRecord(stored.headers) &&
        isRecord(stored.definitions)
      )
        this.content = {
          headers: { ...(stored.headers as Record<string, Entry>) },
          definitions: { ...(stored.definitions as Record<string, Entry>) },
        };
    } catch {
      // None yet, or unreadable: every workload is parsed and checked.
    }
    return this.content;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value an entry holds, with the objects it records as frozen frozen again, but for the root:
 * whether that was frozen is returned, for the caller to freeze once it has filled in its part.
 *
 * @throws TypeError when the entry is damaged.
 */
function revive(entry: Entry): { value: unknown; frozenRoot: boolean } {
  if (typeof entry?.json !== 'string' || !Array.isArray(entry.frozen))
    throw new TypeError('not an entry');
  const value = JSON.parse(entry.json) as unknown;
  let frozenRoot = false;
  // Freezing an object leaves its children writable, so the order does not matter.
  for (const path of entry.frozen) {
    if (!Array.isArray(path)) throw new TypeError('not a path');
    let at: unknown = value;
    for (const k of path) {
      if (typeof at !== 'object' || at === null || !Object.hasOwn(at, k as PropertyKey))
        throw new TypeError('no such path');
      at = (at as Record<string | number, unknown>)[k as string | number];
    }
    if (typeof at !== 'object' || at === null) throw new TypeError('not an object');
    if (path.length === 0) frozenRoot = true;
    else Object.freeze(at);
  }
  return { value, frozenRoot };
}

function isDefinition(v: unknown): v is Workload {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const w = v as Record<string, unknown>;
  return (
    typeof w.name === 'string' &&
    'env' in w &&
    Array.isArray(w.environments) &&
    typeof w.network === 'string' &&
    typeof w.ephemeral === 'boolean' &&
    typeof w.ttlHours === 'number' &&
    isRecord(w.tags) &&
    Array.isArray(w.suppressions) &&
    isRecord(w.sections)
  );
}

/** Every object reachable from `root`. */
function reachable(root: unknown, into = new Set<object>()): Set<object> {
  if (typeof root !== 'object' || root === null || into.has(root)) return into;
  into.add(root);
  for (const v of Object.values(root)) reachable(v, into);
  return into;
}

/**
 * Whether `JSON.parse(JSON.stringify(value))`, with the objects at the paths collected in
 * `frozen` frozen again, is indistinguishable from `value`: plain objects and dense arrays of
 * data properties only, no undefined, -0, NaN or Infinity, no object reached twice or reachable
 * from `external`, no object made non-extensible short of being frozen.
 */
function survivesJson(
  value: unknown,
  path: (string | number)[],
  external: Set<object>,
  seen: Set<object>,
  frozen: (string | number)[][],
  root = false,
): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  if (seen.has(value) || external.has(value)) return false;
  seen.add(value);
  const isArray = Array.isArray(value);
  if (Object.getPrototypeOf(value) !== (isArray ? Array.prototype : Object.prototype)) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  // The root's frozenness is the caller's to record (a definition is frozen with its environment).
  if (!root) {
    if (Object.isFrozen(value)) frozen.push([...path]);
    else if (!Object.isExtensible(value)) return false;
  }
  const names = Object.getOwnPropertyNames(value);
  if (isArray && names.length !== (value as unknown[]).length + 1) return false;
  for (const name of names) {
    if (isArray && name === 'length') continue;
    const d = Object.getOwnPropertyDescriptor(value, name)!;
    if (!('value' in d) || !d.enumerable) return false;
    // A frozen object's properties are read-only; any other's must be writable and configurable.
    if (!Object.isFrozen(value) && (!d.writable || !d.configurable)) return false;
    const key = isArray ? Number(name) : name;
    if (isArray && !(Number.isInteger(key) && String(key) === name)) return false;
    if (!survivesJson(d.value, [...path, key], external, seen, frozen)) return false;
  }
  return true;
}
