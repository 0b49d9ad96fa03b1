// Part of `pnpm build`: compiles the workload schema of the default sections into plain
// JavaScript with ajv's standalone code generation and the options of the live check, so
// validating a workload does not load ajv or compile the schema (hundreds of milliseconds) on
// every run. One file validates the workload's own keys and records the SHA-256 of the schema it
// was made from (core uses it only for that schema); each section gets a file of its own, loaded
// the first time a workload has that section (splitWorkloadValidator in src/workload/validator.ts).
// src/workload/validator.test.ts checks the parts agree with ajv on the whole schema, errors
// included.
const fs = require('node:fs');
const path = require('node:path');
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;
const { WORKLOAD_SECTIONS } = require('../dist/workload/sections');
const { workloadJsonSchema } = require('../dist/workload/schema');
const {
  PRECOMPILED_WORKLOAD_VALIDATOR,
  WORKLOAD_AJV_OPTIONS,
  workloadOwnKeysSchema,
  workloadSchemaDigest,
  workloadSectionSchema,
} = require('../dist/workload/validator');

const compile = (schema) => {
  const ajv = new Ajv({ ...WORKLOAD_AJV_OPTIONS, code: { source: true } });
  return standaloneCode(ajv, ajv.compile(schema));
};

const dir = path.dirname(PRECOMPILED_WORKLOAD_VALIDATOR);
const sectionsDir = path.join(dir, 'precompiled-sections');
// Files of sections no longer in the registry go.
fs.rmSync(sectionsDir, { recursive: true, force: true });
fs.mkdirSync(sectionsDir, { recursive: true });
const sectionFiles = {};
for (const section of WORKLOAD_SECTIONS) {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(section.key))
    throw new Error(
      `build-workload-validator: section key ${JSON.stringify(section.key)} is not a file name`,
    );
  const file = `precompiled-sections/${section.key}.js`;
  fs.writeFileSync(path.join(dir, file), compile(workloadSectionSchema(section)));
  sectionFiles[section.key] = file;
}
const schema = workloadJsonSchema(WORKLOAD_SECTIONS);
fs.writeFileSync(
  PRECOMPILED_WORKLOAD_VALIDATOR,
  `${compile(workloadOwnKeysSchema(WORKLOAD_SECTIONS))}\n` +
    `module.exports.schemaDigest = ${JSON.stringify(workloadSchemaDigest(schema))};\n` +
    `module.exports.sectionFiles = ${JSON.stringify(sectionFiles)};\n`,
);
