import { DeleteAccessKeyCommand, type IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { checkCleanupKey, checkCleanupKeyUse } from '../../core/actions/cleanup-key.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { CleanupKeyAction } from '../../core/plan/types.js';
import { callAws } from '../../sdk/errors.js';
import { keyLastUsed, keyStatus, listKeys } from './live-state.js';
import { settledChange } from './settle.js';

/**
 * Deactivates, then deletes, a key nobody can use. A key found by its creation time rather than by
 * id (`requireNeverUsed`) is left alone once it has been used: someone holds it.
 */
export async function cleanupKey(action: CleanupKeyAction, iam: IAMClient): Promise<ActionOutcome> {
  const { userName, accessKeyId } = action;
  const keys = await listKeys(iam, userName);
  const gone = fromCheck(checkCleanupKey(action, keys));
  if (gone !== null) return gone;
  const lastUsed = action.requireNeverUsed ? await keyLastUsed(iam, accessKeyId) : null;
  const used = fromCheck(checkCleanupKeyUse(action, lastUsed));
  if (used !== null) return used;
  const active = keys.some((k) => k.accessKeyId === accessKeyId && k.status === 'Active');
  return settledChange(
    async () => {
      if (active) {
        await callAws('iam:UpdateAccessKey', `${accessKeyId} Inactive`, () =>
          iam.send(
            new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Inactive' }),
          ),
        );
      }
      const out = await callAws('iam:DeleteAccessKey', accessKeyId, () =>
        iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId })),
      );
      return done(out.$metadata.requestId);
    },
    async () => (await keyStatus(iam, userName, accessKeyId)) === null,
    `${accessKeyId} deleted`,
    { goneIsDone: true },
  );
}
