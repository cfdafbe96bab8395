/** note-active: journals that a key the journal had as inactive is Active; changes nothing in AWS. */
import * as z from 'zod';
import { type LiveCheck, type LiveKey, OK, skip } from '../plan/live-checks.js';
import { plannedAction } from './action.js';

/**
 * Records, in the journal only, that Keywarden saw this key Active after recording it going
 * inactive: that record no longer stands, so a later inactive state is a new first sighting with the
 * whole grace period. Planned whatever the exemptions and rules say.
 */
export const noteActive = plannedAction({
  type: 'note-active',
  fields: {
    accessKeyId: z.string(),
    /** The journal's record this sighting closes (ISO timestamp). */
    closes: z.string(),
  },
  permissions: ['iam:ListAccessKeys'],
  changesAws: false,
  rank: () => 4,
  accessKeyId: (a) => a.accessKeyId,
  summary: (a) =>
    `${a.accessKeyId} (journal only; Active again, so its inactive record of ${a.closes.slice(0, 10)} no longer counts)`,
  undo: () => ({ kind: 'nothing' }),
});

/** A sighting as Active is journaled only while IAM still shows the key Active. */
export function checkNoteActive(
  action: { readonly accessKeyId: string },
  keys: readonly LiveKey[],
): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Active') return skip(`access key ${action.accessKeyId} is Inactive again`);
  return OK;
}
