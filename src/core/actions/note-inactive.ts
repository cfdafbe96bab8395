/** note-inactive: journals the first sighting of an inactive key; changes nothing in AWS. */
import * as z from 'zod';
import { type LiveCheck, type LiveKey, OK, skip } from '../plan/live-checks.js';
import { isoOrNull, plannedAction } from './action.js';

/**
 * Records, in the journal only, that Keywarden first saw this key inactive now: the start of its
 * inactive window when nothing else says when it became inactive.
 */
export const noteInactive = plannedAction({
  type: 'note-inactive',
  fields: {
    accessKeyId: z.string(),
    expect: z.object({ status: z.literal('Inactive'), lastUsedDate: isoOrNull }),
    /** The earliest day the key may be deleted, counted from this sighting. */
    deleteFrom: z.string(),
  },
  permissions: ['iam:ListAccessKeys'],
  changesAws: false,
  rank: () => 4,
  accessKeyId: (a) => a.accessKeyId,
  summary: (a) => `${a.accessKeyId} (journal only; deleted from ${a.deleteFrom.slice(0, 10)})`,
  undo: () => ({ kind: 'nothing' }),
});

/** A first sighting as inactive is journaled only while IAM still shows the key Inactive. */
export function checkNoteInactive(
  action: { readonly accessKeyId: string },
  keys: readonly LiveKey[],
): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Inactive') return skip(`access key ${action.accessKeyId} is Active again`);
  return OK;
}
