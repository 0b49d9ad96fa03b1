import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from './errors';
import {
  COMMANDS_END,
  COMMANDS_START,
  CommandManifest,
  renderCommand,
  renderCommandReference,
  replaceCommandReference,
  withExactlyOne,
} from './readme';

const PKG_ROOT = join(__dirname, '..');
// Built by `pnpm build` (oclif manifest), which turbo runs before the tests.
const manifest = withExactlyOne(
  JSON.parse(readFileSync(join(PKG_ROOT, 'oclif.manifest.json'), 'utf8')) as CommandManifest,
  PKG_ROOT,
);
const readme = readFileSync(join(PKG_ROOT, 'README.md'), 'utf8');
const reference = readme.slice(readme.indexOf(COMMANDS_START), readme.indexOf(COMMANDS_END));

describe('README command reference', () => {
  it('matches the commands (run `pnpm --filter @automock/cli readme` to fix)', () => {
    expect(replaceCommandReference(readme, renderCommandReference(manifest))).toBe(readme);
  });

  it('covers every command, with its examples and exit codes', () => {
    const ids = readdirSync(join(__dirname, 'commands'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(manifest.commands).sort()).toEqual(ids);
    for (const id of ids) {
      const cmd = manifest.commands[id]!;
      expect([id, Object.keys(cmd.exitCodes ?? {})]).toEqual([
        id,
        expect.arrayContaining(['0', String(EXIT.failure), String(EXIT.usage)]),
      ]);
      expect([id, (cmd.examples?.length ?? 0) > 0]).toEqual([id, true]);
      expect(reference).toContain(`### \`automock ${id}\``);
    }
  });

  it('shows the flag relations oclif enforces, including exactlyOne, which its manifest drops', () => {
    const plan = renderCommand(manifest.commands.plan!);
    expect(plan).toContain('Exactly one of `--all`, `--env`, `--stack`.');
    expect(renderCommand(manifest.commands.destroy!)).toMatch(
      /\| `--verbose` \| not with `--sweep` \|/,
    );
    expect(renderCommand(manifest.commands.status!)).toMatch(
      /\| `-p, --project <value>` \| needs `--env`, not with `--workload` \|/,
    );
  });

  it('differs when a command changes', () => {
    const changed: CommandManifest = {
      ...manifest,
      commands: {
        ...manifest.commands,
        list: { ...manifest.commands.list!, summary: 'Something else.' },
      },
    };
    expect(replaceCommandReference(readme, renderCommandReference(changed))).not.toBe(readme);
  });

  it('keeps text that Markdown would swallow', () => {
    const out = renderCommand({
      id: 'x',
      summary: 'Writes `cdktf.out/<stack>` to <dir>.',
      flags: {
        since: { name: 'since', type: 'option', helpValue: 'REF|DIR', summary: 'a | b' },
      },
    });
    expect(out).toContain('Writes `cdktf.out/<stack>` to &lt;dir&gt;.');
    expect(out).toContain('| `--since REF\\|DIR` |  | a \\| b |');
  });
});
