import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { workflowsDir } from './workflow-files';

const ROOT = path.resolve(workflowsDir(), '..', '..');

/**
 * Tracked files Prettier must leave alone: byte-exact test data (encodings, a byte-order mark) and
 * the lockfile, which pnpm writes.
 */
const PRETTIER_EXEMPT = /^(packages\/core\/fixtures\/expectations\/|pnpm-lock\.yaml$)/;

/**
 * Asks Prettier and ESLint themselves (their Node APIs, with the repository's own configuration
 * and ignore files) about each file, in a child process: both load ES modules, which jest's
 * CommonJS runtime cannot.
 */
function askTools(files: readonly string[]): {
  prettier: { file: string; ignored: boolean; parser: string | null }[];
  eslint: { file: string; ignored: boolean }[];
} {
  const script = `
    import * as prettier from 'prettier';
    import { ESLint } from 'eslint';
    const files = JSON.parse(process.argv[1]);
    const eslint = new ESLint({ cwd: process.cwd() });
    const out = { prettier: [], eslint: [] };
    for (const file of files) {
      // Without ignore files for the parser: an ignored file reports none.
      const parser = (await prettier.getFileInfo(file, { ignorePath: [] })).inferredParser;
      const { ignored } = await prettier.getFileInfo(file, { ignorePath: ['.prettierignore', '.gitignore'] });
      out.prettier.push({ file, ignored, parser });
      if (/\\.(c|m)?(j|t)s$/.test(file)) out.eslint.push({ file, ignored: await eslint.isPathIgnored(file) });
    }
    process.stdout.write(JSON.stringify(out));
  `;
  const res = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(files)],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (res.status !== 0) throw new Error(`prettier/eslint probe failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

describe('format:check and lint cover every file they can check', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  const answers = askTools(tracked);

  it('reads the repository (the probe sees files of every kind)', () => {
    expect(tracked).toEqual(expect.arrayContaining(['README.md', 'turbo.json']));
    const parsers = new Set(answers.prettier.map((p) => p.parser));
    for (const p of ['markdown', 'typescript', 'babel', 'json', 'yaml'])
      expect(parsers).toContain(p);
  });

  it('Prettier ignores no tracked file it can format, but byte-exact fixtures and the lockfile', () => {
    const ignored = answers.prettier
      .filter((p) => p.parser && p.ignored && !PRETTIER_EXEMPT.test(p.file))
      .map((p) => p.file);
    expect(ignored).toEqual([]);
    // The exemption is real: those fixtures stay unformatted on purpose.
    expect(
      answers.prettier.some((p) => PRETTIER_EXEMPT.test(p.file) && p.parser && p.ignored),
    ).toBe(true);
  });

  it('ESLint ignores no tracked JavaScript or TypeScript file', () => {
    expect(answers.eslint.length).toBeGreaterThan(100);
    expect(answers.eslint.filter((e) => e.ignored).map((e) => e.file)).toEqual([]);
  });

  it("every TypeScript file sits in a package's src/, which that package's `eslint src` lints", () => {
    const outside = tracked.filter(
      (f) => /\.(c|m)?ts$/.test(f) && !/^(packages\/[^/]+|stacks)\/src\//.test(f),
    );
    expect(outside).toEqual([]);
  });
});
