import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const quietWarnings = join(resolve(__dirname, '..'), 'bin', 'quiet-warnings.js');

/** Runs `body` in a Node.js process of its own after quietDependencyWarnings(argv); its stderr. */
function stderrOf(argv: string[], body: string): string {
  const script = `require(${JSON.stringify(quietWarnings)}).quietDependencyWarnings(${JSON.stringify(argv)});\n${body}`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(res.status).toBe(0);
  return res.stderr;
}

describe('quietDependencyWarnings (bin/quiet-warnings.js)', () => {
  const emits = `
    process.emitWarning('dep one', 'DeprecationWarning', 'DEP0044');
    process.emitWarning('dep two', { type: 'DeprecationWarning', code: 'DEP0044' });
    process.emitWarning(Object.assign(new Error('dep three'), { name: 'DeprecationWarning', code: 'DEP0044' }));
    process.emitWarning('another', 'DeprecationWarning', 'DEP0999');
    process.emitWarning('plain');`;

  it("drops DEP0044 in each of emitWarning's forms and prints every other warning", () => {
    const stderr = stderrOf([], emits);
    expect(stderr).not.toContain('DEP0044');
    expect(stderr).not.toContain('dep ');
    expect(stderr).toContain('[DEP0999] DeprecationWarning: another');
    expect(stderr).toContain('Warning: plain');
  });

  it('prints them all with --verbose', () => {
    const stderr = stderrOf(['synth', '--verbose'], emits);
    for (const text of ['dep one', 'dep two', 'dep three', 'another', 'plain'])
      expect(stderr).toContain(text);
  });

  it("silences cdktf's call of util.isArray, which Node.js 22 and later deprecate at run time", () => {
    const call = `require('node:util').isArray([]);`;
    const node = Number(process.versions.node.split('.')[0]);
    if (node >= 22)
      // What the CLI would otherwise print on every synthesis.
      expect(stderrOf(['--verbose'], call)).toContain('[DEP0044] DeprecationWarning');
    expect(stderrOf(['synth'], call)).toBe('');
  });
});
