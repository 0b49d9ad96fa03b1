import { IssueCollector } from '@automock/core';
import { Token } from 'cdktf';

/** Whether a value is a cdktf token, known only at apply time (validation skips it). */
export function isToken(v: unknown): boolean {
  return typeof v === 'string' && Token.isUnresolved(v);
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_RE = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Checks an S3 bucket name against S3's general-purpose bucket naming rules. */
export function checkBucketName(issues: IssueCollector, field: string, v: unknown): void {
  if (isToken(v)) return;
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
  if (isToken(v)) return;
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
  if (v === undefined || isToken(v)) return;
  if (typeof v !== 'string' || !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(v)) {
    issues.add(
      field,
      v,
      'must be a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/<id> (or an alias ARN)',
    );
  }
}

/** Checks a whole number of days within a range. */
export function checkDays(
  issues: IssueCollector,
  field: string,
  v: unknown,
  min: number,
  max: number,
): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    issues.add(field, v, `must be a whole number of days from ${min} to ${max}`);
  }
}

/** Checks an optional boolean. */
export function checkBoolean(issues: IssueCollector, field: string, v: unknown): void {
  if (v !== undefined && typeof v !== 'boolean') issues.add(field, v, 'must be true or false');
}
