import { type IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { checkReactivateKey } from '../../core/actions/reactivate-key.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { ReactivateKeyAction } from '../../core/plan/types.js';
import { callAws } from '../../sdk/errors.js';
import { keyStatus, listKeys } from './live-state.js';
import { settledChange } from './settle.js';

/** Makes a key a run deactivated Active again, if it still exists and is Inactive. */
export async function reactivateKey(action: ReactivateKeyAction, iam: IAMClient): Promise<ActionOutcome> {
  const { userName, accessKeyId } = action;
  const skip = fromCheck(checkReactivateKey(action, await listKeys(iam, userName)));
  if (skip !== null) return skip;
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
