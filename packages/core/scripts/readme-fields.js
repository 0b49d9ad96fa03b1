// Rewrites the field tables in README.md from the TSDoc of the configuration interfaces (run
// `pnpm --filter @automock/core readme` after changing a field or its comment; a test fails while
// they differ).
const fs = require('node:fs');
const path = require('node:path');
const { readFieldDocs, replaceFieldTables } = require('../dist/readme-fields');

const root = path.join(__dirname, '..');
const file = path.join(root, 'README.md');
const before = fs.readFileSync(file, 'utf8');
const after = replaceFieldTables(before, readFieldDocs(path.join(root, 'src')));
if (after !== before) fs.writeFileSync(file, after);
console.log(
  after === before ? 'README.md field tables are up to date' : 'README.md field tables updated',
);
