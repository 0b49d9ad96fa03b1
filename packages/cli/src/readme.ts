import { join } from 'node:path';

/** The part of oclif.manifest.json the command reference is rendered from. */
export interface CommandManifest {
  readonly commands: Readonly<Record<string, ManifestCommand>>;
}

export interface ManifestCommand {
  readonly id: string;
  readonly summary?: string;
  readonly description?: string;
  readonly examples?: readonly string[];
  readonly flags: Readonly<Record<string, ManifestFlag>>;
  readonly enableJsonFlag?: boolean;
  /** The commands' own static (errors.ts `exitCodes`), which oclif copies into its manifest. */
  readonly exitCodes?: Readonly<Record<string, string>>;
  readonly relativePath?: readonly string[];
}

export interface ManifestFlag {
  readonly name: string;
  readonly type: 'boolean' | 'option';
  readonly char?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly required?: boolean;
  readonly multiple?: boolean;
  readonly helpValue?: string;
  readonly options?: readonly string[];
  readonly default?: unknown;
  readonly helpGroup?: string;
  readonly hidden?: boolean;
  readonly dependsOn?: readonly string[];
  readonly exclusive?: readonly string[];
  readonly exactlyOne?: readonly string[];
}

export const COMMANDS_START =
  '<!-- commands:start: generated from oclif.manifest.json by `pnpm --filter @automock/cli readme`; edit the commands, not this -->';
export const COMMANDS_END = '<!-- commands:end -->';

/**
 * oclif's manifest leaves `exactlyOne` out of the flags it caches; this copies it from the
 * compiled command classes (`root` is the package directory), so the reference shows it.
 */
export function withExactlyOne(manifest: CommandManifest, root: string): CommandManifest {
  const commands = Object.fromEntries(
    Object.entries(manifest.commands).map(([id, cmd]) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(join(root, ...(cmd.relativePath ?? ['dist', 'commands', `${id}.js`])));
      const flags = (mod.default ?? mod).flags as Record<string, { exactlyOne?: string[] }>;
      return [
        id,
        {
          ...cmd,
          flags: Object.fromEntries(
            Object.entries(cmd.flags).map(([name, f]) => [
              name,
              flags[name]?.exactlyOne ? { ...f, exactlyOne: flags[name]!.exactlyOne } : f,
            ]),
          ),
        },
      ];
    }),
  );
  return { ...manifest, commands };
}

/** Text for Markdown: `<stack>` outside code spans would be read as an HTML tag and vanish. */
const text = (s: string) =>
  s
    .split('`')
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`');
/** Text for a table cell: pipes escaped (also inside code spans, as GitHub requires), one line. */
const cell = (s: string) => text(s).replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const code = (s: string) => `\`${s}\``;
const bin = (id: string) => `automock ${id.replace(/:/g, ' ')}`;

function flagName(f: ManifestFlag): string {
  const value = f.type === 'option' ? ` ${f.helpValue ?? (f.options ? 'VALUE' : '<value>')}` : '';
  return `${f.char ? `-${f.char}, ` : ''}--${f.name}${value}`;
}

function flagNotes(f: ManifestFlag): string[] {
  const notes: string[] = [];
  if (f.required) notes.push('required');
  if (f.multiple) notes.push('repeatable');
  if (f.options) notes.push(`one of ${f.options.map(code).join(', ')}`);
  if (f.type === 'option' && f.default !== undefined)
    notes.push(`default ${code(String(f.default))}`);
  if (f.dependsOn?.length) notes.push(`needs ${f.dependsOn.map((d) => code(`--${d}`)).join(', ')}`);
  if (f.exclusive?.length)
    notes.push(`not with ${f.exclusive.map((d) => code(`--${d}`)).join(', ')}`);
  return notes;
}

/** One command's section: summary, description, flags, flag relations, examples, exit codes. */
export function renderCommand(cmd: ManifestCommand): string {
  const out: string[] = [`### \`${bin(cmd.id)}\``, ''];
  if (cmd.summary) out.push(text(cmd.summary), '');
  if (cmd.description && cmd.description !== cmd.summary) out.push(text(cmd.description), '');
  const flags = Object.values(cmd.flags).filter((f) => !f.hidden && f.name !== 'json');
  if (flags.length) {
    out.push('| flag | notes | meaning |', '| --- | --- | --- |');
    for (const f of flags) {
      out.push(
        `| ${cell(code(flagName(f)))} | ${cell(flagNotes(f).join(', '))} | ${cell(f.summary ?? f.description ?? '')} |`,
      );
    }
    out.push('');
  }
  const sets = new Set(
    flags.filter((f) => f.exactlyOne?.length).map((f) => [...f.exactlyOne!].sort().join(',')),
  );
  for (const set of sets) {
    out.push(
      `Exactly one of ${set
        .split(',')
        .map((n) => code(`--${n}`))
        .join(', ')}.`,
      '',
    );
  }
  if (cmd.enableJsonFlag || cmd.flags.json) {
    out.push('`--json` prints the result (or the error) as JSON on stdout.', '');
  }
  if (cmd.examples?.length) {
    out.push('```sh');
    for (const e of cmd.examples) {
      out.push(e.replace(/<%= config\.bin %>/g, 'automock').replace(/<%= command\.id %>/g, cmd.id));
    }
    out.push('```', '');
  }
  const codes = Object.entries(cmd.exitCodes ?? {});
  if (codes.length) {
    out.push('Exit codes:', '');
    for (const [n, meaning] of codes) out.push(`- \`${n}\` ${text(meaning)}`);
    out.push('');
  }
  return out.join('\n');
}

/** Every command, with an index table first; Prettier leaves it as rendered. */
export function renderCommandReference(manifest: CommandManifest): string {
  const cmds = Object.values(manifest.commands).sort((a, b) => a.id.localeCompare(b.id));
  return [
    '<!-- prettier-ignore-start -->',
    '| command | what it does |',
    '| --- | --- |',
    ...cmds.map((c) => `| [${code(bin(c.id))}](#${anchor(c.id)}) | ${cell(c.summary ?? '')} |`),
    '',
    ...cmds.map(renderCommand),
    '<!-- prettier-ignore-end -->',
  ].join('\n');
}

/** GitHub's anchor for the heading `### \`automock <id>\``. */
function anchor(id: string): string {
  return bin(id).toLowerCase().replace(/ /g, '-');
}

/** `readme` with the text between the markers replaced by `rendered`. */
export function replaceCommandReference(readme: string, rendered: string): string {
  const start = readme.indexOf(COMMANDS_START);
  const end = readme.indexOf(COMMANDS_END);
  if (start < 0 || end < start) {
    throw new Error(`README has no ${COMMANDS_START} ... ${COMMANDS_END} markers`);
  }
  return `${readme.slice(0, start + COMMANDS_START.length)}\n${rendered}\n${readme.slice(end)}`;
}
