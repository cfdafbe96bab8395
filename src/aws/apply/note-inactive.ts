import type { IAMClient } from '@aws-sdk/client-iam';
import { checkNoteInactive } from '../../core/actions/note-inactive.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { NoteInactiveAction } from '../../core/plan/types.js';
import { listKeys } from './live-state.js';

/**
 * Journals the first sighting of an inactive key; the outcome's time starts its inactive window.
 * Nothing changes in AWS, but the key must still be there and still inactive.
 */
export async function noteInactive(action: NoteInactiveAction, iam: IAMClient): Promise<ActionOutcome> {
  return fromCheck(checkNoteInactive(action, await listKeys(iam, action.userName))) ?? done(null);
}
