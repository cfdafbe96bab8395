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

/** Parses `--now` (an ISO-8601 time) or throws a CliError naming the flag and the bad value. */
export function parseNow(raw: string): Date {
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new CliError(
      `--now: must be an ISO-8601 time such as 2026-11-22T12:00:00Z (got ${JSON.stringify(raw)})`,
    );
  }
  return new Date(ms);
}
