import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** A parsed workflow file: its path, raw text and YAML document. */
export interface WorkflowFile {
  readonly name: string;
  readonly path: string;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly doc: any;
}

/** The repository's `.github/workflows` folder, found from this package. */
export function workflowsDir(from: string = __dirname): string {
  return path.resolve(from, '..', '..', '..', '.github', 'workflows');
}

/** Reads and parses every `*.yml` / `*.yaml` workflow (read at call time, never at import). */
export function loadWorkflows(dir: string = workflowsDir()): WorkflowFile[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((name) => {
      const p = path.join(dir, name);
      const text = readFileSync(p, 'utf8');
      return { name, path: p, text, doc: parse(text) };
    });
}

/** Every step of every job of a workflow, with the job id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function steps(wf: WorkflowFile): { job: string; step: any }[] {
  return Object.entries(wf.doc.jobs ?? {}).flatMap(([job, j]) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    ((j as any).steps ?? []).map((step: unknown) => ({ job, step })),
  );
}
