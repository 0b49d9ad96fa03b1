#!/usr/bin/env node
// Runs the compiled commands; oclif.manifest.json lets `--help` list them without loading them.
// Node 22.1+: reuse V8's compiled code between runs (compiling cdktf and the provider classes is
// a large share of a synth). On older Node bin/compile-cache.js does it for the synthesis of the
// `synth` fast path (bin/fast-synth.js).
require('node:module').enableCompileCache?.();
require('./quiet-warnings.js').quietDependencyWarnings(process.argv.slice(2));

const { printPrerenderedHelp } = require('./prerendered-help.js');
const { tryFastList } = require('./fast-list.js');
const { tryFastSynth } = require('./fast-synth.js');

const argv = process.argv.slice(2);
if (
  !printPrerenderedHelp(argv, process.env, process.stdout) &&
  !tryFastList(argv, process.env, process.stdout, run) &&
  !tryFastSynth(argv, process.env, process.stdout, run)
)
  run();

function run() {
  // oclif checks Node against its own `engines` with semver when it loads (47 modules, a sixth
  // of `automock --help`); this CLI's `engines` is a plain lower bound, checked here instead.
  // The switch is undone once oclif is loaded so child processes do not inherit it.
  const { engines } = require('../package.json');
  const minimum = Number(/^>=\s*(\d+)$/.exec(engines.node)?.[1]);
  if (Number(process.versions.node.split('.')[0]) < minimum)
    process.emitWarning(
      `Node version must be ${engines.node} to use this CLI. Current node version: ${process.versions.node}`,
    );
  const engineWarning = process.env.OCLIF_DISABLE_ENGINE_WARNING;
  process.env.OCLIF_DISABLE_ENGINE_WARNING = '1';
  const oclif = require('@oclif/core');
  if (engineWarning === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING;
  else process.env.OCLIF_DISABLE_ENGINE_WARNING = engineWarning;

  (async () => {
    // No arguments on a terminal opens the interactive menu; elsewhere oclif prints the help.
    const { interactive } = require('../dist/presentation/prompt.js');
    const args = process.argv.length <= 2 && interactive() ? ['menu'] : undefined;
    await oclif.execute({ dir: __dirname, args });
  })();
}
