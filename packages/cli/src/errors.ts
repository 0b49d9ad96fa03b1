/** An expected failure: one message, what to do about it, and the exit code to end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly suggestions: readonly string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes the commands use, so scripts can tell failures apart. */
export const EXIT = {
  /** Anything that failed (terraform, AWS, a conflict). */
  failure: 1,
  /** Bad input: unknown environment or project, invalid flags or files. */
  usage: 2,
  /** The user said no at a confirmation prompt. */
  declined: 3,
  /** Terraform not installed. */
  noTerraform: 127,
  /** Interrupted with Ctrl-C. */
  interrupted: 130,
} as const;

/** The exit codes a command ends with and what each means for it (its README entry lists them). */
export type ExitCodes = Readonly<Record<number, string>>;

/** What the codes of a command that runs terraform mean. */
export const TERRAFORM_EXIT_CODES: ExitCodes = {
  [EXIT.noTerraform]: 'terraform not found (or older than 1.10: exit 1)',
  [EXIT.interrupted]: 'interrupted (Ctrl-C); terraform was stopped cleanly and released its lock',
};

/** The codes every command can end with, and `specific` ones (which may reword those). */
export function exitCodes(specific: ExitCodes = {}): ExitCodes {
  return {
    0: 'success',
    [EXIT.failure]: 'failure (AWS, terraform, anything unexpected)',
    [EXIT.usage]: 'bad input: an unknown or missing flag, a bad value, a violated flag relation',
    ...specific,
  };
}
