// Part of `pnpm build`: compiles the workload schema of the default sections into plain
// JavaScript with ajv's standalone code generation and the options of the live check, so
// validating a workload does not load ajv or compile the schema (hundreds of milliseconds) on
// every run. The file records the SHA-256 of the schema it was made from; core uses it only for
// that schema. src/workload/validator.test.ts checks it agrees with ajv, errors included.
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;
const { WORKLOAD_SECTIONS } = require('../dist/workload/sections');
const { workloadJsonSchema } = require('../dist/workload/schema');
const {
  PRECOMPILED_WORKLOAD_VALIDATOR,
  WORKLOAD_AJV_OPTIONS,
  workloadSchemaDigest,
} = require('../dist/workload/validator');

const schema = workloadJsonSchema(WORKLOAD_SECTIONS);
const ajv = new Ajv({ ...WORKLOAD_AJV_OPTIONS, code: { source: true } });
const code = standaloneCode(ajv, ajv.compile(schema));
fs.mkdirSync(path.dirname(PRECOMPILED_WORKLOAD_VALIDATOR), { recursive: true });
fs.writeFileSync(
  PRECOMPILED_WORKLOAD_VALIDATOR,
  `${code}\nmodule.exports.schemaDigest = ${JSON.stringify(workloadSchemaDigest(schema))};\n`,
);
