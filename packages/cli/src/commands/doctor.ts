import { Flags } from '@oclif/core';
import { AutomockCommand } from '../base-command';
import { Check, runDoctor } from '../services/doctor';
import { CliError, EXIT, exitCodes } from '../errors';

export default class Doctor extends AutomockCommand {
  static override summary =
    'Check Node, terraform, AWS credentials, the state backend and the GitHub settings CI needs; say what to fix.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --env dev --json',
  ];

  static exitCodes = exitCodes({
    [EXIT.failure]:
      'a check failed (each says what to fix; with --json the checks are still printed)',
    [EXIT.usage]: 'bad input: flags or an unknown environment',
  });

  static override enableJsonFlag = true;

  static override flags = {
    env: Flags.string({
      char: 'e',
      summary: 'Only this environment’s account and region; repeatable.',
      multiple: true,
    }),
  };

  async run(): Promise<Check[]> {
    const { flags } = await this.parse(Doctor);
    const checks = await runDoctor(flags.env);
    if (!this.jsonEnabled()) {
      for (const c of checks) {
        this.log(`${c.skipped ? 'skip' : c.ok ? 'ok  ' : 'FAIL'}  ${c.check}: ${c.detail}`);
        if (!c.ok && c.fix) this.log(`      fix: ${c.fix}`);
      }
    }
    const failed = checks.filter((c) => !c.ok);
    if (failed.length > 0 && !this.jsonEnabled()) {
      throw new CliError(`${failed.length} of ${checks.length} checks failed`);
    }
    if (failed.length > 0) process.exitCode = 1;
    return checks;
  }
}
