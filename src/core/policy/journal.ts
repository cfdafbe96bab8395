/**
 * Where a journal lives, written as text: a file path, or `dynamodb://TABLE` for a DynamoDB table
 * shared by every run (CLI and Lambda). One parser for the flag, the environment variable and the
 * policy's `journal.location`, so each refuses the same things with the same words.
 */

export type JournalSpec =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'dynamodb'; readonly tableName: string };

const DYNAMODB_SCHEME = 'dynamodb://';

/** DynamoDB's own rule for a table name. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The lease a run holds on an account, unless the policy says otherwise: 15 minutes. */
export const DEFAULT_LEASE_SECONDS = 900;
export const MIN_LEASE_SECONDS = 60;
export const MAX_LEASE_SECONDS = 86_400;

/**
 * Parses a journal location. The error says what is wrong and what is expected, without the value
 * (the caller shows it, after the field's name); a file path is returned as written (the caller
 * resolves it against its own directory).
 */
export function parseJournalSpec(raw: string): { readonly spec: JournalSpec } | { readonly error: string } {
  const text = raw.trim();
  if (text === '') return { error: 'must be a file path or dynamodb://TABLE' };
  if (text.startsWith(DYNAMODB_SCHEME)) {
    const tableName = text.slice(DYNAMODB_SCHEME.length);
    if (!TABLE_NAME.test(tableName)) {
      return {
        error: 'dynamodb://TABLE needs a DynamoDB table name: 3 to 255 letters, digits, _ . or -',
      };
    }
    return { spec: { kind: 'dynamodb', tableName } };
  }
  const scheme = SCHEME.exec(text);
  if (scheme !== null) {
    return {
      error: `must be a file path or dynamodb://TABLE; ${scheme[0]} is not a journal`,
    };
  }
  return { spec: { kind: 'file', path: text } };
}
