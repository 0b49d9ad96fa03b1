#!/usr/bin/env node
// Thin launcher: the logic lives in dist/drift-cli.js (built by `pnpm build`).
'use strict';
const { runBin } = require('../dist/command-line');
runBin(require('../dist/drift-cli').driftReportMain);
