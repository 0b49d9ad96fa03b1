import { NEVER_EXPIRES } from '@automock/core';
import type { Deployment } from './deployment';

const HOUR_MS = 3_600_000;

/** How long before expiry the warning goes out. */
export const WARNING_LEAD_MS = HOUR_MS;

/** Absolute UTC expiry of something created at `now` with `ttlHours` (0 = never). */
export function expiryFor(now: Date, ttlHours: number): string {
  return ttlHours === 0
    ? NEVER_EXPIRES
    : new Date(now.getTime() + ttlHours * HOUR_MS).toISOString();
}

/** True when the deployment has a finite expiry at or before `now`. */
export function isExpired(d: Pick<Deployment, 'expiresAt'>, now: Date): boolean {
  return d.expiresAt !== NEVER_EXPIRES && Date.parse(d.expiresAt) <= now.getTime();
}

/**
 * True when the one-hour warning for the current expiry is due and has not been sent: within
 * {@link WARNING_LEAD_MS} of expiry, not yet expired (an expired project is torn down instead).
 */
export function isWarningDue(
  d: Pick<Deployment, 'expiresAt' | 'warnedAt'>,
  now: Date,
  leadMs = WARNING_LEAD_MS,
): boolean {
  if (d.warnedAt !== undefined || d.expiresAt === NEVER_EXPIRES) return false;
  const left = Date.parse(d.expiresAt) - now.getTime();
  return left > 0 && left <= leadMs;
}
