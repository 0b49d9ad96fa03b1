import { Flags } from '@oclif/core';
import { userInfo } from 'node:os';
import { AutomockCommand } from '../base-command';
import { envFlag, projectFlag } from '../flags';
import { checkDestroyable, destroyProject, DestroyResult } from '../services/destroy';
import { EnvironmentContext } from '../environment/environment-context';
import { CliError, EXIT, exitCodes, TERRAFORM_EXIT_CODES } from '../errors';
import { findProjectRoot } from '../environment/project-root';
import * as prompt from '../presentation/prompt';
import { TerraformRunner } from '../terraform/terraform';

export default class Destroy extends AutomockCommand {
  static override summary =
    'Tear a project down now: terraform destroy (or a tag-scoped sweep), archive its state.';

  static override description = `Asks you to type the project name to confirm (unless --yes), runs terraform destroy on the synthesised stack stored at deploy time, archives the state object and marks the registry destroyed. --sweep deletes by the project's tags instead (for a stack terraform cannot destroy); a sweep that stops early is resumed by running it again.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev --project user-api',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --yes',
    '<%= config.bin %> <%= command.id %> -e dev -p user-api --sweep --yes',
  ];

  static exitCodes = exitCodes({
    ...TERRAFORM_EXIT_CODES,
    [EXIT.failure]:
      'terraform, the sweep or AWS failed, the project is still deploying, or its stored stack is missing (use --sweep)',
    [EXIT.usage]:
      'bad input: flags, an unknown environment or project, a project already destroyed',
    [EXIT.declined]: 'not confirmed, or no terminal to confirm on and no --yes',
  });

  static override flags = {
    env: envFlag,
    project: projectFlag,
    yes: Flags.boolean({ char: 'y', summary: 'Do not ask for confirmation.', default: false }),
    sweep: Flags.boolean({
      summary: 'Delete the resources tagged with the project instead of terraform destroy.',
      default: false,
    }),
    'confirm-empty': Flags.boolean({
      summary:
        'With --sweep: finish even though nothing tagged with the project is found (after checking the account and region).',
      default: false,
      dependsOn: ['sweep'],
    }),
    verbose: Flags.boolean({
      summary: 'Stream terraform’s output.',
      default: false,
      // A sweep runs no terraform: --verbose would be silently ignored.
      exclusive: ['sweep'],
    }),
  };

  async run(): Promise<DestroyResult> {
    const { flags } = await this.parse(Destroy);
    const root = findProjectRoot();
    const ctx = EnvironmentContext.open(flags.env);
    const d = await checkDestroyable(ctx, flags.project);
    await ctx.requireAccount();
    const runner = flags.sweep ? undefined : new TerraformRunner({ verbose: flags.verbose });
    if (!flags.yes) {
      if (!prompt.interactive()) {
        throw new CliError(
          `Refusing to destroy ${flags.env}/${flags.project} without confirmation`,
          ['Add --yes to confirm'],
          EXIT.declined,
        );
      }
      const typed = await prompt.ask(
        `This destroys ${flags.env}/${flags.project} (${d.status}). Type the project name to confirm`,
      );
      if (typed !== flags.project)
        throw new CliError('Not confirmed; nothing was destroyed.', [], EXIT.declined);
    }
    const res = await destroyProject(root, ctx, d, {
      sweep: flags.sweep,
      by: process.env.USER || userInfo().username,
      runner,
      confirmEmpty: flags['confirm-empty'],
      log: (l) => this.logToStderr(`  ${l}`),
    });
    this.log(
      `Destroyed ${res.env}/${res.project}${res.archivedTo ? `; state archived to s3://${ctx.names.bucket}/${res.archivedTo}` : ''}`,
    );
    return res;
  }
}
