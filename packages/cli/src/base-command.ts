import { Command, Errors } from '@oclif/core';
import { ConfigValidationError } from '@automock/core';
// The error class alone: the registry's DynamoDB client is for the commands that use it.
import { RegistryConflictError } from '@automock/registry/errors';
import { CliError, EXIT } from './errors';
import { quietAwsSdkNodeWarning } from './environment/aws';

// Here since the list fast path (without oclif) needs them too; re-exported for existing importers.
export { AWS_SDK_NODE_WARNING_SWITCH, quietAwsSdkNodeWarning } from './environment/aws';

/**
 * Base of the automock commands: expected failures thrown by services (invalid configuration,
 * terraform, registry conflicts, missing credentials) end as one clear message with suggestions and
 * a non-zero exit code instead of a stack trace.
 */
export abstract class AutomockCommand extends Command {
  protected override async init(): Promise<void> {
    quietAwsSdkNodeWarning(this.argv);
    await super.init();
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    const e = toCliError(err) as Error & { exitCode?: number; oclif?: { exit?: number } };
    // One exit code for the process and the JSON body. oclif keeps an exit code already set on the
    // process (`process.exitCode ?? err.exitCode`), so a step that set one earlier could make an
    // error end with 0; and an unexpected error carries no code in its JSON body at all.
    e.exitCode = exitCodeOf(e);
    process.exitCode = e.exitCode;
    return super.catch(e);
  }

  /**
   * The error as `--json` prints it. A parse error (a missing flag, a violated flag relation)
   * carries the parser's whole state, oclif's configuration included: scripts need the message
   * and the exit code, not that.
   */
  protected override toErrorJson(err: unknown): unknown {
    const json = super.toErrorJson(err) as { error?: unknown };
    if (!json.error || typeof json.error !== 'object') return json;
    const { parse: _parse, ...error } = json.error as Record<string, unknown>;
    return { error };
  }
}

/** The code an error ends the process with: the one it carries, else oclif's, else 1. */
export function exitCodeOf(err: { exitCode?: unknown; oclif?: { exit?: unknown } }): number {
  for (const c of [err.exitCode, err.oclif?.exit])
    if (typeof c === 'number' && Number.isInteger(c) && c > 0) return c;
  return EXIT.failure;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

/** Maps a known failure to an oclif error with exit code and suggestions; others pass through. */
export function toCliError(err: Error): Error {
  const make = (message: string, exit: number, suggestions: readonly string[] = []) => {
    const e = new Errors.CLIError(message, { exit, suggestions: [...suggestions] });
    (e as Error & { exitCode?: number }).exitCode = exit;
    return e;
  };
  // CliError and its kinds (TerraformError).
  if (err instanceof CliError) return make(err.message, err.exitCode, err.suggestions);
  // oclif's own errors (flag parsing and relations: exit 2; `this.error`) keep their exit code in
  // `oclif.exit`, which oclif reads only without --json; with --json it takes `exitCode` or 1.
  if (err instanceof Errors.CLIError && !(err instanceof Errors.ExitError)) {
    (err as Error & { exitCode?: number }).exitCode ??= err.oclif.exit;
    return err;
  }
  if (err instanceof ConfigValidationError) return make(err.message, EXIT.usage);
  if (err instanceof RegistryConflictError)
    return make(err.message, EXIT.failure, ['automock status --env <env> --project <project>']);
  if (CREDENTIAL_ERRORS.has(err.name)) {
    return make(`No valid AWS credentials: ${err.message}`, EXIT.failure, [
      'Sign in (aws sso login --profile <profile>) and export AWS_PROFILE, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      'automock doctor',
    ]);
  }
  if (err.name === 'ResourceNotFoundException' || err.name === 'NoSuchBucket') {
    return make(`AWS resource not found: ${err.message}`, EXIT.failure, [
      'Has this account and region been bootstrapped? automock bootstrap --region <region>',
      'automock doctor',
    ]);
  }
  // oclif ignores errors coded MODULE_NOT_FOUND in some paths; a broken install must still fail.
  if ((err as Error & { code?: string }).code === 'MODULE_NOT_FOUND') {
    return make(
      `Internal error, a module is missing (is the build complete?): ${err.message}`,
      EXIT.failure,
      ['pnpm install && pnpm build'],
    );
  }
  return err;
}
