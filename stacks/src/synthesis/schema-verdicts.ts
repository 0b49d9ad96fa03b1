import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SchemaVerdict, SchemaVerdictMemo } from '@automock/core';

/** The file in the synthesis cache holding JSON Schema verdicts. */
export const SCHEMA_VERDICTS = 'json-schema-verdicts.json';

/** Entries kept past a run that did not use them, at most. */
const MAX_ENTRIES = 10_000;

interface VerdictFile {
  readonly fingerprint: string;
  readonly verdicts: Record<string, SchemaVerdict>;
}

/**
 * core's JSON Schema verdicts (`withSchemaVerdictMemo`) kept in one file of the synthesis cache,
 * for the code fingerprint they were reached with: a new fingerprint (core, ajv, anything of the
 * app's code) starts afresh. Schemas are keyed by the SHA-256 of their JSON text.
 */
export class SchemaVerdictFile implements SchemaVerdictMemo {
  private entries: Record<string, SchemaVerdict> | undefined;
  private readonly used = new Set<string>();
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly fingerprint: string,
  ) {}

  get(schemaText: string): SchemaVerdict | undefined {
    const key = digest(schemaText);
    const verdict = this.load()[key];
    if (verdict !== undefined) this.used.add(key);
    return verdict;
  }

  put(schemaText: string, verdict: SchemaVerdict): void {
    const key = digest(schemaText);
    this.load()[key] = verdict;
    this.used.add(key);
    this.dirty = true;
  }

  /** Writes the file when a verdict was added (aside, then renamed: readers never see half). */
  save(): void {
    if (!this.dirty || !this.entries) return;
    let verdicts = this.entries;
    if (Object.keys(verdicts).length > MAX_ENTRIES)
      verdicts = Object.fromEntries([...this.used].map((k) => [k, this.entries![k]!]));
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const content: VerdictFile = { fingerprint: this.fingerprint, verdicts };
      writeFileSync(tmp, JSON.stringify(content));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // A cache that cannot be written only costs time on the next run.
      rmSync(tmp, { force: true });
    }
  }

  private load(): Record<string, SchemaVerdict> {
    if (this.entries) return this.entries;
    this.entries = {};
    try {
      const content = JSON.parse(readFileSync(this.file, 'utf8')) as VerdictFile;
      if (content.fingerprint === this.fingerprint && typeof content.verdicts === 'object')
        this.entries = { ...content.verdicts };
    } catch {
      // None yet, or unreadable: every schema is checked.
    }
    return this.entries;
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
