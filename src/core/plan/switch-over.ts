/**
 * `rotate --wait-for-switch`: once the application uses the new key, the old key is deactivated —
 * unless it was used after the new key's first use, which means something still holds it.
 */
import { actionId, chainId } from './ids.js';
import type { CreateKeyAction, DeactivateKeyAction } from './types.js';

export interface SwitchOverInput {
  /** The create-key action of the rotation being finished. */
  readonly create: CreateKeyAction;
  readonly newAccessKeyId: string;
  /** The new key's first use; null while it has not been used. */
  readonly newKeyFirstUse: Date | null;
  /** The old key's last use; null when never used. */
  readonly oldKeyLastUsed: Date | null;
}

export type SwitchOver =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'old-key-still-used'; readonly reason: string }
  | { readonly kind: 'deactivate'; readonly action: DeactivateKeyAction };

/** Decides whether the old key of a finished rotation can be deactivated now. */
export function planSwitchOver(input: SwitchOverInput): SwitchOver {
  const { create, newAccessKeyId: newKey, newKeyFirstUse, oldKeyLastUsed } = input;
  if (newKeyFirstUse === null) return { kind: 'waiting' };
  const oldKey = create.replacesAccessKeyId;
  if (oldKeyLastUsed !== null && oldKeyLastUsed.getTime() > newKeyFirstUse.getTime()) {
    return {
      kind: 'old-key-still-used',
      reason: `${oldKey} was used after the switch (${oldKeyLastUsed.toISOString()}); not deactivated`,
    };
  }
  return {
    kind: 'deactivate',
    action: {
      id: actionId(create.accountId, create.userName, oldKey, 'deactivate-key', 'deactivate'),
      chainId: chainId(create.accountId, create.userName, oldKey, 'deactivate'),
      type: 'deactivate-key',
      accountId: create.accountId,
      userName: create.userName,
      stage: 'deactivate',
      rule: 'KEY_ROTATION',
      accessKeyId: oldKey,
      reason: `The application switched to ${newKey} (first used ${newKeyFirstUse.toISOString()}); the old key is unused since.`,
      expect: {
        status: 'Active',
        lastUsedDate: oldKeyLastUsed?.toISOString() ?? null,
        replacementAccessKeyId: newKey,
      },
    },
  };
}
