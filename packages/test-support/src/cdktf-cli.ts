import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Why `cdktf synth` cannot run here, or undefined when it can. cdktf-cli 0.21 (its last release)
 * loads node-pty for `synth`, whose package carries binaries up to Node.js 22 (ABI 127): on
 * Node.js 24 it fails before synthesising anything. The CLI's synth test and `pnpm bench` compare
 * with `cdktf synth`, and say this instead when they cannot.
 *
 * @param repoRoot the repository whose node_modules hold cdktf-cli
 */
export function cdktfCliUnusable(repoRoot: string): string | undefined {
  if (!existsSync(join(repoRoot, 'node_modules', '.bin', 'cdktf')))
    return 'cdktf-cli is not installed';
  let pty: string;
  try {
    const cli = dirname(require.resolve('cdktf-cli/package.json', { paths: [repoRoot] }));
    pty = require.resolve('@cdktf/node-pty-prebuilt-multiarch', { paths: [cli] });
  } catch (e) {
    return `cdktf-cli or its node-pty cannot be found: ${(e as Error).message.split('\n')[0]}`;
  }
  // In a process of its own: a native module once loaded stays in the process that loaded it.
  const res = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(pty)})`], {
    encoding: 'utf8',
  });
  if (res.status === 0) return undefined;
  return `cdktf-cli's node-pty has no binary for Node.js ${process.version} (ABI ${process.versions.modules})`;
}
