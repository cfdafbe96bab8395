/** create-key: makes the replacement for a key being rotated; its secret is held until store-secret. */
import * as z from 'zod';
import { type LiveCheck, type LiveKey, OK, skip } from '../plan/live-checks.js';
import { isoOrNull, type PlannedOf, plannedAction } from './action.js';

const fields = {
  replacesAccessKeyId: z.string(),
  /** The secret the following store-secret action writes. */
  secretName: z.string(),
  /** The replaced key is still Active and the user has exactly this many keys (IAM allows two). */
  expect: z.object({
    status: z.enum(['Active', 'Inactive']),
    /** ISO timestamp, or null for never used: a later live value means the key was used since. */
    lastUsedDate: isoOrNull,
    accessKeyCount: z.int(),
  }),
  /** ISO timestamp: the earliest day the replaced key is deactivated (absent in older journals). */
  deactivateFrom: isoOrNull.optional(),
  /**
   * Who is told if a key Keywarden did not make blocks this rotation: the owner tag's value, null =
   * the security team (absent in older journals).
   */
  recipient: z.string().nullable().optional(),
};

type CreateKey = PlannedOf<'create-key', typeof fields>;

/** Creates the replacement for `replacesAccessKeyId`; its new key id is only known when applied. */
export const createKey = plannedAction({
  type: 'create-key',
  fields,
  permissions: [
    'iam:ListAccessKeys',
    'iam:CreateAccessKey',
    // After a lost answer: a new key another Keywarden run already stored is not this call's.
    'secretsmanager:DescribeSecret',
    // A key the call made although its answer was lost is removed at once if never used (cleanup-key).
    'iam:GetAccessKeyLastUsed',
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
  ],
  changesAws: true,
  rank: () => 1,
  accessKeyId: (a) => a.replacesAccessKeyId,
  summary: (a) => `replaces ${a.replacesAccessKeyId} → ${a.secretName}`,
  undo: (a, newAccessKeyId) => ({
    kind: 'irreversible',
    accessKeyId: a.replacesAccessKeyId,
    reason:
      `the replacement key ${newAccessKeyId ?? '(unknown id)'} stays (secret ${a.secretName}); ` +
      'delete it by hand if it is not wanted',
  }),
});

/** The replaced key is still there and Active, and the user has the keys the plan counted. */
export function checkCreateKey(action: CreateKey, keys: readonly LiveKey[]): LiveCheck {
  const replaced = keys.find((k) => k.accessKeyId === action.replacesAccessKeyId);
  if (replaced === undefined) {
    return skip(`access key ${action.replacesAccessKeyId} no longer exists, so it needs no replacement`);
  }
  if (replaced.status !== 'Active') {
    return skip(`access key ${action.replacesAccessKeyId} is now Inactive; only an Active key is rotated`);
  }
  if (keys.length !== action.expect.accessKeyCount) {
    return skip(
      `user now has ${keys.length} access keys (the plan expected ${action.expect.accessKeyCount}); plan again`,
    );
  }
  if (keys.length >= 2) return skip('user already has 2 access keys, the IAM limit; no key can be created');
  return OK;
}
