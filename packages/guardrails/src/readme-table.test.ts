import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  README_TABLE_END,
  README_TABLE_START,
  renderRuleTable,
  replaceRuleTable,
} from './readme-table';
import { RULES } from './all-rules';

describe('README rules table', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  test('matches the rule definitions (run `pnpm --filter @automock/guardrails readme` to fix)', () => {
    expect(replaceRuleTable(readme)).toBe(readme);
  });

  test('lists every rule with its levels', () => {
    const table = readme.slice(
      readme.indexOf(README_TABLE_START),
      readme.indexOf(README_TABLE_END),
    );
    for (const r of RULES) {
      expect(table).toMatch(
        new RegExp(`\\| ${r.id} +\\| ${r.level} +\\| ${r.productionLevel} +\\|`),
      );
    }
  });

  test('a changed rule makes the table differ', () => {
    const changed = RULES.map((r, i) => (i === 0 ? { ...r, meaning: 'something else' } : r));
    expect(replaceRuleTable(readme, renderRuleTable(changed))).not.toBe(readme);
  });
});
