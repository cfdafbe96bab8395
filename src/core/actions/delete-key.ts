/** delete-key: deletes an Inactive key, never an active one. */
import * as z from 'zod';
import { type LiveCheck, type LiveKey, OK, skip, usedSince, usedSinceReason } from '../plan/live-checks.js';
import { isoOrNull, type PlannedOf, remedyAction } from './action.js';

const fields = {
  accessKeyId: z.string(),
  expect: z.object({ status: z.literal('Inactive'), lastUsedDate: isoOrNull }),
};

type DeleteKey = PlannedOf<'delete-key', typeof fields>;

export const deleteKey = remedyAction({
  type: 'delete-key',
  fields,
  permissions: ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:DeleteAccessKey'],
  changesAws: true,
  // Deleting the inactive second key frees the slot a rotation's new key needs: first of all.
  rank: (a) => (a.stage === 'rotate' ? 0 : 4),
  accessKeyId: (a) => a.accessKeyId,
  summary: (a) => a.accessKeyId,
  undo: (a) => ({
    kind: 'irreversible',
    accessKeyId: a.accessKeyId,
    reason: `access key ${a.accessKeyId} was deleted; IAM cannot restore a deleted key`,
  }),
  remedy: {
    event: 'deletion',
    /** An Inactive key only: an active key is deactivated first, by another rule or run. */
    plan({ key }) {
      if (key === null) return { blocked: 'the finding names no access key to delete' };
      if (key.idAmbiguous || key.accessKeyId === null) {
        return { blocked: `access key ${key.slot} of this user has no known id, so it is not deleted` };
      }
      if (key.status !== 'Inactive') {
        return { blocked: `access key ${key.accessKeyId} is Active; only an Inactive key is deleted` };
      }
      return {
        subject: key.accessKeyId,
        fields: {
          accessKeyId: key.accessKeyId,
          expect: { status: 'Inactive', lastUsedDate: key.lastUsedDate?.toISOString() ?? null },
        },
      };
    },
    happened: (a) => `Inactive access key ${a.accessKeyId} was deleted`,
  },
});

/** Only the key lookup; the last use is read once the key is known to exist. */
export function checkDeleteKeyStatus(action: DeleteKey, keys: readonly LiveKey[]): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Inactive') {
    return skip(`access key ${action.accessKeyId} is Active again; only an Inactive key is deleted`);
  }
  return OK;
}

export function checkDeleteKeyUse(action: DeleteKey, lastUsed: Date | null): LiveCheck {
  return usedSince(lastUsed, action.expect.lastUsedDate)
    ? skip(usedSinceReason(action.accessKeyId, lastUsed, action.expect.lastUsedDate))
    : OK;
}
