/** Milliseconds in one day; UTC has no DST, so every day is exactly this long. */
export const MS_PER_DAY = 86_400_000;

/**
 * Whole days elapsed from `earlier` to `now`, rounded down.
 *
 * The single definition of "age" used by every rule, so a key created 89 days 23 hours ago is
 * 89 days old everywhere (matching AWS Config, which also floors). Negative when `earlier` is in
 * the future (clock skew); callers treat that as "fresh".
 */
export function daysBetween(earlier: Date, now: Date): number {
  return Math.floor((now.getTime() - earlier.getTime()) / MS_PER_DAY);
}

/** `date` shifted by `n` whole days (n may be negative); used to build fixtures and due dates. */
export function addDays(date: Date, n: number): Date {
  return new Date(date.getTime() + n * MS_PER_DAY);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a calendar date `YYYY-MM-DD` strictly (no 2027-02-30), returning the epoch milliseconds
 * of the START of the following UTC day, or null. Exemption end dates are inclusive, so "exempt
 * until 2027-06-30" holds while `now < endOfDayExclusiveMs("2027-06-30")`.
 */
export function endOfDayExclusiveMs(value: string): number | null {
  const match = DATE_ONLY.exec(value);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const start = Date.UTC(year, month - 1, day);
  const check = new Date(start);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return start + MS_PER_DAY;
}

/** True when `value` is a real calendar date written as `YYYY-MM-DD`. */
export function isDateOnly(value: string): boolean {
  return endOfDayExclusiveMs(value) !== null;
}

/** A duration for sentences: `45s`, `12m`, `3h`, `2h 5m` (rounded down). */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return m ? `${h}h ${m}m` : `${h}h`;
}
