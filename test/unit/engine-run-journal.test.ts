/**
 * A run's view of the journal: read once, kept current with the run's own appends, and dropped once
 * the run has decided from it, so an organization run's accounts in flight do not each hold the
 * whole shared journal until they finish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/core/journal/records.js';
import { readJournalOnce } from '../../src/engine/run-journal.js';
import { openFileJournal } from '../../src/journal/file-journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function started(runId: string): JournalRecord {
  return {
    v: 1,
    type: 'run-started',
    runId,
    at: '2026-12-07T00:00:00.000Z',
    command: 'apply',
    resumeOf: null,
    planned: 0,
    deferred: 0,
  };
}

function fileJournal() {
  const dir = mkdtempSync(join(tmpdir(), 'kw-run-journal-'));
  dirs.push(dir);
  return openFileJournal(join(dir, 'journal.jsonl'));
}

describe('readJournalOnce', () => {
  it("keeps the view current with the run's own appends, answering reads from memory", async () => {
    // Prepare
    const journal = fileJournal();
    await journal.append(started('run-a'));
    const run = await readJournalOnce(journal);

    // Act
    await run.journal.append(started('run-b'));

    // Assess
    expect(run.records().map((r) => r.runId)).toEqual(['run-a', 'run-b']);
    expect((await run.journal.read()).records.map((r) => r.runId)).toEqual(['run-a', 'run-b']);
  });

  it('once released, still appends to the journal but keeps nothing, and refuses a read', async () => {
    // Prepare
    const journal = fileJournal();
    await journal.append(started('run-a'));
    const run = await readJournalOnce(journal);

    // Act
    run.release();
    await run.journal.append(started('run-b'));

    // Assess
    expect((await journal.read()).records.map((r) => r.runId)).toEqual(['run-a', 'run-b']);
    expect(() => run.records()).toThrow(/read after the run released it/);
    await expect(run.journal.read()).rejects.toThrow(/read after the run released it/);
  });
});
