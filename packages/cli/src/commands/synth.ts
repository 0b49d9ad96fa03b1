import { Flags } from '@oclif/core';
import { ConfigValidationError } from '@automock/core';
import { AutomockCommand } from '../base-command';
import { EXIT, exitCodes } from '../errors';
import { synthReport } from '../presentation/synth-report';
import { findProjectRoot } from '../environment/project-root';
import { synthesize, SynthResult } from '../terraform/synth';

export default class Synth extends AutomockCommand {
  static override summary = 'Synthesise stacks to Terraform JSON (cdktf.out/), in-process.';

  static override description = `Builds the CDKTF app from compiled JavaScript in this process (no \`cdktf\` subprocess) and writes \
cdktf.out/stacks/<stack>/cdk.tf.json for every stack. Output goes to a temporary directory first and \
replaces the previous output only when synthesis succeeds, so a failed synth leaves cdktf.out/ as it was. \
Invalid configuration (a value AWS or MockServer would refuse) exits with code 2, a policy error with 1.`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --env dev --env staging',
    '<%= config.bin %> <%= command.id %> --out /tmp/out --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]: 'a guardrails error (rule and resource named); nothing is written',
    [EXIT.usage]:
      'bad input: flags, an unknown environment, invalid configuration (every field, value and rule named); nothing is written',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: Flags.string({
      summary: 'Only this environment (with its bootstrap and project stacks); repeatable.',
      multiple: true,
    }),
    out: Flags.string({ summary: 'Output directory.', default: 'cdktf.out' }),
  };

  async run(): Promise<SynthResult> {
    const { flags } = await this.parse(Synth);
    const root = findProjectRoot();
    let result: SynthResult;
    try {
      result = synthesize({
        root,
        outDir: flags.out === 'cdktf.out' ? undefined : flags.out,
        environments: flags.env,
      });
    } catch (e) {
      // Invalid configuration is bad input (exit 2); a policy error or anything else is a failure.
      this.error((e as Error).message, {
        exit: e instanceof ConfigValidationError ? EXIT.usage : EXIT.failure,
      });
    }
    if (!this.jsonEnabled()) this.log(synthReport(result));
    return result;
  }
}
