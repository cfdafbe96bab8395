import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { checkCreateKey } from '../../core/actions/create-key.js';
import { checkCallWindow } from '../../core/plan/live-checks.js';
import { type ActionOutcome, done, failed, fromCheck, type IntentStamp } from '../../core/plan/outcome.js';
import { settleLostCreate } from '../../core/plan/recovery.js';
import type { CreateKeyAction } from '../../core/plan/types.js';
import { callAws, errorLine, failureOutcome, withoutBlindRetry } from '../../sdk/errors.js';
import { secretHoldsKey } from '../secrets.js';
import { listKeys } from './live-state.js';
import type { ExecutorState } from './state.js';
import { type RemediationClients, UnsettledOutcomeError } from './types.js';

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
  const now = state.now();
  const late = fromCheck(checkCallWindow(answerBy, now));
  if (late !== null) return late;
  const budgetMs = answerBy.getTime() - now.getTime();
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
 * After a CreateAccessKey that did not answer with a key: reads the user's keys, and which of the
 * new ones Secrets Manager already holds, for the core to settle (`settleLostCreate`).
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
  const storedElsewhere = new Set<string>();
  try {
    listed = await listKeys(clients.iam, action.userName);
    for (const k of listed) {
      if (refused || before.includes(k.accessKeyId) || k.accessKeyId === action.replacesAccessKeyId) continue;
      if (await secretHoldsKey(clients.secretsManager, action.secretName, k.accessKeyId))
        storedElsewhere.add(k.accessKeyId);
    }
  } catch (listError) {
    if (refused) return failed(errorLine(error));
    throw new UnsettledOutcomeError(
      `${errorLine(error)}; IAM may have made a key nobody holds the secret of, and the keys of ` +
        `${action.userName} could not be read to find it (${errorLine(listError)})`,
    );
  }
  const settled = settleLostCreate(
    action,
    { failure: errorLine(error), refused, window },
    { listed, before: new Set(before), storedElsewhere },
  );
  if (settled.cleanup !== null) state.strays.push(settled.cleanup);
  state.notices.push(...settled.notices);
  return failed(settled.reason);
}
