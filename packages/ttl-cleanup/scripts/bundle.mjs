// Bundles the reaper Lambda (dist/lambda/index.js) and the destroyer task script
// (dist/destroyer-task/index.js) with esbuild: minified, CommonJS, Node 22, SDK clients included.
// core's index also loads cdktf (for its tag aspect); the handlers only use core's plain
// functions and constants, so cdktf and constructs are replaced by an empty module here rather
// than bundling the whole CDKTF runtime into a Lambda.
import { build } from 'esbuild';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { deterministicZip } from './deterministic-zip.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const stubConstructLibraries = {
  name: 'stub-construct-libraries',
  setup(b) {
    b.onResolve({ filter: /^(cdktf|constructs)$/ }, (args) => ({
      path: args.path,
      namespace: 'stub',
    }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

async function bundle(entry, outDir) {
  const out = join(root, 'dist', outDir);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const outfile = join(out, 'index.js');
  await build({
    entryPoints: [join(root, 'src', entry)],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    legalComments: 'none',
    // Prefer ESM builds of the SDK so unused code is tree-shaken.
    mainFields: ['module', 'main'],
    // Workspace packages the handlers import (the sweep library) are bundled from their
    // TypeScript through this export condition: their CommonJS dist would defeat tree-shaking
    // and pull in every command of every SDK client they import.
    // Naming conditions drops esbuild's implicit 'module' one, so it is named again.
    conditions: ['@automock/source', 'module'],
    plugins: [stubConstructLibraries],
    logLevel: 'warning',
  });
  const { size } = await stat(outfile);
  console.log(`${outDir}: ${(size / 1024).toFixed(0)} KiB`);
}

await bundle('runtime/lambda.ts', 'lambda');
// The Lambda's deployment package, built once here rather than zipped at every synthesis.
const zip = deterministicZip([
  { name: 'index.js', data: await readFile(join(root, 'dist', 'lambda', 'index.js')) },
]);
await writeFile(join(root, 'dist', 'lambda', 'reaper.zip'), zip);
console.log(`lambda zip: ${(zip.length / 1024).toFixed(0)} KiB`);
// Beside dist/runtime, where tsc puts the compiled handler modules.
await bundle('runtime/destroyer/main.ts', 'destroyer-task');
