import { checkStoreSecret } from '../../core/plan/live-checks.js';
import { type ActionOutcome, done, failed } from '../../core/plan/outcome.js';
import type { StoreSecretAction } from '../../core/plan/types.js';
import { errorLine, failureOutcome } from '../../sdk/errors.js';
import { secretHoldsKey, storeAccessKeySecret } from '../secrets.js';
import { listKeys } from './live-state.js';
import type { ExecutorState } from './state.js';
import type { RemediationClients } from './types.js';

/**
 * Hands the key its create-key made to Secrets Manager. The secret leaves memory whatever happens;
 * when the store fails the executor deletes the key, because nobody could ever use it.
 */
export async function storeSecret(
  state: ExecutorState,
  action: StoreSecretAction,
  clients: RemediationClients,
): Promise<ActionOutcome> {
  const pending = state.pending.get(action.createKeyActionId);
  const key = pending?.key ?? null;
  if (pending === undefined || key === null) {
    return failed(
      `the key of ${action.createKeyActionId} was not created in this run, so its secret is unknown; nothing stored`,
    );
  }
  pending.key = null;
  try {
    const check = checkStoreSecret(key.AccessKeyId, await listKeys(clients.iam, action.userName));
    if (!check.ok) return failed(check.reason);
    const stored = await storeAccessKeySecret(clients.secretsManager, key, {
      secretName: action.secretName,
      kmsKeyId: state.remediation.secretKmsKeyId,
      tags: state.remediation.secretTags,
    });
    state.pending.delete(action.createKeyActionId);
    return done(stored.requestId, {
      newAccessKeyId: key.AccessKeyId,
      ...(stored.arn === null ? {} : { secretArn: stored.arn }),
    });
  } catch (error) {
    const reason = errorLine(error).split(key.SecretAccessKey).join('[REDACTED]');
    // A store whose answer was lost may have landed: its version (named after the key) tells.
    if (failureOutcome(error) === 'unknown') {
      const held = await secretHoldsKey(clients.secretsManager, action.secretName, key.AccessKeyId).catch(
        () => false,
      );
      if (held) {
        state.pending.delete(action.createKeyActionId);
        return done(null, {
          newAccessKeyId: key.AccessKeyId,
          reason: `${reason}; Secrets Manager holds the new key's version, so the store completed`,
        });
      }
    }
    return failed(reason);
  }
}
