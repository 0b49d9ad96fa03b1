import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { failedDriftSummary, parseDrift, StackDriftSummary } from './drift';
import { failedStackSummary, parsePlanJson, StackPlanSummary } from './plan-json';

/** Per-stack results gathered from the plan jobs' files. */
export interface GatheredResults<T> {
  /** One summary per stack, sorted by stack name. */
  readonly summaries: T[];
  /** Plain plan text (or error output) per stack. */
  readonly plans: Map<string, string>;
}

/** Per-stack plan results. */
export type GatheredPlans = GatheredResults<StackPlanSummary>;

const SUFFIXES = ['.json', '.txt', '.status'] as const;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/**
 * Reads the results the plan jobs uploaded into `dir` (searched recursively, so one folder per
 * artifact works as well as merged artifacts): `<stack>.json` (`terraform show -json`, reduced),
 * `<stack>.txt` (`terraform show` text, or the error output of a failed plan) and `<stack>.status`
 * (the exit code of `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, anything else
 * failed), and summarises each stack with `parse`. A stack named in `expected` with no files at
 * all is reported as failed, so a job that died before uploading cannot pass unnoticed.
 */
export async function gatherResults<T>(
  dir: string,
  expected: readonly string[],
  parse: (json: string, stack: string) => T,
  failed: (stack: string, error: string) => T,
): Promise<GatheredResults<T>> {
  const files = new Map<string, Partial<Record<(typeof SUFFIXES)[number], string>>>();
  for (const file of await walk(dir)) {
    const base = path.basename(file);
    const suffix = SUFFIXES.find((s) => base.endsWith(s));
    if (!suffix) continue;
    const stack = base.slice(0, -suffix.length);
    if (stack === '') continue;
    const entry = files.get(stack) ?? {};
    entry[suffix] = file;
    files.set(stack, entry);
  }
  for (const stack of expected) if (!files.has(stack)) files.set(stack, {});

  const summaries: T[] = [];
  const plans = new Map<string, string>();
  for (const stack of [...files.keys()].sort()) {
    const f = files.get(stack)!;
    const text = f['.txt'] ? await fs.readFile(f['.txt'], 'utf8') : undefined;
    if (text !== undefined) plans.set(stack, text);
    const statusText = f['.status'] ? (await fs.readFile(f['.status'], 'utf8')).trim() : undefined;
    if (f['.json'] === undefined && statusText === undefined && text === undefined) {
      summaries.push(
        failed(stack, 'no plan results were uploaded (the plan job failed before finishing)'),
      );
      continue;
    }
    if (statusText !== undefined && statusText !== '0' && statusText !== '2') {
      summaries.push(failed(stack, `terraform exited with status ${JSON.stringify(statusText)}`));
      continue;
    }
    if (f['.json'] === undefined) {
      summaries.push(failed(stack, 'no plan JSON was uploaded'));
      continue;
    }
    try {
      summaries.push(parse(await fs.readFile(f['.json'], 'utf8'), stack));
    } catch (e) {
      summaries.push(failed(stack, (e as Error).message));
    }
  }
  return { summaries, plans };
}

/** {@link gatherResults} of pull request plans: what each plan would do. */
export function gatherPlanResults(
  dir: string,
  expected: readonly string[] = [],
): Promise<GatheredPlans> {
  return gatherResults(
    dir,
    expected,
    (json, stack) => parsePlanJson(json, { stack }),
    failedStackSummary,
  );
}

/** {@link gatherResults} of refresh-only plans: what changed outside Terraform. */
export function gatherDriftResults(
  dir: string,
  expected: readonly string[] = [],
): Promise<GatheredResults<StackDriftSummary>> {
  return gatherResults(
    dir,
    expected,
    (json, stack) => parseDrift(json, { stack }),
    failedDriftSummary,
  );
}
