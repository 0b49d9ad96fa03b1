import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The repository's package boundaries: packages meet through their exports maps, the lint rule
// that enforces it really refuses a reach into another package, and this package stays a test
// dependency.

const ROOT = resolve(__dirname, '..', '..', '..');
const PACKAGE_DIRS = [
  'stacks',
  ...readdirSync(join(ROOT, 'packages')).map((d) => join('packages', d)),
].filter((d) => existsSync(join(ROOT, d, 'package.json')));

interface PackageJson {
  name: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const packages = PACKAGE_DIRS.map((dir) => ({
  dir,
  json: JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as PackageJson,
}));

/** What ESLint, with the repository's configuration, reports for `code` saved as `file`. */
function lint(file: string, code: string): { line: number; ruleId: string | null }[] {
  const pkg = require.resolve('eslint/package.json');
  const bin = (JSON.parse(readFileSync(pkg, 'utf8')) as { bin: { eslint: string } }).bin.eslint;
  const eslint = join(pkg, '..', bin);
  let out: string;
  try {
    out = execFileSync(
      process.execPath,
      [eslint, '--stdin', '--stdin-filename', file, '--format', 'json'],
      { cwd: ROOT, input: code, encoding: 'utf8' },
    );
  } catch (e) {
    // Exit 1 means problems were found; the report is on stdout all the same.
    out = (e as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { messages: { line: number; ruleId: string | null }[] }[])[0]!
    .messages;
}

describe('package boundaries', () => {
  it('every package declares its public entry points in an exports map', () => {
    const without = packages.filter((p) => !p.json.exports).map((p) => p.json.name);
    expect(without).toEqual([]);
    for (const p of packages) expect(Object.keys(p.json.exports!)).toContain('./package.json');
  });

  it('no package needs @automock/test-support at run time', () => {
    const offenders = packages
      .filter((p) => p.json.dependencies?.['@automock/test-support'])
      .map((p) => p.json.name);
    expect(offenders).toEqual([]);
    // It is used, as a devDependency, by the packages whose tests share it.
    const users = packages
      .filter((p) => p.json.devDependencies?.['@automock/test-support'])
      .map((p) => p.json.name);
    expect(users).toEqual(expect.arrayContaining(['@automock/registry', '@automock/ttl-cleanup']));
  });

  it('the lint rule refuses reaches into another package and allows its entry points', () => {
    const lines = [
      "import { a } from '@automock/teardown/dist/sweep';", // 1: refused
      "import { b } from '@automock/teardown';", // 2
      "import { c } from '@automock/ttl-cleanup/runtime';", // 3
      "import { d } from '../../teardown/src/sweep';", // 4: refused
      "import { e } from './services/errors';", // 5
      "import preset = require('../../../jest.preset.js');", // 6: the shared root configuration
      "export * from '@automock/core/src/naming';", // 7: refused
      "type T = typeof import('@automock/registry/dist/deployment');", // 8: refused
      "const f = import('../../../stacks/src/app');", // 9: refused
      "const g = require.resolve('@automock/state-backend/dist/testing/emulators');", // 10: refused
      'console.log(a, b, c, d, e, preset, f, g);',
      'export type { T };',
    ];
    const found = lint('packages/cli/src/fixture.ts', lines.join('\n'))
      .filter((m) => m.ruleId === 'automock/package-boundaries')
      .map((m) => m.line);
    expect(found).toEqual([1, 4, 7, 8, 9, 10]);
  });

  it('a root script reaches packages by name too', () => {
    const found = lint(
      'scripts/fixture.mjs',
      "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconsole.log(require('../stacks/dist/index.js'), require('@automock/stacks'));\n",
    ).filter((m) => m.ruleId === 'automock/package-boundaries');
    expect(found.map((m) => m.line)).toEqual([3]);
  });
});
