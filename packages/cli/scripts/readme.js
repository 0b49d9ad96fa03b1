// Rewrites the command reference in README.md from oclif.manifest.json (run `pnpm --filter
// @automock/cli readme` after changing a command's summary, flags, examples or exit codes; a test
// fails while they differ).
const fs = require('node:fs');
const path = require('node:path');
const {
  renderCommandReference,
  replaceCommandReference,
  withExactlyOne,
} = require('../dist/readme');

const root = path.join(__dirname, '..');
const file = path.join(root, 'README.md');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'));
const before = fs.readFileSync(file, 'utf8');
const after = replaceCommandReference(
  before,
  renderCommandReference(withExactlyOne(manifest, root)),
);
if (after !== before) fs.writeFileSync(file, after);
console.log(
  after === before
    ? 'README.md command reference is up to date'
    : 'README.md command reference updated',
);
