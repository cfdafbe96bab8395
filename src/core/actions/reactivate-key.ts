/** reactivate-key: undo's action, which makes a key a run deactivated Active again. */
import * as z from 'zod';
import { type LiveCheck, type LiveKey, OK, skip } from '../plan/live-checks.js';
import { isoOrNull, recoveryAction } from './action.js';

/** Its id: `<accountId>/<userName>/<accessKeyId>/reactivate-key/undo`. */
export const reactivateKey = recoveryAction({
  type: 'reactivate-key',
  fields: {
    /** The deactivate-key action being undone. */
    undoes: z.string(),
    /** ISO timestamp until which the lifecycle leaves the key alone (absent in older journals). */
    holdUntil: isoOrNull.optional(),
  },
  permissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  changesAws: true,
  accessKeyId: (a) => a.accessKeyId,
  summary: (a) => a.accessKeyId,
  undo: () => ({ kind: 'nothing' }),
});

export function checkReactivateKey(
  action: { readonly accessKeyId: string },
  keys: readonly LiveKey[],
): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) {
    return skip(`access key ${action.accessKeyId} no longer exists; it cannot be reactivated`);
  }
  if (key.status === 'Active') return skip(`access key ${action.accessKeyId} is already Active`);
  return OK;
}
