import { join } from 'node:path';
import * as ts from 'typescript';

/** One field of a configuration interface, as its declaration and TSDoc say. */
export interface FieldDoc {
  readonly name: string;
  /** The declared type, with type aliases of literals spelled out (`'none' | 'single' | 'per-az'`). */
  readonly type: string;
  readonly required: boolean;
  /** The `@default` tag. */
  readonly default?: string;
  /** The TSDoc text without its tags. */
  readonly doc: string;
}

/** The interfaces the README documents, each between `<!-- fields:<id>:start -->` and its end. */
export const FIELD_TABLES = [
  { id: 'environment', file: 'environment.ts', name: 'EnvironmentInput' },
  { id: 'domain', file: 'environment.ts', name: 'DomainConfig' },
  { id: 'suppression', file: 'environment.ts', name: 'RuleSuppression' },
  { id: 'images', file: 'images.ts', name: 'ContainerImages' },
  { id: 'project', file: 'project.ts', name: 'ProjectInput' },
  { id: 'task-size', file: 'sizes.ts', name: 'TaskSize' },
  { id: 'workload', file: 'workload/workload.ts', name: 'WorkloadBaseInput' },
  { id: 'database', file: 'workload/database.ts', name: 'DatabaseInput' },
  { id: 'pgadmin', file: 'workload/pgadmin.ts', name: 'PgAdminInput' },
  { id: 'pgadmin-access', file: 'workload/pgadmin.ts', name: 'PgAdminAccessInput' },
] as const;

/**
 * Reads the fields of `FIELD_TABLES`' interfaces from the TypeScript sources in `srcDir`, with the
 * compiler's own parser and type checker, so the README says what the code declares.
 */
export function readFieldDocs(srcDir: string): Record<string, FieldDoc[]> {
  const files = [...new Set(FIELD_TABLES.map((t) => join(srcDir, t.file)))];
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    types: [],
    // Only the declarations are read, not checked: the standard library would triple the time.
    noLib: true,
  });
  const checker = program.getTypeChecker();
  const out: Record<string, FieldDoc[]> = {};
  for (const t of FIELD_TABLES) {
    const source = program.getSourceFile(join(srcDir, t.file));
    const decl = source?.statements.find(
      (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === t.name,
    );
    if (!decl) throw new Error(`${t.file} declares no interface ${t.name}`);
    out[t.id] = decl.members.filter(ts.isPropertySignature).map((m) => {
      const symbol = checker.getSymbolAtLocation(m.name)!;
      const tags = symbol.getJsDocTags(checker);
      const def = tags.find((x) => x.name === 'default');
      return {
        name: m.name.getText(source),
        type: m.type ? typeText(checker, m.type, source!) : 'unknown',
        required: !m.questionToken,
        default: def ? links(ts.displayPartsToString(def.text)) : undefined,
        doc: links(ts.displayPartsToString(symbol.getDocumentationComment(checker))),
      };
    });
  }
  return out;
}

/** `{@link X}` as code. */
const links = (s: string) => s.replace(/\{@link\s+([^}\s]+)\s*\}/g, '`$1`').trim();

/** A type as written, but an alias of literals (or a union holding one) spelled out. */
function typeText(checker: ts.TypeChecker, node: ts.TypeNode, source: ts.SourceFile): string {
  if (ts.isUnionTypeNode(node)) {
    return node.types.map((n) => typeText(checker, n, source)).join(' | ');
  }
  const type = checker.getTypeFromTypeNode(node);
  if (ts.isTypeReferenceNode(node) && type.isUnion() && type.types.every((x) => x.isLiteral())) {
    return type.types.map((x) => checker.typeToString(x).replace(/"/g, "'")).join(' | ');
  }
  return node.getText(source).replace(/\s+/g, ' ');
}

/**
 * Text for a table cell: one line; `<x>` outside code spans escaped (Markdown would read it as an
 * HTML tag); pipes escaped, also inside code spans, as GitHub requires.
 */
const cell = (s: string) =>
  s
    .replace(/\s*\n\s*/g, ' ')
    .split('`')
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`')
    .replace(/\|/g, '\\|');

/** A Markdown table of fields; Prettier leaves it as rendered. */
export function renderFieldTable(fields: readonly FieldDoc[]): string {
  return [
    '<!-- prettier-ignore-start -->',
    '| field | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...fields.map(
      (f) =>
        `| \`${f.name}\` | ${cell(`\`${f.type}\``)} | ${f.required ? 'required' : cell(f.default ?? '-')} | ${cell(f.doc)} |`,
    ),
    '<!-- prettier-ignore-end -->',
  ].join('\n');
}

/** `readme` with every field table between its markers rendered from `docs`. */
export function replaceFieldTables(readme: string, docs: Record<string, FieldDoc[]>): string {
  let out = readme;
  for (const t of FIELD_TABLES) {
    const start = `<!-- fields:${t.id}:start: generated from ${t.file} (${t.name}) by \`pnpm --filter @automock/core readme\` -->`;
    const end = `<!-- fields:${t.id}:end -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README has no ${start} ... ${end} markers`);
    out = `${out.slice(0, i + start.length)}\n${renderFieldTable(docs[t.id]!)}\n${out.slice(j)}`;
  }
  return out;
}
