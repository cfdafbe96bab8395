import { DeleteAccessKeyCommand, type IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { type ActionOutcome, done, skipped } from '../../core/plan/outcome.js';
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
  const key = (await listKeys(iam, userName)).find((k) => k.accessKeyId === accessKeyId);
  if (key === undefined) return skipped(`access key ${accessKeyId} no longer exists; nothing to clean up`);
  if (action.requireNeverUsed) {
    const used = await keyLastUsed(iam, accessKeyId);
    if (used !== null) {
      return skipped(
        `access key ${accessKeyId} was used (last ${used.toISOString()}), so someone holds it; it is left alone, check who created it`,
      );
    }
  }
  return settledChange(
    async () => {
      if (key.status === 'Active') {
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
