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
