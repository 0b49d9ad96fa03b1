import { Flags } from '@oclif/core';
import { StackPlanSummary } from '@automock/plan-summary';
import { AutomockCommand } from '../base-command';
import { stackFlags } from '../flags';
import { CliError, EXIT, exitCodes, TERRAFORM_EXIT_CODES } from '../errors';
import { planFromFlags } from '../services/plan-run';
import * as prompt from '../presentation/prompt';
import { applyPlans, formatPlanLines, planChanges, throwIfFailed } from '../terraform/stack-plans';

export default class Apply extends AutomockCommand {
  static override summary =
    'Plan and apply environment and project stacks, applying exactly the saved plans.';

  static override description = `Plans the selected stacks like automock plan, then applies each stack's saved plan (terraform apply <planfile>), so what is applied is exactly what was shown. When a plan destroys or replaces anything, apply asks for confirmation on a terminal; without a terminal it needs --auto-approve.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev',
    '<%= config.bin %> <%= command.id %> --all --changed-since origin/main --auto-approve --summary-md apply.md',
  ];

  static exitCodes = exitCodes({
    ...TERRAFORM_EXIT_CODES,
    [EXIT.failure]: 'a plan or an apply failed (the summary is written first), or AWS refused',
    [EXIT.usage]:
      'bad input: flags (exactly one of --env, --stack, --all), an unknown stack or environment, a bad --changed-since',
    [EXIT.declined]:
      'declined at the prompt, or the plan destroys or replaces resources with no terminal to confirm on and no --auto-approve',
  });

  static override flags = {
    ...stackFlags,
    'auto-approve': Flags.boolean({
      summary: 'Apply without asking, even when the plan destroys resources (CI).',
      default: false,
    }),
  };

  async run(): Promise<StackPlanSummary[]> {
    const { flags } = await this.parse(Apply);
    const { plans, runner } = await planFromFlags(flags, (l) => this.logToStderr(l));
    for (const l of formatPlanLines(plans)) this.log(l);
    throwIfFailed(plans);
    const destroys = plans.reduce((a, p) => a + p.summary.destroy + p.summary.replace, 0);
    if (destroys > 0 && !flags['auto-approve']) {
      if (!prompt.interactive()) {
        throw new CliError(
          `The plan destroys or replaces ${destroys} resource${destroys === 1 ? '' : 's'}; refusing to apply without a terminal to confirm on`,
          ['Review the plan, then run again with --auto-approve'],
          EXIT.declined,
        );
      }
      if (
        !(await prompt.confirm(
          `Apply, destroying or replacing ${destroys} resource${destroys === 1 ? '' : 's'}?`,
          false,
        ))
      ) {
        throw new CliError('Nothing applied.', [], EXIT.declined);
      }
    }
    const changing = plans.filter((p) => planChanges(p.summary));
    await applyPlans(runner, plans);
    this.log(
      changing.length
        ? `Applied ${changing.map((p) => p.stack.name).join(', ')}.`
        : 'Nothing to apply: no changes.',
    );
    return plans.map((p) => p.summary);
  }
}
