import { Flags } from '@oclif/core';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { envFlag } from '../flags';
import { listText } from '../presentation/list-table';
import { listDeployments, ProjectStatus } from '../services/status';

export default class List extends AutomockCommand {
  static override summary =
    'List the projects and workload previews of an environment: kind, status, time left, size, URL.';

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev',
    '<%= config.bin %> <%= command.id %> --env dev --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.usage]: 'bad input: flags or an unknown environment',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: envFlag,
    all: Flags.boolean({ summary: 'Include destroyed projects (kept 30 days).', default: false }),
  };

  async run(): Promise<ProjectStatus[]> {
    const { flags } = await this.parse(List);
    const items = await listDeployments(flags.env, flags.all);
    if (!this.jsonEnabled()) this.log(listText(flags.env, items));
    return items;
  }
}
