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
