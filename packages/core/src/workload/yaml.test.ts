import { existsSync } from 'node:fs';
import * as YAML from 'yaml';
import { parseWorkloadYaml } from './workload';
import { vendoredYamlFile, yamlModule } from './yaml';

const TEXTS = [
  'name: shop\nenvironments: [dev, staging]\nqueues:\n  - name: jobs\n    deadLetter: { maxReceiveCount: 5 }\n',
  '# a comment\nname: "quoted"\ntags: { a: "1", b: 2 }\nlist:\n  - 1\n  - 2.5\n  - true\n  - ~\n',
  'anchors: &a { x: 1 }\nuse: *a\nmulti: |\n  line one\n  line two\nfolded: >-\n  one\n  two\n',
  'name: shop\nname: twice\n',
  'a: [1, 2\nb: 3\n',
  'a:\n\t- tab\n',
  'x: 1\n---\ny: 2\n',
  '',
];

describe('the bundle of yaml the build makes', () => {
  it('is what core loads, for the installed version of yaml', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require('yaml/package.json') as { version: string };
    expect(existsSync(vendoredYamlFile(version))).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(yamlModule()).toBe(require(vendoredYamlFile(version)));
    expect(yamlModule()).not.toBe(YAML);
  });

  it('parses like the package: values, errors, warnings and positions', () => {
    const bundled = yamlModule();
    for (const text of TEXTS) {
      const parse = (Y: typeof YAML) => {
        const lineCounter = new Y.LineCounter();
        const doc = Y.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
        return {
          js: doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 }),
          errors: doc.errors.map((e) => [e.name, e.code, e.message, e.linePos]),
          warnings: doc.warnings.map((e) => [e.name, e.code, e.message]),
          lines: [0, 5, text.length].map((at) => lineCounter.linePos(at)),
          string: doc.errors.length ? undefined : doc.toString(),
        };
      };
      expect([text, parse(bundled)]).toEqual([text, parse(YAML)]);
    }
  });

  it("gives parseWorkloadYaml the package's values and lines", () => {
    const parsed = parseWorkloadYaml(TEXTS[0]!, 'shop.yaml');
    expect(parsed.input).toEqual(YAML.parse(TEXTS[0]!));
    expect(parsed.line(['queues', 0, 'deadLetter', 'maxReceiveCount'])).toBe(5);
    expect(parseWorkloadYaml(TEXTS[3]!, 'twice.yaml').syntaxIssues).toEqual([
      {
        field: 'workload file twice.yaml',
        value: undefined,
        rule: expect.stringMatching(/^must be valid YAML: Map keys must be unique/),
      },
    ]);
  });
});
