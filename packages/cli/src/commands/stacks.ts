import { Command, Flags } from '@oclif/core';
import type { StackInfo } from '@automock/stacks';
import { table } from '../services/format';
import { loadStacks } from '../services/load-stacks';
import { findProjectRoot, cdktfContext } from '../services/project-root';

export default class Stacks extends Command {
  static override summary = 'List the stacks of the app with their state backend keys.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --env prod --json',
  ];

  static override enableJsonFlag = true;

  static override flags = {
    env: Flags.string({ summary: 'Only stacks of this environment; repeatable.', multiple: true }),
  };

  async run(): Promise<StackInfo[]> {
    const { flags } = await this.parse(Stacks);
    const root = findProjectRoot();
    let infos: StackInfo[];
    try {
      const { buildApp, AutomockStack } = loadStacks();
      const app = buildApp({
        environments: flags.env,
        context: cdktfContext(root),
        outdir: 'cdktf.out',
      });
      infos = AutomockStack.all(app).map((s) => s.info);
    } catch (e) {
      this.error((e as Error).message, { exit: 1 });
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
