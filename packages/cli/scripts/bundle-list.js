// Part of `pnpm build`, after tsc: bundles the `automock list` fast path (dist/list-fast-path.js:
// the registry reader, the environments and the DynamoDB client) into one file that
// bin/fast-list.js loads without oclif. One minified file instead of ~100 modules: Node spends
// `list`'s start-up resolving and compiling modules, and one file can reuse V8's compiled code.
// Other AWS clients and the synthesis stay outside: `list` never calls the code that loads them.
const esbuild = require('esbuild');
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

esbuild
  .build({
    entryPoints: [path.join(root, 'dist', 'list-fast-path.js')],
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
