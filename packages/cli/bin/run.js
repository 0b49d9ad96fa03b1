#!/usr/bin/env node
// Runs the compiled commands; oclif.manifest.json lets `--help` list them without loading them.
(async () => {
  const oclif = require('@oclif/core');
  await oclif.execute({ dir: __dirname });
})();
