import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cdktfCliUnusable } from './cdktf-cli';

const ROOT = resolve(__dirname, '..', '..', '..');

describe('cdktfCliUnusable', () => {
  it('says cdktf synth runs on this Node.js exactly when node-pty ships a binary for its ABI', () => {
    const cli = dirname(require.resolve('cdktf-cli/package.json', { paths: [ROOT] }));
    const pty = dirname(
      require.resolve('@cdktf/node-pty-prebuilt-multiarch/package.json', { paths: [cli] }),
    );
    const abi = process.versions.modules;
    const shipped = existsSync(
      join(pty, 'prebuilds', `${process.platform}-${process.arch}`, `node.abi${abi}.node`),
    );
    expect(cdktfCliUnusable(ROOT)).toBe(
      shipped
        ? undefined
        : `cdktf-cli's node-pty has no binary for Node.js ${process.version} (ABI ${abi})`,
    );
  });

  it('says so when cdktf-cli is missing, or installed without its node-pty', () => {
    const root = mkdtempSync(join(tmpdir(), 'automock-cdktf-cli-'));
    try {
      expect(cdktfCliUnusable(root)).toBe('cdktf-cli is not installed');
      mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
      writeFileSync(join(root, 'node_modules', '.bin', 'cdktf'), '');
      expect(cdktfCliUnusable(root)).toMatch(
        /^cdktf-cli or its node-pty cannot be found: .*'cdktf-cli\/package.json'/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
