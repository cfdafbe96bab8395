/** What the action executors share: the clients an action needs, and a change left unsettled. */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface RemediationClients {
  readonly iam: IAMClient;
  readonly secretsManager: SecretsManagerClient;
}

/**
 * A change whose answer did not come, and whose effect could not be read back either. Its action
 * is left without an outcome, as a crash would leave it, and the run stops there: `apply --resume`
 * settles it from live state.
 */
export class UnsettledOutcomeError extends Error {
  override readonly name = 'UnsettledOutcomeError';
}
