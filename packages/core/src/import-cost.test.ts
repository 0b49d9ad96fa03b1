import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('importing core', () => {
  it('does not load cdktf (the CLI and the reaper Lambda use core without it)', () => {
    const dist = resolve(__dirname, '..', 'dist', 'index.js');
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(dist)}); console.log(Object.keys(require.cache).filter((k) => /[\\\\/](cdktf|constructs)[\\\\/]/.test(k)).length)`,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(loaded).toBe('0');
  });
});
