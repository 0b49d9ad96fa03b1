#!/usr/bin/env node
// Runs the compiled commands; oclif.manifest.json lets `--help` list them without loading them.
// Node 22.1+: reuse V8's compiled code between runs (compiling cdktf and the provider classes is
// a large share of a synth). Older Node compiles every time.
require('node:module').enableCompileCache?.();

(async () => {
  const oclif = require('@oclif/core');
  // No arguments on a terminal opens the interactive menu; elsewhere oclif prints the help.
  const { interactive } = require('../dist/presentation/prompt.js');
  const args = process.argv.length <= 2 && interactive() ? ['menu'] : undefined;
  await oclif.execute({ dir: __dirname, args });
})();
