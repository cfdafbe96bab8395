/** Test support: journal records for the journal's tests, and journals left by earlier runs. */
import { appendFileSync } from 'node:fs';
import type { JournalRecord } from '../../src/core/journal/records.js';
import type { NoteInactiveAction } from '../../src/core/plan/types.js';
import {
  type AccountLease,
  ClaimHeldError,
  type IntentHolder,
  LeaseHeldError,
} from '../../src/journal/journal.js';

/** The fixed instant the journal tests record at. */
export const JOURNAL_T0 = '2026-11-22T12:00:00.000Z';

/** `run-started` of an apply, or of a resume when `resumeOf` names the run it finishes. */
export function started(runId: string, at = JOURNAL_T0, resumeOf: string | null = null): JournalRecord {
  return {
    v: 1,
    type: 'run-started',
    runId,
    at,
    command: resumeOf === null ? 'apply' : 'resume',
    resumeOf,
    planned: 0,
    deferred: 0,
  };
}

/** What a lease attempt came to, as data: the lease taken, or (a {@link LeaseHeldError}) the holder's. */
export type LeaseAttempt =
  | { readonly kind: 'acquired'; readonly lease: AccountLease }
  | { readonly kind: 'held'; readonly lease: AccountLease };

/** Awaits a lease attempt as {@link LeaseAttempt}; anything else it throws is thrown. */
export async function leaseAttempt(
  attempt: Promise<AccountLease> | undefined,
): Promise<LeaseAttempt | undefined> {
  try {
    const lease = await attempt;
    return lease === undefined ? undefined : { kind: 'acquired', lease };
  } catch (error) {
    if (error instanceof LeaseHeldError) return { kind: 'held', lease: error.holder };
    throw error;
  }
}

/**
 * Awaits a claim: null when the run now holds the action, else (a {@link ClaimHeldError}) the run
 * that does; anything else it throws is thrown.
 */
export async function claimAttempt(
  attempt: Promise<void> | undefined,
): Promise<IntentHolder | null | undefined> {
  if (attempt === undefined) return undefined;
  try {
    await attempt;
    return null;
  } catch (error) {
    if (error instanceof ClaimHeldError) return error.holder;
    throw error;
  }
}

/** `run-finished` with nothing counted. */
export function finished(runId: string, at = JOURNAL_T0): JournalRecord {
  return { v: 1, type: 'run-finished', runId, at, done: 0, skipped: 0, failed: 0, deferred: 0 };
}

/**
 * A finished run that recorded the first sighting of an inactive key at `at`: what an earlier
 * `keywarden apply` leaves when it meets a key it has no record of. Its inactive window starts then.
 */
export function sightingRun(
  accountId: string,
  userName: string,
  accessKeyId: string,
  at: Date,
  windowDays = 14,
): JournalRecord[] {
  const runId = `${at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-')}-5eed00`;
  const stamp = at.toISOString();
  const action: NoteInactiveAction = {
    id: `${accountId}/${userName}/${accessKeyId}/note-inactive/inactive-seen`,
    chainId: `${accountId}/${userName}/${accessKeyId}/inactive-seen`,
    type: 'note-inactive',
    accountId,
    userName,
    stage: 'inactive-seen',
    rule: 'KEY_ROTATION',
    accessKeyId,
    reason: 'First seen inactive.',
    expect: { status: 'Inactive', lastUsedDate: null },
    deleteFrom: new Date(at.getTime() + windowDays * 86_400_000).toISOString(),
  };
  return [
    {
      v: 1,
      type: 'run-started',
      runId,
      at: stamp,
      command: 'apply',
      resumeOf: null,
      planned: 1,
      deferred: 0,
    },
    { v: 1, type: 'intent', runId, at: stamp, actionId: action.id, action },
    {
      v: 1,
      type: 'outcome',
      runId,
      at: stamp,
      actionId: action.id,
      status: 'done',
      reason: null,
      requestId: null,
    },
    { v: 1, type: 'run-finished', runId, at: stamp, done: 1, skipped: 0, failed: 0, deferred: 0 },
  ];
}

/** Writes records as journal lines to `path` (creating or appending). */
export function writeJournal(path: string, records: readonly JournalRecord[]): void {
  appendFileSync(path, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
