/** Test support: journal records for the journal's tests, and journals left by earlier runs. */
import { appendFileSync } from 'node:fs';
import type { JournalRecord } from '../../src/core/journal/records.js';
import type { NoteInactiveAction } from '../../src/core/plan/types.js';

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
