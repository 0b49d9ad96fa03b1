// Part of `pnpm build`: compiles the workload schema of the default sections into plain
// JavaScript with ajv's standalone code generation and the options of the live check, so
// validating a workload does not load ajv or compile the schema (hundreds of milliseconds) on
// every run. One file validates the workload's own keys and records the SHA-256 of the schema it
// was made from (core uses it only for that schema); each section gets a file of its own, loaded
// the first time a workload has that section (splitWorkloadValidator in src/workload/validator.ts)
// and also stamped with that digest.
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

const schema = workloadJsonSchema(WORKLOAD_SECTIONS);
const digest = workloadSchemaDigest(schema);
const stamp = `module.exports.schemaDigest = ${JSON.stringify(digest)};\n`;
const dir = path.dirname(PRECOMPILED_WORKLOAD_VALIDATOR);
// The sections' files of this schema sit in a directory named after its digest, written aside and
// renamed into place: a process that loaded another build's own-keys file never loads this
// build's sections (and each file carries the digest, checked on load).
const sectionsDir = path.join(dir, 'precompiled-sections');
const version = digest.slice(0, 16);
const staging = path.join(sectionsDir, `.tmp-${process.pid}`);
fs.rmSync(staging, { recursive: true, force: true });
fs.mkdirSync(staging, { recursive: true });
const sectionFiles = {};
const fileNames = new Set();
for (const section of WORKLOAD_SECTIONS) {
  // A file name on every file system, and not one another key also gets where case is ignored.
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(section.key) || fileNames.has(section.key.toLowerCase()))
    throw new Error(
      `build-workload-validator: section key ${JSON.stringify(section.key)} cannot name a file`,
    );
  fileNames.add(section.key.toLowerCase());
  fs.writeFileSync(
    path.join(staging, `${section.key}.js`),
    `${compile(workloadSectionSchema(section))}\n${stamp}`,
  );
  sectionFiles[section.key] = `precompiled-sections/${version}/${section.key}.js`;
}
fs.rmSync(path.join(sectionsDir, version), { recursive: true, force: true });
fs.renameSync(staging, path.join(sectionsDir, version));
// Last, so a process that finds it finds its sections.
fs.writeFileSync(
  PRECOMPILED_WORKLOAD_VALIDATOR,
  `${compile(workloadOwnKeysSchema(WORKLOAD_SECTIONS))}\n${stamp}` +
    `module.exports.sectionFiles = ${JSON.stringify(sectionFiles)};\n`,
);
// Other builds' sections go; a process still running one of them compiles the whole schema.
for (const name of fs.readdirSync(sectionsDir))
  if (name !== version) fs.rmSync(path.join(sectionsDir, name), { recursive: true, force: true });
