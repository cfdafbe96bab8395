/** deactivate-key: makes a key Inactive, once its replacement works or when it is revoked as unused. */
import * as z from 'zod';
import { type LiveCheck, type LiveKey, OK, skip, usedSince, usedSinceReason } from '../plan/live-checks.js';
import { isoOrNull, type PlannedOf, remedyAction } from './action.js';

const fields = {
  accessKeyId: z.string(),
  /**
   * `replacementAccessKeyId`: the key the user switches to, which must still be Active when this
   * runs; null when the key is revoked as unused.
   */
  expect: z.object({
    status: z.literal('Active'),
    lastUsedDate: isoOrNull,
    replacementAccessKeyId: z.string().nullable(),
  }),
};

type DeactivateKey = PlannedOf<'deactivate-key', typeof fields>;

export const deactivateKey = remedyAction({
  type: 'deactivate-key',
  fields,
  permissions: ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey'],
  changesAws: true,
  rank: () => 3,
  accessKeyId: (a) => a.accessKeyId,
  summary: (a) => a.accessKeyId,
  undo: (a) => ({ kind: 'reactivate', accessKeyId: a.accessKeyId }),
  remedy: {
    event: 'deactivation',
    /** An Active key, with no replacement: the finding's key is taken out of use. */
    plan({ key }) {
      if (key === null) return { blocked: 'the finding names no access key to deactivate' };
      if (key.idAmbiguous || key.accessKeyId === null) {
        return { blocked: `access key ${key.slot} of this user has no known id, so it is not deactivated` };
      }
      if (key.status !== 'Active') return { blocked: `access key ${key.accessKeyId} is already Inactive` };
      return {
        subject: key.accessKeyId,
        fields: {
          accessKeyId: key.accessKeyId,
          expect: {
            status: 'Active',
            lastUsedDate: key.lastUsedDate?.toISOString() ?? null,
            replacementAccessKeyId: null,
          },
        },
      };
    },
    happened: (a) => `Access key ${a.accessKeyId} was deactivated`,
  },
});

/**
 * The key is still Active and unused since the plan, and its replacement (when it has one) is still
 * there and Active: the user is never left without a working key.
 */
export function checkDeactivateKey(
  action: DeactivateKey,
  keys: readonly LiveKey[],
  lastUsed: Date | null,
): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Active') return skip(`access key ${action.accessKeyId} is already Inactive`);
  if (usedSince(lastUsed, action.expect.lastUsedDate)) {
    return skip(usedSinceReason(action.accessKeyId, lastUsed, action.expect.lastUsedDate));
  }
  const replacementId = action.expect.replacementAccessKeyId;
  if (replacementId !== null) {
    const replacement = keys.find((k) => k.accessKeyId === replacementId);
    if (replacement === undefined) {
      return skip(`its replacement ${replacementId} no longer exists; the user would be left without a key`);
    }
    if (replacement.status !== 'Active') {
      return skip(
        `its replacement ${replacementId} is Inactive; the user would be left without a working key`,
      );
    }
  }
  return OK;
}
