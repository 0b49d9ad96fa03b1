import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
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

/**
 * A maker of copies of the package's build output (`dist/`, from `pnpm build`), removed once the
 * test file is done, for tests that change a built file. Each copy is a directory beside the
 * package, in `node_modules/.cache/<prefix>-XXXXXX`, so it resolves the same dependencies, with
 * `dist/` copied and the declarations the default app reads (`projects/`, `workloads/`) linked.
 * Returns the copy's root: its `dist/main.js` synthesises the default app.
 */
export function buildCopies(): (prefix: string) => string {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const stacksDir = join(__dirname, '..', '..');
  return (prefix) => {
    const cacheRoot = join(stacksDir, 'node_modules', '.cache');
    mkdirSync(cacheRoot, { recursive: true });
    const copy = mkdtempSync(join(cacheRoot, `${prefix}-`));
    made.push(copy);
    cpSync(join(stacksDir, 'dist'), join(copy, 'dist'), { recursive: true });
    for (const data of ['projects', 'workloads'])
      symlinkSync(join(stacksDir, data), join(copy, data));
    return copy;
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
