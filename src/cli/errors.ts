import { isDateOnly } from '../core/days.js';

/** An error the CLI reports as one line and an exit code (2: usage, policy, credentials or input error). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Parses an integer flag or throws a CliError naming the flag and the bad value. */
export function parseIntegerOption(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`${flag}: must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return n;
}

/** One CLI line for a list of validation errors: the first, and how many more there are. */
export function firstOf(errors: readonly string[], fallback: string, prefix = ''): CliError {
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return new CliError(`${prefix}${errors[0] ?? fallback}${more}`);
}

/** Checks a flag against its allowed values or throws a CliError naming the flag and the bad value. */
export function parseChoice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${flag}: must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

const ISO_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;

/**
 * Parses `--now` (an ISO-8601 date or time) or throws a CliError naming the flag and the bad value.
 * Strict where `Date.parse` is lenient: 2026-02-30 and 24:00 are refused, not rolled over.
 */
export function parseNow(raw: string): Date {
  const m = ISO_TIME.exec(raw);
  const within = (field: string | undefined, max: number) => field === undefined || Number(field) <= max;
  const valid =
    m !== null &&
    isDateOnly(m[1] ?? '') &&
    within(m[2], 23) &&
    within(m[3], 59) &&
    within(m[4], 59) &&
    within(m[5], 23) &&
    within(m[6], 59);
  const ms = valid ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new CliError(
      `--now: must be an ISO-8601 time such as 2026-11-22T12:00:00Z (got ${JSON.stringify(raw)})`,
    );
  }
  return new Date(ms);
}
