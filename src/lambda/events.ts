/**
 * The pieces of the handlers' event schemas (zod, read with Powertools Parser): each refusal is the
 * one line a person needs, `must be … (got …)`, and {@link parseEvent} names the field.
 */
import { z } from 'zod';
import { ACCOUNT_ID_PATTERN } from '../core/accounts.js';
import { RUN_ID_PATTERN } from '../engine/organization-run.js';

/** A value as a message shows it. */
export const shown = (value: unknown): string => String(JSON.stringify(value));

/** A JSON object with `shape`; anything else is refused as `must be ${what} (got …)`. */
export function eventObject<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.object(shape, { error: (issue) => `must be ${what} (got ${shown(issue.input)})` });
}

/** A string matching `pattern`; anything else is refused as `${problem} (got …)`. */
export function matching(pattern: RegExp, problem: string, show: (value: unknown) => string = shown) {
  const error = (issue: { readonly input?: unknown }) => `${problem} (got ${show(issue.input)})`;
  return z.string({ error }).regex(pattern, { error });
}

export const AccountId = matching(ACCOUNT_ID_PATTERN, 'must be a 12-digit account id');

/** A run id as org-accounts makes them (the journal's run id format); safe in an S3 key. */
export const RunId = matching(
  RUN_ID_PATTERN,
  'must be the run id org-accounts returned, letters, digits, - and _',
);
