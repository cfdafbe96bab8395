import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { checkCreateKey } from '../../core/actions/create-key.js';
import {
  type ActionOutcome,
  done,
  failed,
  fromCheck,
  type IntentStamp,
  skipped,
} from '../../core/plan/outcome.js';
import { foreignKeyNotice, foreignKeysText, keyOwnership } from '../../core/plan/ownership.js';
import type { CreateKeyAction } from '../../core/plan/types.js';
import { callAws, failureOutcome, withoutBlindRetry } from '../../sdk/errors.js';
import { secretHoldsKey } from '../secrets.js';
import { listKeys } from './live-state.js';
import type { ExecutorState } from './state.js';
import { failureText, type RemediationClients, UnsettledOutcomeError } from './types.js';

/**
 * Creates the replacement key once the user still has exactly the keys the plan saw. The secret is
 * kept in memory (state.pending) for store-secret. CreateAccessKey is never sent twice blindly: a
 * call refused by AWS made no key; a call whose answer did not come is settled from live state by
 * the ownership rule (src/core/plan/ownership.ts): the key it provably made is queued for cleanup,
 * and any other new key is left alone, named in the outcome, and its owner told.
 */
export async function createKey(
  state: ExecutorState,
  action: CreateKeyAction,
  clients: RemediationClients,
  intent: IntentStamp,
): Promise<ActionOutcome> {
  const { iam } = clients;
  const before = await listKeys(iam, action.userName);
  const skip = fromCheck(checkCreateKey(action, before));
  if (skip !== null) return skip;
  const answerBy = intent.answerBy ?? new Date(intent.at.getTime());
  const budgetMs = answerBy.getTime() - state.now().getTime();
  if (budgetMs <= 0) {
    return skipped(
      `the live re-check ran past ${answerBy.toISOString()}, the end of this call's window, so the key is not created now; the next run rotates it`,
    );
  }
  try {
    const out = await callAws('iam:CreateAccessKey', `for ${action.userName}`, () =>
      iam.send(withoutBlindRetry(new CreateAccessKeyCommand({ UserName: action.userName })), {
        abortSignal: AbortSignal.timeout(budgetMs),
      }),
    );
    const k = out.AccessKey;
    if (k?.AccessKeyId === undefined || k.SecretAccessKey === undefined) {
      throw new Error('iam:CreateAccessKey answered without AccessKeyId or SecretAccessKey');
    }
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
    return done(out.$metadata.requestId, { newAccessKeyId: k.AccessKeyId });
  } catch (error) {
    return settle(
      state,
      action,
      clients,
      intent,
      error,
      before.map((k) => k.accessKeyId),
    );
  }
}

/**
 * After a CreateAccessKey that did not answer with a key: which new key, if any, is Keywarden's
 * (cleaned up after this outcome), and which are someone else's (reported, owner told).
 */
async function settle(
  state: ExecutorState,
  action: CreateKeyAction,
  clients: RemediationClients,
  intent: IntentStamp,
  error: unknown,
  before: readonly string[],
): Promise<ActionOutcome> {
  const refused = failureOutcome(error) === 'refused';
  const window = { from: intent.at, to: state.now() };
  let listed: Awaited<ReturnType<typeof listKeys>>;
  const stored = new Set<string>();
  try {
    listed = await listKeys(clients.iam, action.userName);
    // A key Secrets Manager already holds under this user's secret was stored by another
    // Keywarden run (this call's answer never came, so this run stored nothing): not this call's.
    for (const k of listed) {
      if (refused || before.includes(k.accessKeyId) || k.accessKeyId === action.replacesAccessKeyId) continue;
      if (await secretHoldsKey(clients.secretsManager, action.secretName, k.accessKeyId))
        stored.add(k.accessKeyId);
    }
  } catch (listError) {
    if (refused) return failed(failureText(error));
    throw new UnsettledOutcomeError(
      `${failureText(error)}; IAM may have made a key nobody holds the secret of, and the keys of ` +
        `${action.userName} could not be read to find it (${failureText(listError)})`,
    );
  }
  const found = keyOwnership(
    { answeredKeyId: null, refused, window, replacesAccessKeyId: action.replacesAccessKeyId },
    listed.filter((k) => !stored.has(k.accessKeyId)),
    new Set(before),
  );
  const ownership = {
    ours: found.ours,
    foreign: [...found.foreign, ...listed.filter((k) => stored.has(k.accessKeyId))],
  };
  const parts = [failureText(error)];
  if (ownership.ours !== null) {
    state.strays.push({ create: action, accessKeyId: ownership.ours.accessKeyId });
    parts.push(
      `IAM made ${ownership.ours.accessKeyId} although its answer was lost; nobody holds its secret, so it is removed if never used`,
    );
  } else if (!refused) {
    parts.push('no key made by this call was found');
  }
  if (ownership.foreign.length > 0) {
    parts.push(foreignKeysText(action, ownership.foreign));
    state.notices.push(...ownership.foreign.map((k) => foreignKeyNotice(action, k)));
  }
  return failed(parts.join('; '));
}
