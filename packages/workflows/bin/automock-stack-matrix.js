#!/usr/bin/env node
// Thin launcher: the logic lives in dist/cli.js (built by `pnpm build`).
'use strict';
async function stdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}
require('../dist/cli')
  .main(process.argv.slice(2), process.env, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    stdin,
  })
  .then((code) => {
    process.exitCode = code;
  });
