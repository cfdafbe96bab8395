import type { IAMClient } from '@aws-sdk/client-iam';
import { type ActionOutcome, done, skipped } from '../../core/plan/outcome.js';
import type { NoteActiveAction } from '../../core/plan/types.js';
import { listKeys } from './live-state.js';

/**
 * Journals that the key is Active again, which closes the journal's record of it going inactive.
 * Nothing changes in AWS; the key is re-read so that only what IAM shows now is journaled.
 */
export async function noteActive(action: NoteActiveAction, iam: IAMClient): Promise<ActionOutcome> {
  const key = (await listKeys(iam, action.userName)).find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skipped(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Active') return skipped(`access key ${action.accessKeyId} is Inactive again`);
  return done(null);
}
