// Part of `pnpm build`, after tsc: bundles dist/synthesis/stack-builder.js (the part of streamed
// synthesis that builds stacks) with everything it loads (cdktf, constructs, the construct
// packages, core) into one file, so a synthesis that rebuilds a stack reads and resolves one
// module instead of several hundred. The provider classes are written beside it, loaded when used
// (lazy-providers.js). synthesize-stacks.ts loads it in place of stack-builder.js when it is
// present and its inputs are unchanged (src/synthesis/bundle.test.ts checks both give
// byte-identical output).
//
// Modules that locate files next to themselves (`__dirname`, `__filename`: cdktf's zip helper
// runs its own file, the reaper points its Terraform asset at its Lambda bundle) get the paths
// of their original files, relative to the bundle, so the bundle behaves like the modules did.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { fastResolvePlugin } = require('./fast-resolve-plugin');
const { lazyProvidersPlugin, writeProviders } = require('./lazy-providers');
const {
  BUNDLE_FILE,
  BUNDLE_INPUTS_FILE,
  PROVIDERS_DIR,
  PROVIDERS_FILE,
  bundleInputsOf,
  shippedCodeFile,
} = require('../dist/synthesis/bundle');

// The package's build output, or another copy of it given as the argument (a test builds the
// bundle the other way, AUTOMOCK_BUNDLE_LAZY_PROVIDERS=0, in a copy beside this one).
const dist = process.argv[2] ? path.resolve(process.argv[2]) : path.join(__dirname, '..', 'dist');
const entry = path.join(dist, 'synthesis', 'stack-builder.js');
const outfile = path.join(dist, 'synthesis', BUNDLE_FILE);
const outdir = path.dirname(outfile);
const BASE = '__automockBundleDir';
/** A "use strict" directive at the start of a module, after any comments. */
const DIRECTIVE = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(["'])use strict\1;?/;
/** Files whose computed requires are absolute paths under their own `__dirname`. */
const ABSOLUTE_REQUIRES = new Set([
  // The precompiled meta-schema validators: `join(PRECOMPILED_META_DIR, ...)`.
  '../packages/core/dist/json-schema-check.js',
  // The precompiled workload validator: `join(__dirname, ..., 'precompiled-validator.js')`.
  '../packages/core/dist/workload/validator.js',
  // The bundle of yaml: `join(__dirname, ..., 'vendor', 'yaml-<version>.js')`.
  '../packages/core/dist/workload/yaml.js',
]);

/** Gives each module that uses them its own file's `__dirname` and `__filename`. */
const ownPaths = {
  name: 'own-paths',
  setup(build) {
    build.onLoad({ filter: /\.(c?js)$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
      const rel = (p) => JSON.stringify(path.relative(outdir, p).split(path.sep).join('/'));
      const prologue =
        `var __filename = require("path").join(${BASE}, ${rel(args.path)}), ` +
        `__dirname = require("path").join(${BASE}, ${rel(path.dirname(args.path))});`;
      // After a leading "use strict", which is a directive only where it comes first.
      const strict = DIRECTIVE.exec(source)?.[0].length ?? 0;
      const contents = `${source.slice(0, strict)}\n${prologue}\n${source.slice(strict)}`;
      return { contents, loader: 'js' };
    });
  },
};

/** The options of every minified output: the bundle, and the provider modules left out of it. */
const MINIFY = {
  platform: 'node',
  target: 'node20',
  // No `keepNames`: its ~4,000 `__name` calls cost ~8% of a cold synthesis, and nothing that
  // shapes the output reads a function's name (constructs names the class only in the message
  // of a duplicate-id error, where esbuild's renamed `Foo2` is as clear).
  minifyWhitespace: true,
  minifySyntax: true,
  // Non-ASCII characters escaped (esbuild's default, relied on): loadBundle decodes an ASCII
  // bundle as Latin-1, faster than as UTF-8; so does the provider loader.
  charset: 'ascii',
};

async function main() {
  const fastResolve = fastResolvePlugin((text) =>
    process.stderr.write(`bundle-builder: warning: ${text}\n`),
  );
  const lazy = lazyProvidersPlugin({
    runtime: path.join(dist, 'synthesis', 'providers.js'),
    minify: async (source) =>
      (await esbuild.transform(source, { ...MINIFY, loader: 'js', format: 'cjs' })).code,
  });
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    ...MINIFY,
    // The entry's "use strict" is a directive only at the top, so the banner repeats it.
    banner: { js: `'use strict';\nvar ${BASE} = __dirname;` },
    // lazy-providers and fast-resolve first: the first plugin that resolves or loads a file wins.
    plugins: [
      ...(lazy.plugin ? [lazy.plugin] : []),
      ...(fastResolve.plugin ? [fastResolve.plugin] : []),
      ownPaths,
    ],
    metafile: true,
    logLevel: 'error',
    logOverride: { 'unsupported-require-call': 'warning' },
  });
  // A require esbuild cannot follow runs as written at run time, from the bundle's directory: only
  // requires of absolute paths made from a module's own `__dirname` (which keeps its original
  // directory, above) are allowed.
  const unfollowed = result.warnings.filter(
    (w) => w.id === 'unsupported-require-call' && !ABSOLUTE_REQUIRES.has(w.location?.file ?? ''),
  );
  for (const w of result.warnings.filter((w) => w.id !== 'unsupported-require-call'))
    process.stderr.write(`bundle-builder: warning: ${w.text} (${w.location?.file})\n`);
  if (unfollowed.length > 0) {
    const where = unfollowed.map((w) => `${w.location?.file}:${w.location?.line}`).join(', ');
    throw new Error(`requires that cannot be bundled: ${where}`);
  }
  // The last build's code for the module of the provider modules goes with it (warm-builder.js
  // ships it again when there is one).
  const providersCode = shippedCodeFile(path.join(outdir, PROVIDERS_FILE));
  for (const f of [providersCode, `${providersCode}.json`]) fs.rmSync(f, { force: true });
  writeProviders(lazy.modules, outdir, { providersDir: PROVIDERS_DIR, file: PROVIDERS_FILE });
  const inputs = [
    ...Object.keys(result.metafile.inputs)
      .filter((p) => !p.startsWith('lazy-provider:'))
      .map((p) => path.resolve(p)),
    ...fastResolve.inputs,
  ];
  fs.writeFileSync(
    path.join(outdir, BUNDLE_INPUTS_FILE),
    `${JSON.stringify(bundleInputsOf(inputs, outdir, path.join(__dirname, '..', '..', 'pnpm-lock.yaml')))}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`bundle-builder: ${e.stack ?? e}\n`);
  process.exit(1);
});
