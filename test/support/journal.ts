/** Test support: journal records that open and close a run, for the journal's unit tests. */
import type { JournalRecord } from '../../src/journal/records.js';

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
