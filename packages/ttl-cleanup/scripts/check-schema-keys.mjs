#!/usr/bin/env node
// Checks that literal-schema-keys.mjs changes no schema: each SDK schema module the reaper's
// bundles take in is bundled on its own as published and as rewritten, both are run, and every
// export is compared, following the schemas' lazy references. Exits 1 naming the first
// difference. src/runtime/lambda.test.ts runs it against the installed SDK.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

import { BUNDLES, bundleOptions, root } from './bundle-options.mjs';
import {
  SCHEMA_MODULE,
  literalSchemaKeys,
  literalSchemaKeysPlugin,
} from './literal-schema-keys.mjs';

async function schemaModules() {
  const files = new Set();
  for (const entry of Object.values(BUNDLES)) {
    const { metafile } = await build({
      ...bundleOptions(entry),
      outfile: 'check.js',
      write: false,
      metafile: true,
    });
    for (const input of Object.keys(metafile.inputs))
      if (SCHEMA_MODULE.test(input)) files.add(resolve(root, input));
  }
  return [...files].sort();
}

async function run(file, plugins) {
  const { outputFiles } = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'],
    plugins,
    logLevel: 'error',
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', outputFiles[0].text)(
    module,
    module.exports,
    createRequire(file),
  );
  return module.exports;
}

const isLazy = (f) => f.length === 0 && /^\(\) =>/.test(f.toString());

/** Throws naming the first place published and rewritten differ. */
function compare(a, b, path, seen = new Map()) {
  if (typeof a !== typeof b) throw new Error(`${path}: ${typeof a} vs ${typeof b}`);
  if (a === null || (typeof a !== 'object' && typeof a !== 'function')) {
    if (!Object.is(a, b)) throw new Error(`${path}: ${String(a)} vs ${String(b)}`);
    return;
  }
  if (seen.get(a) === b) return;
  seen.set(a, b);
  if (typeof a === 'function') {
    // Error classes come from two separate bundles: the same class has the same name.
    if (/^class\b/.test(a.toString())) {
      if (a.name !== b.name) throw new Error(`${path}: class ${a.name} vs ${b.name}`);
    } else if (isLazy(a) && isLazy(b)) {
      compare(a(), b(), `${path}()`, seen);
    } else if (a.toString() !== b.toString()) {
      throw new Error(`${path}: functions differ`);
    }
    return;
  }
  const kind = (o) => Object.getPrototypeOf(o)?.constructor?.name;
  if (kind(a) !== kind(b)) throw new Error(`${path}: ${kind(a)} vs ${kind(b)}`);
  if (a instanceof Map) return compare([...a], [...b], `${path}<entries>`, seen);
  const keys = Reflect.ownKeys(a).map(String);
  const other = Reflect.ownKeys(b).map(String);
  if (keys.join('\0') !== other.join('\0'))
    throw new Error(`${path}: keys [${keys}] vs [${other}]`);
  for (const k of Reflect.ownKeys(a)) compare(a[k], b[k], `${path}.${String(k)}`, seen);
}

let keys = 0;
const files = await schemaModules();
for (const file of files) {
  const name = file.slice(file.lastIndexOf('@aws-sdk/'));
  keys += literalSchemaKeys(await readFile(file, 'utf8')).replaced;
  const [published, rewritten] = await Promise.all([
    run(file, []),
    run(file, [literalSchemaKeysPlugin]),
  ]);
  try {
    compare(published, rewritten, name);
  } catch (e) {
    console.error(`check-schema-keys: the rewrite changes ${e.message}`);
    process.exit(1);
  }
}
console.log(
  `check-schema-keys: ${files.length} schema modules unchanged, ${keys} keys made literal`,
);
