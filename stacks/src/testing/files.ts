import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * A maker of temporary directories (`<tmpdir>/<prefix>-XXXXXX`) that are removed once the test
 * file is done. Call it at the top of a test file: it registers jest's `afterAll`.
 */
export function tempDirs(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), `${prefix}-`));
    made.push(d);
    return d;
  };
}

/** Every file under `root`: its path relative to `root`, to its content in base64. */
export function fileTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[relative(root, full)] = readFileSync(full).toString('base64');
    }
  };
  walk(root);
  return out;
}
