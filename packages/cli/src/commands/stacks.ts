import { Flags } from '@oclif/core';
import type { StackInfo } from '@automock/stacks';
import { join } from 'node:path';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { changedSince } from '../terraform/changed-since';
import { table } from '../presentation/format';
import { loadAppModule } from '../environment/app-module';
import { findProjectRoot, cdktfContext } from '../environment/project-root';
import { synthesize } from '../terraform/synth';

export default class Stacks extends AutomockCommand {
  static override summary = 'List the stacks of the app with their state backend keys.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --env prod --json',
    '<%= config.bin %> <%= command.id %> --changed-since origin/main --json',
    '<%= config.bin %> <%= command.id %> --changed-since /tmp/base-synth --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.usage]:
      'bad input: flags, an unknown environment, a --changed-since that is neither a ref nor a synth directory',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: Flags.string({ summary: 'Only stacks of this environment; repeatable.', multiple: true }),
    'changed-since': Flags.string({
      summary:
        'Only stacks whose synthesised JSON differs from this git ref (synthesised in a worktree) or from a directory holding a previous synth.',
      helpValue: 'REF|DIR',
    }),
  };

  async run(): Promise<StackInfo[]> {
    const { flags } = await this.parse(Stacks);
    const root = findProjectRoot();
    let infos: StackInfo[];
    if (flags['changed-since']) {
      infos = changedStacks(root, flags['changed-since'], flags.env);
    } else {
      const { buildApp, AutomockStack } = loadAppModule();
      const app = buildApp({
        environments: flags.env,
        context: cdktfContext(root),
        outdir: 'cdktf.out',
      });
      infos = AutomockStack.all(app).map((s) => s.info);
    }
    if (!this.jsonEnabled()) {
      this.log(
        table(
          infos.map((s) => [s.name, s.kind, s.region, `s3://${s.stateBucket}/${s.backendKey}`]),
          ['stack', 'kind', 'region', 'state'],
        ),
      );
    }
    return infos;
  }
}

/** Synthesises the app and keeps the stacks whose JSON differs from `base` (a ref or a directory). */
function changedStacks(root: string, base: string, env?: string[]): StackInfo[] {
  const synth = synthesize({
    root,
    outDir: join(root, '.automock', 'synth', 'changed-since'),
    environments: env,
  });
  const set = changedSince(root, synth.outDir, synth.stacks, base);
  for (const r of set.removed)
    process.stderr.write(`warning: stack ${r} is in ${base} but no longer in the app\n`);
  return synth.stacks
    .filter((s) => set.changed.includes(s.name))
    .map(({ file: _f, resources: _r, ...info }) => info);
}
