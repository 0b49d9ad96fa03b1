// Part of `pnpm build`: bundles the `automock list` fast path (src/list-fast-path.ts: the
// registry reader, the environments and the DynamoDB client) into one file that bin/fast-list.js
// loads without oclif. One minified file instead of ~100 modules: Node spends `list`'s start-up
// resolving and compiling modules, and one file can reuse V8's compiled code. Other AWS clients
// and the synthesis stay outside: `list` never calls the code that loads them.
//
// Built from TypeScript sources, the workspace packages' too (the file each package export
// compiles from), so every import is an ES import and esbuild drops what `list` does not use,
// from the SDK's ES builds as well: a third less code to load than bundling the CommonJS output.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { dependencies } = require('../package.json');
const { listBundlePath } = require('../bin/fast-list.js');

const external = [
  ...Object.keys(dependencies).filter(
    (d) => d.startsWith('@aws-sdk/client-') && d !== '@aws-sdk/client-dynamodb',
  ),
  '@oclif/core',
  '@automock/stacks/synthesize',
  '@automock/stacks/github',
  'cdktf',
  'constructs',
  'yaml',
  'ajv',
  'ajv/*',
  'typescript',
];

/** `@automock/x[/y]` from the .ts file its export is compiled from, when there is one. */
const workspaceSources = {
  name: 'workspace-sources',
  setup(build) {
    build.onResolve({ filter: /^@automock\// }, ({ path: spec, resolveDir }) => {
      let compiled;
      try {
        compiled = require.resolve(spec, { paths: [resolveDir] });
      } catch {
        return undefined;
      }
      const source = compiled.replace(/\/dist\/(.*)\.js$/, '/src/$1.ts');
      return source !== compiled && fs.existsSync(source) ? { path: source } : undefined;
    });
  },
};

esbuild
  .build({
    entryPoints: [path.join(root, 'src', 'list-fast-path.ts')],
    outfile: listBundlePath,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    // The SDK imports some Node modules with `import()` (instance metadata credentials), which a
    // vm.Script (the code cache on Node 20) cannot run: esbuild turns them into require().
    supported: { 'dynamic-import': false },
    external,
    mainFields: ['module', 'main'],
    plugins: [workspaceSources],
    metafile: true,
    logLevel: 'warning',
  })
  .then(({ metafile }) => {
    // What the fast path must not carry: a second oclif or cdktf would undo the point of it.
    const unwanted = Object.keys(metafile.inputs).filter((f) =>
      /node_modules\/(@oclif|cdktf|constructs)\//.test(f),
    );
    if (unwanted.length) {
      console.error(`bundle-list: the list bundle must not include ${unwanted.join(', ')}`);
      process.exit(1);
    }
  })
  .catch((e) => {
    console.error(`bundle-list: ${e.message}`);
    process.exit(1);
  });
