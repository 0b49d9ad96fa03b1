import { IssueCollector } from '@automock/core';
import { Token } from 'cdktf';

/** Whether a value is a cdktf token, known only at apply time (validation skips it). */
export function isToken(v: unknown): boolean {
  return typeof v === 'string' && Token.isUnresolved(v);
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
