#!/usr/bin/env node
// Thin launcher: the logic lives in dist/cli.js (built by `pnpm build`).
'use strict';
require('../dist/cli')
  .main(process.argv.slice(2), process.env)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    process.stderr.write(
      `automock-plan-comment: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  });
