// Writes workloads/workload.schema.json, the JSON Schema editors use to complete and check YAML
// workloads, from core's top-level schema and every registered section's (run
// `pnpm --filter @automock/stacks workload-schema` after a build when a section changes; a test
// fails while the committed file differs).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const prettier = require('prettier');
const { workloadJsonSchema } = require('@automock/core');

const file = join(__dirname, '..', 'workloads', 'workload.schema.json');

async function main() {
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = await prettier.format(JSON.stringify(workloadJsonSchema()), {
    ...options,
    filepath: file,
  });
  let before = '';
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    // First run.
  }
  if (text !== before) writeFileSync(file, text);
  console.log(text === before ? `${file} is up to date` : `${file} written`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
