import { Flags } from '@oclif/core';
import { userInfo } from 'node:os';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { envFlag, projectFlag } from '../flags';
import { waitProgress } from '../presentation/progress';
import { updateMock, UpdateResult } from '../services/update';
import { WAIT_DEFAULTS } from '../services/wait-for-mock';

export default class Update extends AutomockCommand {
  static override summary = 'Change the expectations of a running mock, without a redeploy.';

  static override description = `Validates the file (the same rules as deploy) before anything else, stores it as a new entry under versions/ in the project's config bucket, makes it the expectations.json new tasks load, refreshes project-metadata.json, and has the running mock serve it: with one task through MockServer's control plane (with the project's token), with more by letting ECS replace the tasks (no Terraform). Prints the expectation ids (or requests, for items without an id) added, removed and changed. --to VERSION goes back to a stored version (automock versions lists them); that, too, is stored as a new version.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev --project user-api --expectations mocks/user-api.json',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --to 2026-01-01T10:00:00Z',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]:
      'the project is not running (failed, destroying...), AWS refused, or MockServer did not take the expectations (the version is stored; tasks started from now on serve it)',
    [EXIT.usage]:
      'bad input: flags, an unknown environment or project, an invalid expectations file, an unknown version',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: envFlag,
    project: projectFlag,
    expectations: Flags.string({
      summary: 'New MockServer expectations file (JSON: one expectation or an array).',
      helpValue: 'FILE',
      exactlyOne: ['expectations', 'to'],
    }),
    to: Flags.string({
      summary: 'Go back to this stored version (see automock versions).',
      helpValue: 'VERSION',
      exactlyOne: ['expectations', 'to'],
    }),
    'wait-timeout': Flags.integer({
      summary: 'Minutes to wait when ECS replaces the tasks (more than one task).',
      default: WAIT_DEFAULTS.timeoutMs / 60_000,
      min: 1,
      max: 60,
    }),
  };

  async run(): Promise<UpdateResult> {
    const { flags } = await this.parse(Update);
    const json = this.jsonEnabled();
    const common = {
      env: flags.env,
      project: flags.project,
      by: process.env.USER || userInfo().username,
    };
    const res = await updateMock(
      flags.to !== undefined
        ? { ...common, to: flags.to }
        : { ...common, expectations: flags.expectations! },
      {
        timeoutMs: flags['wait-timeout'] * 60_000,
        progress: json ? undefined : waitProgress(),
        log: json ? undefined : (l) => this.logToStderr(l),
      },
    );
    if (!json) {
      const { diff } = res;
      this.log(
        `Updated ${res.env}/${res.project} to version ${res.version}${res.rolledBackTo ? ` (the content of ${res.rolledBackTo})` : ''}: ${res.count} expectation${res.count === 1 ? '' : 's'}, served ${res.method === 'control-plane' ? 'through the control plane' : 'by replaced tasks'}`,
      );
      for (const [label, ids] of [
        ['added', diff.added],
        ['removed', diff.removed],
        ['changed', diff.changed],
      ] as const)
        if (ids.length) this.log(`  ${label.padEnd(8)} ${ids.join(', ')}`);
      if (!diff.added.length && !diff.removed.length && !diff.changed.length)
        this.log('  no expectation changed');
    }
    return res;
  }
}
