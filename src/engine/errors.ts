/**
 * Errors the engine's use cases raise for the caller to report (the CLI maps them to exit code 2),
 * and the one line an entry point shows for anything a use case threw.
 */
import { NotifierConfigError } from '../channels/notifier.js';
import { JournalError } from '../journal/journal.js';
import type { AwsConnection } from '../sdk/connection.js';
import { errorLine, isAwsFailure } from '../sdk/errors.js';

/** The input names something that does not exist (a user, a run). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    /** The argument or flag the missing thing came from, e.g. `--user`. */
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
  }
}

/**
 * A Lambda deployment is wrong (a variable, the policy): one line naming what to fix. Retrying does
 * not help; `keywarden invoke` exits 2 with it.
 */
export class HandlerConfigError extends Error {
  override readonly name = 'HandlerConfigError';
}

/**
 * The line an entry point shows for what a use case threw ({@link errorLine}, naming what to change
 * when AWS could not be reached with `connection`). A failure Keywarden knows (AWS, the journal, a
 * notification channel, the input) reads as itself; anything else is a bug and says so, by name.
 */
export function failureLine(error: unknown, connection?: AwsConnection): string {
  const known =
    isAwsFailure(error) ||
    error instanceof JournalError ||
    error instanceof NotFoundError ||
    error instanceof NotifierConfigError ||
    error instanceof HandlerConfigError;
  if (known) return errorLine(error, connection);
  return `unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
}
