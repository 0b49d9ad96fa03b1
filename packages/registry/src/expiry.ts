import { NEVER_EXPIRES } from '@automock/core';
import type { Deployment } from './deployment';

const HOUR_MS = 3_600_000;

/** How long before expiry the (first) warning goes out. */
export const WARNING_LEAD_MS = HOUR_MS;

/** Minutes before expiry at which warnings go out, by default: an hour, then a quarter. */
export const DEFAULT_WARNING_MINUTES: readonly number[] = [60, 15];

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

/**
 * The warning stage due now (its minutes before expiry), or undefined: the tightest stage whose
 * time has come, unless that or a tighter one was already sent for the current expiry. A run that
 * missed a stage sends only the latest due one, never a burst. Not once expired (torn down instead).
 */
export function dueWarningStage(
  d: Pick<Deployment, 'expiresAt' | 'warnedAt' | 'warnedStage'>,
  now: Date,
  stagesMinutes: readonly number[] = DEFAULT_WARNING_MINUTES,
): number | undefined {
  if (d.expiresAt === NEVER_EXPIRES || stagesMinutes.length === 0) return undefined;
  const left = Date.parse(d.expiresAt) - now.getTime();
  if (left <= 0) return undefined;
  const due = stagesMinutes.filter((m) => left <= m * 60_000);
  if (due.length === 0) return undefined;
  const stage = Math.min(...due);
  // An item warned before stages existed had the one-hour warning.
  const sent = d.warnedStage ?? (d.warnedAt !== undefined ? WARNING_LEAD_MS / 60_000 : undefined);
  return sent !== undefined && sent <= stage ? undefined : stage;
}
