import { type IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { type ActionOutcome, done, skipped } from '../../core/plan/outcome.js';
import type { ReactivateKeyAction } from '../../core/plan/types.js';
import { callAws } from '../../sdk/errors.js';
import { keyStatus, listKeys } from './live-state.js';
import { settledChange } from './settle.js';

/** Makes a key a run deactivated Active again, if it still exists and is Inactive. */
export async function reactivateKey(action: ReactivateKeyAction, iam: IAMClient): Promise<ActionOutcome> {
  const { userName, accessKeyId } = action;
  const key = (await listKeys(iam, userName)).find((k) => k.accessKeyId === accessKeyId);
  if (key === undefined)
    return skipped(`access key ${accessKeyId} no longer exists; it cannot be reactivated`);
  if (key.status === 'Active') return skipped(`access key ${accessKeyId} is already Active`);
  return settledChange(
    async () => {
      const out = await callAws('iam:UpdateAccessKey', `${accessKeyId} Active`, () =>
        iam.send(
          new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Active' }),
        ),
      );
      return done(out.$metadata.requestId);
    },
    async () => (await keyStatus(iam, userName, accessKeyId)) === 'Active',
    `${accessKeyId} Active`,
  );
}
