import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

describe('importing guardrails', () => {
  it('does not load cdktf or constructs: the pack reads Terraform JSON only', () => {
    const dist = resolve(__dirname, '..', 'dist', 'index.js');
    const loaded = execFileSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(dist)}); console.log(Object.keys(require.cache).filter((k) => /[\\\\/](cdktf|constructs|@cdktf)[\\\\/]/.test(k)).length)`,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(loaded).toBe('0');
  });
});
