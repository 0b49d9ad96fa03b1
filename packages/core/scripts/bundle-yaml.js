// Part of `pnpm build`: bundles the `yaml` package (some 70 modules) into one file,
// dist/vendor/yaml-<version>.js, so parsing a workload file resolves and loads one module instead
// of seventy (about half of what a first parse costs). Same code, esbuild's CommonJS bundle; core
// loads it only for the installed version of `yaml` (src/workload/yaml.ts), and
// src/workload/yaml.test.ts checks it parses like the package.
const path = require('node:path');
const esbuild = require('esbuild');
const { vendoredYamlFile } = require('../dist/workload/yaml');

const { version } = require('yaml/package.json');
esbuild.buildSync({
  entryPoints: [require.resolve('yaml')],
  outfile: vendoredYamlFile(version),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Error messages and class names stay as the package writes them.
  keepNames: true,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'error',
});
process.stdout.write(`bundle-yaml: ${path.relative(process.cwd(), vendoredYamlFile(version))}\n`);
