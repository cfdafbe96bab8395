/**
 * The zod field types policy files are built from, each with the one-line message a user sees when
 * a value is wrong. Rules use them for their own settings, so every day threshold reads the same.
 */
import * as z from 'zod';
import { isDateOnly } from '../days.js';

export const MIN_DAYS = 1;
export const MAX_DAYS = 10_000;
export const DAYS_MESSAGE = `must be an integer from ${MIN_DAYS} to ${MAX_DAYS}`;

/** An integer field from `min` to `max` whose every failure says so. */
export function boundedInt(min: number, max: number, message: string) {
  return z.int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

/** A threshold in whole days, 1 to 10,000. */
export const days = boundedInt(MIN_DAYS, MAX_DAYS, DAYS_MESSAGE);

/** Non-empty text, trimmed. */
export const text = z.string().trim().min(1, { error: 'must not be empty' });

/** A calendar date `YYYY-MM-DD` that exists (no 2027-02-30). */
export const dateOnly = z
  .string({ error: 'must be a date written YYYY-MM-DD' })
  .refine(isDateOnly, { error: 'must be a real date written YYYY-MM-DD' });
