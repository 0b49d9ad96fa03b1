import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIELD_TABLES, readFieldDocs, renderFieldTable, replaceFieldTables } from './readme-fields';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const docs = readFieldDocs(__dirname);

describe('README field tables', () => {
  it('match the interfaces (run `pnpm --filter @automock/core readme` to fix)', () => {
    expect(replaceFieldTables(readme, docs)).toBe(readme);
  });

  it('list every field with its default and its rule', () => {
    const env = docs.environment!;
    expect(env.map((f) => f.name)).toEqual(expect.arrayContaining(['name', 'nat', 'images']));
    expect(env.find((f) => f.name === 'name')).toMatchObject({ required: true, type: 'string' });
    // An alias of literals is spelled out, so the table shows what is allowed.
    expect(env.find((f) => f.name === 'nat')).toMatchObject({
      type: "'none' | 'single' | 'per-az'",
      required: false,
      default: "'single'",
    });
    expect(docs.project!.find((f) => f.name === 'size')?.type).toBe(
      "'small' | 'medium' | 'large' | 'xlarge' | TaskSize",
    );
    for (const t of FIELD_TABLES) expect([t.id, docs[t.id]!.length > 0]).toEqual([t.id, true]);
  });

  it('differ when a field changes', () => {
    const changed = {
      ...docs,
      environment: docs.environment!.map((f) =>
        f.name === 'azCount' ? { ...f, default: '3' } : f,
      ),
    };
    expect(replaceFieldTables(readme, changed)).not.toBe(readme);
  });

  it('keep text that Markdown would swallow', () => {
    expect(
      renderFieldTable([
        { name: 'x', type: "'a' | 'b'", required: false, default: '-', doc: 'at <host> `<p>`' },
      ]),
    ).toContain("| `x` | `'a' \\| 'b'` | - | at &lt;host&gt; `<p>` |");
  });
});
