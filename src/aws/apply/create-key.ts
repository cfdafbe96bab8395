import { CreateAccessKeyCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { CreateKeyAction } from '../../core/plan/types.js';
import { callAws, type Permission } from '../errors.js';
import { checkCreateKey, type LiveKey, listKeys } from './live-checks.js';
import type { ExecutorState } from './state.js';
import { type ActionOutcome, done, failed, failureText, fromCheck } from './types.js';

export const CREATE_KEY_PERMISSIONS: readonly Permission[] = [
  'iam:ListAccessKeys',
  'iam:CreateAccessKey',
  // A key that appears during a failed or retried CreateAccessKey is removed at once (cleanup-key).
  'iam:GetAccessKeyLastUsed',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
];

/**
 * Creates the replacement key once the user still has exactly the keys the plan saw. The secret is
 * kept in memory (state.pending) for store-secret; a key that appeared without being the answer
 * (a retried or failed call IAM had acted on) is queued for cleanup.
 */
export async function createKey(
  state: ExecutorState,
  action: CreateKeyAction,
  iam: IAMClient,
): Promise<ActionOutcome> {
  const before = await listKeys(iam, action.userName);
  const skip = fromCheck(checkCreateKey(action, before));
  if (skip !== null) return skip;
  let outcome: ActionOutcome;
  let newKeyId: string | null = null;
  try {
    const out = await callAws('iam:CreateAccessKey', `for ${action.userName}`, () =>
      iam.send(new CreateAccessKeyCommand({ UserName: action.userName })),
    );
    const k = out.AccessKey;
    if (k?.AccessKeyId === undefined || k.SecretAccessKey === undefined) {
      throw new Error('iam:CreateAccessKey answered without AccessKeyId or SecretAccessKey');
    }
    newKeyId = k.AccessKeyId;
    state.pending.set(action.id, {
      action,
      accessKeyId: k.AccessKeyId,
      key: {
        AccessKeyId: k.AccessKeyId,
        SecretAccessKey: k.SecretAccessKey,
        UserName: k.UserName ?? action.userName,
        CreateDate: (k.CreateDate ?? new Date()).toISOString(),
      },
    });
    outcome = done(out.$metadata.requestId, { newAccessKeyId: k.AccessKeyId });
  } catch (error) {
    outcome = failed(failureText(error));
  }
  const strays = await strayKeys(iam, action, before, newKeyId).catch(() => []);
  for (const accessKeyId of strays) state.strays.push({ create: action, accessKeyId });
  return outcome;
}

/**
 * Keys of the user that are neither listed before the call nor the one it returned: made by a
 * CreateAccessKey that failed or was retried after IAM had acted. Only never-used ones are removed.
 */
async function strayKeys(
  iam: IAMClient,
  action: CreateKeyAction,
  before: readonly LiveKey[],
  newKeyId: string | null,
): Promise<string[]> {
  const after = await listKeys(iam, action.userName);
  const known = new Set([...before.map((k) => k.accessKeyId), newKeyId]);
  return after.filter((k) => !known.has(k.accessKeyId)).map((k) => k.accessKeyId);
}
