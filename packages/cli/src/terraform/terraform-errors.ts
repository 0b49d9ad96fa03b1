/** What a terraform failure means for the user. */
export interface FailureDescription {
  readonly kind: 'credentials' | 'lock' | 'no-bucket' | 'backend' | 'other';
  readonly message: string;
  readonly suggestions: readonly string[];
}

/** The `Lock Info:` block terraform prints when the state is locked. */
export interface LockInfo {
  readonly id?: string;
  readonly path?: string;
  readonly operation?: string;
  readonly who?: string;
  readonly version?: string;
  readonly created?: string;
}

/** Reads terraform's `Lock Info:` block. */
export function parseLockInfo(output: string): LockInfo | undefined {
  const start = output.indexOf('Lock Info:');
  if (start < 0) return undefined;
  // Terraform draws its diagnostics in a box (`│ `) when not given -no-color on some versions.
  const block = output
    .slice(start)
    .split('\n')
    .slice(1, 10)
    .map((l) => l.replace(/^[│╷╵]\s?/, ''));
  const get = (key: string): string | undefined => {
    const line = block.find((l) => new RegExp(`^\\s*${key}:`).test(l));
    const v = line?.replace(new RegExp(`^\\s*${key}:\\s*`), '').trim();
    return v ? v : undefined;
  };
  return {
    id: get('ID'),
    path: get('Path'),
    operation: get('Operation')
      ?.replace(/^OperationType/, '')
      .toLowerCase(),
    who: get('Who'),
    version: get('Version'),
    created: get('Created'),
  };
}

const CREDENTIAL_PATTERNS = [
  /no valid credential sources/i,
  /NoCredentialProviders/,
  /failed to refresh cached credentials/i,
  /InvalidClientTokenId/,
  /ExpiredToken/,
  /security token included in the request is (invalid|expired)/i,
  /SignatureDoesNotMatch/,
  /get identity: get credentials/i,
  /retrieving credentials/i,
];

/** The `Error: ...` lines of terraform's output (its diagnostics), without the boxes. */
function errorSummary(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^[│╷╵]\s?/, '').trimEnd());
  const errs = lines.filter((l) => /^Error: /.test(l)).map((l) => l.replace(/^Error: /, ''));
  if (errs.length > 0) return [...new Set(errs)].join('; ');
  const tail = lines.filter((l) => l.trim()).slice(-3);
  return tail.join(' ').slice(0, 400) || 'no output';
}

/**
 * Turns terraform's output into one message and what to do about it: missing or expired
 * credentials, a state lock held by someone else (who, since when, which lock id), a missing state
 * bucket, or the first error lines.
 */
export function describeTerraformFailure(
  output: string,
  ctx: { label: string; dir: string; what: string },
): FailureDescription {
  if (/Error acquiring the state lock/i.test(output) || /ConditionalCheckFailed/.test(output)) {
    const lock = parseLockInfo(output);
    if (lock) {
      const who = lock.who ?? 'someone';
      const since = lock.created ? ` since ${lock.created}` : '';
      const op = lock.operation ? ` (running ${lock.operation})` : '';
      return {
        kind: 'lock',
        message: `The state of ${ctx.label} is locked by ${who}${since}${op}; lock ID ${lock.id ?? 'unknown'}`,
        suggestions: [
          'Wait for that run to finish and try again',
          `If that run died, release the lock: terraform -chdir=${ctx.dir} force-unlock ${lock.id ?? '<lock id>'}`,
        ],
      };
    }
  }
  if (CREDENTIAL_PATTERNS.some((p) => p.test(output))) {
    return {
      kind: 'credentials',
      message: `No valid AWS credentials for ${ctx.label} (terraform ${ctx.what}): ${errorSummary(output)}`,
      suggestions: [
        'Sign in (aws sso login --profile <profile>) and export AWS_PROFILE, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
        'Check with: automock doctor',
      ],
    };
  }
  if (/NoSuchBucket|bucket does not exist|S3 bucket .* does not exist/i.test(output)) {
    return {
      kind: 'no-bucket',
      message: `The state bucket of ${ctx.label} does not exist: ${errorSummary(output)}`,
      suggestions: ['Create it once per account and region: automock bootstrap --region <region>'],
    };
  }
  if (/Backend initialization required|Backend configuration changed/i.test(output)) {
    return {
      kind: 'backend',
      message: `The backend of ${ctx.label} changed since terraform was last initialised: ${errorSummary(output)}`,
      suggestions: [`Remove ${ctx.dir}/.terraform and run the command again`],
    };
  }
  return {
    kind: 'other',
    message: `terraform ${ctx.what} failed for ${ctx.label}: ${errorSummary(output)}`,
    suggestions: ['Run again with --verbose to see terraform’s full output'],
  };
}
