/** cleanup-key: removes a key nobody holds the secret of. */
import * as z from 'zod';
import { type LiveCheck, type LiveKey, OK, skip } from '../plan/live-checks.js';
import { recoveryAction } from './action.js';

/**
 * Deactivates, then deletes, a key whose secret nobody holds: created by a run that stopped (or
 * failed) before the key was stored in Secrets Manager. Its id:
 * `<accountId>/<userName>/<accessKeyId>/cleanup-key/<stage of the create-key | resume>`.
 */
export const cleanupKey = recoveryAction({
  type: 'cleanup-key',
  fields: {
    /** The create-key action that made the key. */
    createKeyActionId: z.string(),
    /**
     * True when the key was found by its creation time rather than named by IAM's answer: it is then
     * removed only if it was never used, because someone may hold it. Journals written before this
     * field existed named only keys IAM returned.
     */
    requireNeverUsed: z.boolean().default(false),
  },
  permissions: [
    'iam:ListAccessKeys',
    // A resume first asks whether the interrupted store completed (the version id, not the secret).
    'secretsmanager:DescribeSecret',
    'iam:GetAccessKeyLastUsed',
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
  ],
  changesAws: true,
  accessKeyId: (a) => a.accessKeyId,
  summary: (a) => a.accessKeyId,
  undo: (a) => ({
    kind: 'irreversible',
    accessKeyId: a.accessKeyId,
    reason: `access key ${a.accessKeyId} was deleted (its secret was never stored); IAM cannot restore a deleted key`,
  }),
});

/** Only the key lookup; the last use is read (when it matters) once the key is known to exist. */
export function checkCleanupKey(
  action: { readonly accessKeyId: string; readonly requireNeverUsed: boolean },
  keys: readonly LiveKey[],
): LiveCheck {
  return keys.some((k) => k.accessKeyId === action.accessKeyId)
    ? OK
    : skip(`access key ${action.accessKeyId} no longer exists; nothing to clean up`);
}

/**
 * A key found by its creation time rather than by id (`requireNeverUsed`) is left alone once it
 * has been used: someone holds it.
 */
export function checkCleanupKeyUse(
  action: { readonly accessKeyId: string; readonly requireNeverUsed: boolean },
  lastUsed: Date | null,
): LiveCheck {
  if (!action.requireNeverUsed || lastUsed === null) return OK;
  return skip(
    `access key ${action.accessKeyId} was used (last ${lastUsed.toISOString()}), so someone holds it; it is left alone, check who created it`,
  );
}
