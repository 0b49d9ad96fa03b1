// Rewrites the rules table in README.md from the rule definitions (run `pnpm --filter
// @automock/guardrails readme` after adding or changing a rule; a test fails while they differ).
const fs = require('node:fs');
const path = require('node:path');
const { replaceRuleTable } = require('../dist/readme-table');

const file = path.join(__dirname, '..', 'README.md');
const before = fs.readFileSync(file, 'utf8');
const after = replaceRuleTable(before);
if (after !== before) fs.writeFileSync(file, after);
console.log(
  after === before ? 'README.md rules table is up to date' : 'README.md rules table updated',
);
