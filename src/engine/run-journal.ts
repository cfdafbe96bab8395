/**
 * The journal as one run sees it: read once, when the run starts (on DynamoDB a full Query of the
 * records), then kept current in memory with what the run itself appends, until the run has decided
 * from it (recovery and planning) and releases it. The run holds its account's lease, or the file
 * journal's lock, meanwhile: no other run writes the records it decides from, so its view is what a
 * second read would return.
 */
import { type JournalRecord, parseRecord } from '../core/journal/records.js';
import type { Journal } from '../journal/journal.js';

export interface RunJournal {
  /**
   * The journal to work through: an append is made durable, then added to {@link records}; a read
   * is answered from memory.
   */
  readonly journal: Journal;
  /** What the journal held when it was read, then what this run appended, in order. */
  records(): readonly JournalRecord[];
  /** The read's warnings (a torn last line, ignored). */
  readonly warnings: readonly string[];
  /**
   * Drops the view once the run has decided from it (recovery and planning are done): the run's
   * later appends still go to the journal but are no longer kept, so an organization run's accounts
   * in flight do not each hold the whole shared journal until they finish. A read after this is a bug.
   */
  release(): void;
}

/** Reads `journal` once, for one run. */
export async function readJournalOnce(journal: Journal): Promise<RunJournal> {
  const read = await journal.read();
  let records: JournalRecord[] | null = [...read.records];
  const warnings = [...read.warnings];
  const view = (): JournalRecord[] => {
    if (records === null) throw new Error('the run journal was read after the run released it');
    return records;
  };
  return {
    journal: {
      // Leases, claims and the run lock are the journal's own.
      ...journal,
      async append(record) {
        await journal.append(record);
        if (records === null) return;
        // As a read would give it back: the journal's schema applied.
        const stored = parseRecord(JSON.stringify(record), 'an appended record');
        records.push('record' in stored ? stored.record : record);
      },
      read: async () => ({ records: [...view()], warnings: [...warnings] }),
    },
    records: view,
    warnings,
    release() {
      records = null;
    },
  };
}
