import { StackPlanSummary } from '@automock/plan-summary';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes, TERRAFORM_EXIT_CODES } from '../errors';
import { stackFlags } from '../flags';
import { planFromFlags } from '../services/plan-run';
import { formatPlanLines, throwIfFailed } from '../terraform/stack-plans';

export default class Plan extends AutomockCommand {
  static override summary =
    'Plan environment and project stacks: terraform init, plan -out and a summary per stack.';

  static override description = `Synthesises the app, then for each selected stack runs terraform init (reconfiguring when its backend changed), plan -out and show -json, and prints what would be added, changed and destroyed. The saved plans are what automock apply applies. Exits non-zero when any stack's plan fails, after writing the summary.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env dev',
    '<%= config.bin %> <%= command.id %> --stack staging --verbose',
    '<%= config.bin %> <%= command.id %> --all --changed-since origin/main --summary-md plan.md',
    '<%= config.bin %> <%= command.id %> --all --changed-since /tmp/base-synth --json',
  ];

  static exitCodes = exitCodes({
    ...TERRAFORM_EXIT_CODES,
    [EXIT.failure]:
      "a stack's plan failed (every other stack is still planned and the summary written), or AWS refused",
    [EXIT.usage]:
      'bad input: flags (exactly one of --env, --stack, --all), an unknown stack or environment, a bad --changed-since',
  });

  static override enableJsonFlag = true;

  static override flags = stackFlags;

  async run(): Promise<StackPlanSummary[]> {
    const { flags } = await this.parse(Plan);
    const { plans } = await planFromFlags(flags, (l) => this.logToStderr(l));
    if (!this.jsonEnabled()) for (const l of formatPlanLines(plans)) this.log(l);
    if (!this.jsonEnabled() && plans.length === 0) this.log('No stacks to plan.');
    throwIfFailed(plans);
    return plans.map((p) => p.summary);
  }
}
