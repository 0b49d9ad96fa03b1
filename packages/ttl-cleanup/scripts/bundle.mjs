// Bundles the reaper Lambda (dist/lambda/index.js) and the destroyer task script
// (dist/destroyer-task/index.js) with esbuild (options in bundle-options.mjs).
import { build } from 'esbuild';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { BUNDLES, bundleOptions, root } from './bundle-options.mjs';
import { deterministicZip } from './deterministic-zip.mjs';

async function bundle(outDir) {
  const out = join(root, 'dist', outDir);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const outfile = join(out, 'index.js');
  await build({ ...bundleOptions(BUNDLES[outDir]), outfile });
  const { size } = await stat(outfile);
  console.log(`${outDir}: ${(size / 1024).toFixed(0)} KiB`);
}

await bundle('lambda');
// The Lambda's deployment package, built once here rather than zipped at every synthesis.
const zip = deterministicZip([
  { name: 'index.js', data: await readFile(join(root, 'dist', 'lambda', 'index.js')) },
]);
await writeFile(join(root, 'dist', 'lambda', 'reaper.zip'), zip);
console.log(`lambda zip: ${(zip.length / 1024).toFixed(0)} KiB`);
// Beside dist/runtime, where tsc puts the compiled handler modules.
await bundle('destroyer-task');
