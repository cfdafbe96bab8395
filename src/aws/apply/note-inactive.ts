import type { IAMClient } from '@aws-sdk/client-iam';
import { type ActionOutcome, done, skipped } from '../../core/plan/outcome.js';
import type { NoteInactiveAction } from '../../core/plan/types.js';
import { listKeys } from './live-state.js';

/**
 * Journals the first sighting of an inactive key; the outcome's time starts its inactive window.
 * Nothing changes in AWS, but the key must still be there and still inactive.
 */
export async function noteInactive(action: NoteInactiveAction, iam: IAMClient): Promise<ActionOutcome> {
  const key = (await listKeys(iam, action.userName)).find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skipped(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Inactive') return skipped(`access key ${action.accessKeyId} is Active again`);
  return done(null);
}
