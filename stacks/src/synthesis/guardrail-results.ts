import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RuleResult, RuleResultsMemo, StackRuleResults } from '@automock/guardrails';

/** The file in the synthesis cache holding the guardrails' results per stack. */
export const GUARDRAIL_RESULTS = 'guardrail-results.json';

/** Entries kept past a run that did not use them, at most. */
const MAX_ENTRIES = 10_000;

interface ResultFile {
  readonly fingerprint: string;
  readonly results: Record<string, StackRuleResults>;
}

/**
 * What the guardrails' rules found in each stack (`checkStacks`' results memo), kept in one file
 * of the synthesis cache for the code fingerprint they were found with: a new fingerprint (the
 * rules, anything of the app's code) starts afresh. Keys are the SHA-256 of the engine's key
 * (the stack's cache key and everything else the rules read). A damaged entry is checked again.
 * Nothing is written until {@link save}, which synthesis calls only once it has succeeded.
 */
export class GuardrailResultFile implements RuleResultsMemo {
  private entries: Record<string, StackRuleResults> | undefined;
  private readonly used = new Set<string>();
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly fingerprint: string,
  ) {}

  get(key: string): StackRuleResults | undefined {
    const k = digest(key);
    const results = this.load()[k];
    if (!isResults(results)) return undefined;
    this.used.add(k);
    return results;
  }

  put(key: string, results: StackRuleResults): void {
    const k = digest(key);
    this.load()[k] = results;
    this.used.add(k);
    this.dirty = true;
  }

  /** Writes the file when results were added (aside, then renamed: readers never see half). */
  save(): void {
    if (!this.dirty || !this.entries) return;
    let results = this.entries;
    if (Object.keys(results).length > MAX_ENTRIES)
      results = Object.fromEntries([...this.used].map((k) => [k, this.entries![k]!]));
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const content: ResultFile = { fingerprint: this.fingerprint, results };
      writeFileSync(tmp, JSON.stringify(content));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A cache that cannot be written only costs time on the next run.
      rmSync(tmp, { force: true });
    }
  }

  private load(): Record<string, StackRuleResults> {
    if (this.entries) return this.entries;
    this.entries = {};
    try {
      const content = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<ResultFile>;
      if (
        content.fingerprint === this.fingerprint &&
        typeof content.results === 'object' &&
        content.results !== null
      )
        this.entries = { ...content.results };
    } catch {
      // None yet, or unreadable: every stack is checked.
    }
    return this.entries;
  }
}

function isResults(v: unknown): v is StackRuleResults {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.values(v).every((list) => Array.isArray(list) && list.every(isResult));
}

function isResult(v: unknown): v is RuleResult {
  const r = v as Partial<Record<keyof RuleResult, unknown>> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.address === 'string' &&
    typeof r.message === 'string' &&
    (r.path === undefined || typeof r.path === 'string')
  );
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
