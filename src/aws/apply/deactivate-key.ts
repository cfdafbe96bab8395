import { type IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { checkDeactivateKey } from '../../core/actions/deactivate-key.js';
import { type ActionOutcome, done, fromCheck } from '../../core/plan/outcome.js';
import type { DeactivateKeyAction } from '../../core/plan/types.js';
import { callAws } from '../../sdk/errors.js';
import { keyLastUsed, keyStatus, listKeys } from './live-state.js';
import { settledChange } from './settle.js';

/** Deactivates the key if it is still Active, unused since the plan, and its replacement still works. */
export async function deactivateKey(action: DeactivateKeyAction, iam: IAMClient): Promise<ActionOutcome> {
  const keys = await listKeys(iam, action.userName);
  const exists = keys.some((k) => k.accessKeyId === action.accessKeyId);
  const lastUsed = exists ? await keyLastUsed(iam, action.accessKeyId) : null;
  const skip = fromCheck(checkDeactivateKey(action, keys, lastUsed));
  if (skip !== null) return skip;
  return settledChange(
    async () => {
      const out = await callAws('iam:UpdateAccessKey', `${action.accessKeyId} Inactive`, () =>
        iam.send(
          new UpdateAccessKeyCommand({
            UserName: action.userName,
            AccessKeyId: action.accessKeyId,
            Status: 'Inactive',
          }),
        ),
      );
      return done(out.$metadata.requestId);
    },
    async () => (await keyStatus(iam, action.userName, action.accessKeyId)) === 'Inactive',
    `${action.accessKeyId} Inactive`,
  );
}
