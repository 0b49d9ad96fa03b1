import { NEVER_EXPIRES } from '@automock/core';

/** `3h 12m`, `45m`, `expired`, or `never` for a project without expiry. */
export function timeLeft(expiresAt: string, now: Date = new Date()): string {
  if (expiresAt === NEVER_EXPIRES) return 'never';
  const ms = Date.parse(expiresAt) - now.getTime();
  if (Number.isNaN(ms)) return 'unknown';
  if (ms <= 0) return 'expired';
  const mins = Math.floor(ms / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return `${d}d ${h}h`;
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
}

/** An expiry for people: the UTC time, or `never`. */
export function showExpiry(expiresAt: string): string {
  return expiresAt === NEVER_EXPIRES
    ? 'never'
    : expiresAt
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
        .replace(/Z$/, ' UTC');
}
