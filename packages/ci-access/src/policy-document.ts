/** An IAM policy document, as this package writes it (and as its evaluator reads it). */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** One statement of a {@link PolicyDocument}. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: {
    readonly Federated?: string | readonly string[];
    readonly AWS?: string | readonly string[];
  };
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<
    Record<string, Readonly<Record<string, string | readonly string[]>>>
  >;
}

/** The claims of a GitHub Actions OIDC token that trust policies test. */
export interface OidcTokenClaims {
  /** Audience; `sts.amazonaws.com` with aws-actions/configure-aws-credentials. */
  readonly aud: string;
  /** Subject, e.g. `repo:acme/infra:pull_request` or `repo:acme/infra:ref:refs/heads/main`. */
  readonly sub: string;
}

/** A token presented to `sts:AssumeRoleWithWebIdentity`. */
export interface WebIdentityRequest {
  /** ARN of the IAM OIDC provider the token is federated through. */
  readonly providerArn: string;
  /** Host of the provider, the prefix of condition keys (`token.actions.githubusercontent.com`). */
  readonly providerHost: string;
  readonly claims: OidcTokenClaims;
}

const ASSUME = 'sts:AssumeRoleWithWebIdentity';

function list<T>(v: T | readonly T[] | undefined): readonly T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? (v as readonly T[]) : [v as T];
}

function conditionsHold(condition: PolicyStatement['Condition'], req: WebIdentityRequest): boolean {
  for (const [operator, tests] of Object.entries(condition ?? {})) {
    // Only exact matching is evaluated: a trust policy of this project that used StringLike (or
    // anything else) would be a mistake the tests must catch, not something to approximate.
    if (operator !== 'StringEquals') {
      throw new Error(
        `trust policy: condition operator ${operator} is not supported by this evaluator (only StringEquals)`,
      );
    }
    for (const [key, expected] of Object.entries(tests)) {
      const prefix = `${req.providerHost}:`;
      if (!key.startsWith(prefix)) return false;
      const claim = key.slice(prefix.length) as keyof OidcTokenClaims;
      const actual = req.claims[claim];
      if (typeof actual !== 'string' || !list(expected).includes(actual)) return false;
    }
  }
  return true;
}

function statementMatches(s: PolicyStatement, req: WebIdentityRequest): boolean {
  return (
    list(s.Action).includes(ASSUME) &&
    list(s.Principal?.Federated).includes(req.providerArn) &&
    conditionsHold(s.Condition, req)
  );
}

/**
 * Whether a role trust policy lets a GitHub OIDC token assume the role, the way STS decides for
 * the statements this package writes: some Allow statement for `sts:AssumeRoleWithWebIdentity`
 * names the provider and every StringEquals condition matches the token's claim (a list matches
 * any of its values), and no Deny statement matches. Other condition operators throw.
 */
export function canAssumeWithWebIdentity(policy: PolicyDocument, req: WebIdentityRequest): boolean {
  const statements = policy.Statement;
  if (statements.some((s) => s.Effect === 'Deny' && statementMatches(s, req))) return false;
  return statements.some((s) => s.Effect === 'Allow' && statementMatches(s, req));
}
