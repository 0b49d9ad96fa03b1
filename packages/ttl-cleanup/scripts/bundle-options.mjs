// The esbuild options of the reaper's bundles, shared by scripts/bundle.mjs and by
// scripts/check-schema-keys.mjs, which checks the SDK schema modules these bundles take in.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { literalSchemaKeysPlugin } from './literal-schema-keys.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** dist/ directory -> entry point under src/. */
export const BUNDLES = {
  lambda: 'runtime/lambda.ts',
  'destroyer-task': 'runtime/destroyer/main.ts',
};

// core's index also loads cdktf (for its tag aspect); the handlers only use core's plain
// functions and constants, so cdktf and constructs are replaced by an empty module here rather
// than bundling the whole CDKTF runtime into a Lambda.
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

/** Minified CommonJS for Node 22 with the SDK clients included, from src/<entry>. */
export function bundleOptions(entry) {
  return {
    entryPoints: [join(root, 'src', entry)],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    legalComments: 'none',
    // Prefer ESM builds of the SDK so unused code is tree-shaken.
    mainFields: ['module', 'main'],
    // Workspace packages the handlers import (the sweep library, the registry client, core) are
    // bundled from their TypeScript through this export condition: their CommonJS dist would
    // defeat tree-shaking, pulling in every command of every SDK client they import and, for
    // core, ajv and yaml, which no handler calls.
    // Naming conditions drops esbuild's implicit 'module' one, so it is named again.
    conditions: ['@automock/source', 'module'],
    plugins: [stubConstructLibraries, literalSchemaKeysPlugin],
    logLevel: 'warning',
  };
}
