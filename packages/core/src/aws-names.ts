import { IssueCollector } from './errors';
import { regionProblem } from './regions';

/**
 * AWS's rules for names and identifiers that props and configuration carry, checked in one place
 * for every package. A value that is still a Terraform reference (`${...}`, a cdktf token) is
 * left to Terraform: it is known only at apply time.
 */

/** Whether a value is a Terraform reference or a cdktf token, known only at apply time. */
export function isUnresolved(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

const ACCOUNT_ID_RE = /^\d{12}$/;

/**
 * Checks an AWS account id: 12 digits, as a string (a number would lose leading zeros). Never a
 * reference: names and ARNs are built from it.
 */
export function checkAccountId(issues: IssueCollector, field: string, v: unknown): void {
  if (typeof v !== 'string' || !ACCOUNT_ID_RE.test(v))
    issues.add(field, v, 'must be a 12-digit AWS account id, as a string');
}

/**
 * Checks a region of `partition` (default: commercial), from the AWS SDK's list (regions.ts).
 * Never a reference: names and ARNs are built from it.
 */
export function checkRegion(
  issues: IssueCollector,
  field: string,
  v: unknown,
  partition?: string,
): void {
  const problem = regionProblem(v, partition);
  if (problem) issues.add(field, v, problem);
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_RE = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Checks an S3 bucket name against S3's general-purpose bucket naming rules. */
export function checkBucketName(issues: IssueCollector, field: string, v: unknown): void {
  if (isUnresolved(v)) return;
  const rule =
    'must be an S3 bucket name: 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit';
  if (typeof v !== 'string' || !BUCKET_RE.test(v)) {
    issues.add(field, v, rule);
  } else if (v.includes('..') || v.includes('.-') || v.includes('-.')) {
    issues.add(field, v, 'must not contain two adjacent periods or a period next to a hyphen');
  } else if (IP_RE.test(v)) {
    issues.add(field, v, 'must not be formatted as an IP address');
  } else if (/^(xn--|sthree-|amzn-s3-demo-)/.test(v) || /(-s3alias|--ol-s3|--x-s3)$/.test(v)) {
    issues.add(
      field,
      v,
      'must not use a prefix or suffix S3 reserves (xn--, sthree-, -s3alias...)',
    );
  }
}

/** Checks a DynamoDB table name: 3-255 characters of letters, digits, `_`, `-` and `.`. */
export function checkTableName(issues: IssueCollector, field: string, v: unknown): void {
  if (isUnresolved(v)) return;
  if (typeof v !== 'string' || !/^[A-Za-z0-9_.-]{3,255}$/.test(v)) {
    issues.add(
      field,
      v,
      'must be a DynamoDB table name: 3-255 characters of letters, digits, underscores, hyphens and dots',
    );
  }
}

/** Checks an optional KMS key ARN (or alias ARN). */
export function checkKmsKeyArn(issues: IssueCollector, field: string, v: unknown): void {
  if (v === undefined || isUnresolved(v)) return;
  if (typeof v !== 'string' || !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(v)) {
    issues.add(
      field,
      v,
      'must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<id> (or an alias ARN)',
    );
  }
}

/** ELB: a load balancer name must not start with this. */
export const ALB_NAME_FORBIDDEN_PREFIX = 'internal-';

/** ELB: load balancer and target group names are at most this long. */
export const ELB_NAME_MAX = 32;

/**
 * Checks an ELB load balancer or target group name: at most 32 letters, digits and hyphens, not
 * starting or ending with a hyphen; a load balancer's must not start with `internal-` either.
 */
export function checkElbName(
  issues: IssueCollector,
  field: string,
  v: unknown,
  what: 'load balancer' | 'target group',
): void {
  if (isUnresolved(v)) return;
  if (
    typeof v !== 'string' ||
    v.length < 1 ||
    v.length > ELB_NAME_MAX ||
    !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(v)
  ) {
    issues.add(
      field,
      v,
      `must be a ${what} name: 1-${ELB_NAME_MAX} letters, digits and hyphens, not starting or ending with a hyphen (core's resourceName('${what === 'load balancer' ? 'alb' : 'targetGroup'}', ...) makes one)`,
    );
  } else if (what === 'load balancer' && v.startsWith(ALB_NAME_FORBIDDEN_PREFIX)) {
    issues.add(field, v, `must not start with '${ALB_NAME_FORBIDDEN_PREFIX}' (ELB refuses it)`);
  }
}
