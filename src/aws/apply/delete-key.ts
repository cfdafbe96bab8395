import { DeleteAccessKeyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { checkDeleteKeyStatus, checkDeleteKeyUse } from '../../core/actions/delete-key.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { DeleteKeyAction } from '../../core/plan/types.js';
import { callAws } from '../../sdk/errors.js';
import { keyLastUsed, keyStatus, listKeys } from './live-state.js';
import { settledChange } from './settle.js';

/** Deletes the key only while it is Inactive and unused since the plan: never an active key. */
export async function deleteKey(action: DeleteKeyAction, iam: IAMClient): Promise<ActionOutcome> {
  const keys = await listKeys(iam, action.userName);
  const status = fromCheck(checkDeleteKeyStatus(action, keys));
  if (status !== null) return status;
  const use = fromCheck(checkDeleteKeyUse(action, await keyLastUsed(iam, action.accessKeyId)));
  if (use !== null) return use;
  return settledChange(
    async () => {
      const out = await callAws('iam:DeleteAccessKey', action.accessKeyId, () =>
        iam.send(new DeleteAccessKeyCommand({ UserName: action.userName, AccessKeyId: action.accessKeyId })),
      );
      return done(out.$metadata.requestId);
    },
    async () => (await keyStatus(iam, action.userName, action.accessKeyId)) === null,
    `${action.accessKeyId} deleted`,
    { goneIsDone: true },
  );
}
