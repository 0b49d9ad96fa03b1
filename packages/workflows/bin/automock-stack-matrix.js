#!/usr/bin/env node
// Thin launcher: the logic lives in dist/cli.js (built by `pnpm build`).
'use strict';
const { runBin } = require('@automock/plan-summary');
runBin(require('../dist/cli').main);
