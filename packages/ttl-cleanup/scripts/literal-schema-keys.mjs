// The AWS SDK's generated schema modules (dist-es/schemas/schemas_0.js of each client) key their
// traits by computed names, `{ [_xN]: "Min" }`, where `_xN` is a string constant of that module.
// esbuild cannot tell such a key has no side effects, so it keeps every schema holding one and
// every schema those reach, whatever commands the handlers send (EC2's alone were 0.55 MB of a
// 2.59 MB Lambda). Written as the literal the constant holds, `{ "xmlName": "Min" }`, the object
// is the same and unused schemas are tree-shaken. A key whose name is not such a constant is left
// alone, so an SDK that writes its schemas differently only bundles larger.
import { readFile } from 'node:fs/promises';

export const SCHEMA_MODULE =
  /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** The schema module's source with each computed key naming a string constant made literal. */
export function literalSchemaKeys(source) {
  const strings = new Map();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("[^"\\\n]*");$/gm))
    strings.set(name, literal);
  let replaced = 0;
  const code = source.replace(/([{,]\s*)\[(_\w+)\]:/g, (key, before, name) => {
    if (!strings.has(name)) return key;
    replaced++;
    return `${before}${strings.get(name)}:`;
  });
  return { code, replaced };
}

export const literalSchemaKeysPlugin = {
  name: 'literal-schema-keys',
  setup(b) {
    b.onLoad({ filter: SCHEMA_MODULE }, async ({ path }) => ({
      contents: literalSchemaKeys(await readFile(path, 'utf8')).code,
      loader: 'js',
    }));
  },
};
