/**
 * Fault injection through the journal seam: a journal that "crashes" the run right after a chosen
 * action's outcome is durable, before anything else is written — where a SIGKILL would leave it.
 * `target` is an action type (`create-key`, `notify`) or the end of an action id. The notify
 * intents a completed chain queues belong to its last change, so they are let through; notices are
 * journaled together at the end of a run, so a `notify` target also lets every notify outcome
 * through and crashes before the next other record.
 */

import type { JournalRecord } from '../../src/core/journal/records.js';
import type { AnyAction } from '../../src/core/plan/types.js';
import type { Journal } from '../../src/journal/journal.js';

export function crashingJournal(journal: Journal, target: string, crash: () => never): Journal {
  const actions = new Map<string, AnyAction>();
  let armedType: string | null = null;
  let fired = false;
  // `before-outcome:<target>`: crash as the outcome is about to be written (the action happened in
  // AWS, the journal does not know).
  const beforeOutcome = target.startsWith('before-outcome:');
  const wanted = beforeOutcome ? target.slice('before-outcome:'.length) : target;
  const matches = (a: AnyAction) => a.type === wanted || a.id.endsWith(wanted);
  return {
    // Leases, claims and the rest go through untouched: a crash leaves them as a kill would.
    ...journal,
    location: journal.location,
    read: () => journal.read(),
    async append(record: JournalRecord) {
      if (beforeOutcome && !fired && record.type === 'outcome') {
        const action = actions.get(record.actionId);
        if (action !== undefined && matches(action)) {
          fired = true;
          crash();
        }
      }
      if (armedType !== null && !fired) {
        const noticeIntent = record.type === 'intent' && record.action.type === 'notify';
        const noticeOutcome =
          record.type === 'outcome' &&
          armedType === 'notify' &&
          actions.get(record.actionId)?.type === 'notify';
        if (!noticeIntent && !noticeOutcome) {
          fired = true;
          crash();
        }
      }
      await journal.append(record);
      if (record.type === 'intent') actions.set(record.actionId, record.action);
      if (!beforeOutcome && record.type === 'outcome' && armedType === null && !fired) {
        const action = actions.get(record.actionId);
        if (action !== undefined && matches(action)) armedType = action.type;
      }
    },
  };
}
