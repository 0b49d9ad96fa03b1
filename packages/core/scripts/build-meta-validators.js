// Part of `pnpm build`: compiles the meta-schemas json-schema-check.ts checks embedded schemas
// against into plain JavaScript with ajv's standalone code generation, with the options the check
// uses, so a synthesis does not compile a meta-schema on every run. json-schema-meta.test.ts
// checks that each agrees with ajv on a corpus of valid and invalid schemas.
const fs = require('node:fs');
const path = require('node:path');
const standaloneCode = require('ajv/dist/standalone').default;
const {
  AJV_OPTIONS,
  PRECOMPILED_META,
  PRECOMPILED_META_DIR,
  createAjv,
} = require('../dist/json-schema-check');

fs.mkdirSync(PRECOMPILED_META_DIR, { recursive: true });
for (const [flavour, id] of Object.entries(PRECOMPILED_META)) {
  const ajv = createAjv(flavour, { ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`build-meta-validators: ajv has no meta-schema ${id}`);
  fs.writeFileSync(path.join(PRECOMPILED_META_DIR, `${flavour}.js`), standaloneCode(ajv, validate));
}
