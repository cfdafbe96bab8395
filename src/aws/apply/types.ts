/** What the action executors share: the clients an action needs, and how a failure reads. */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsCallError, describeAwsError } from '../../sdk/errors.js';

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

/** One line for the journal and the operator: our own errors by message, AWS errors by code too. */
export function failureText(error: unknown): string {
  if (error instanceof AwsCallError) return error.message;
  if (error instanceof Error && !('$metadata' in error)) return error.message;
  const { code, message } = describeAwsError(error);
  return `${code}: ${message}`;
}
