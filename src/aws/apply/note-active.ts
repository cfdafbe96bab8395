import type { IAMClient } from '@aws-sdk/client-iam';
import { checkNoteActive } from '../../core/actions/note-active.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { NoteActiveAction } from '../../core/plan/types.js';
import { listKeys } from './live-state.js';

/**
 * Journals that the key is Active again, which closes the journal's record of it going inactive.
 * Nothing changes in AWS; the key is re-read so that only what IAM shows now is journaled.
 */
export async function noteActive(action: NoteActiveAction, iam: IAMClient): Promise<ActionOutcome> {
  return fromCheck(checkNoteActive(action, await listKeys(iam, action.userName))) ?? done(null);
}
