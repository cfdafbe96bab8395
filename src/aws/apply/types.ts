/** What the apply step's modules share: the clients an action needs, and what an action produced. */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { OutcomeRecord } from '../../journal/records.js';
import { AwsCallError, describeAwsError } from '../../sdk/errors.js';
import type { LiveCheck } from './live-checks.js';

export interface RemediationClients {
  readonly iam: IAMClient;
  readonly secretsManager: SecretsManagerClient;
}

/** One action as the operator sees it (CLI table, JSON output, Lambda result); never a secret. */
export interface ActionResult {
  readonly actionId: string;
  readonly type: string;
  readonly accountId: string;
  readonly userName: string;
  /** The key the action is about (create/store: the key being replaced); null for a password. */
  readonly accessKeyId: string | null;
  readonly status: 'done' | 'skipped' | 'failed' | 'deferred';
  readonly reason: string | null;
  readonly newAccessKeyId?: string;
  readonly secretName?: string;
}

/** What one action's live check and change produced: the journal's outcome record, less its envelope. */
export type ActionOutcome = Omit<OutcomeRecord, 'v' | 'type' | 'runId' | 'at' | 'actionId'>;

export const skipped = (reason: string): ActionOutcome => ({ status: 'skipped', reason, requestId: null });
export const failed = (reason: string): ActionOutcome => ({ status: 'failed', reason, requestId: null });
export const done = (
  requestId: string | null | undefined,
  extra: Partial<ActionOutcome> = {},
): ActionOutcome => ({ status: 'done', reason: null, requestId: requestId ?? null, ...extra });

/** The outcome of a failed live check (skipped, with its reason); null when the change may go ahead. */
export function fromCheck(check: LiveCheck): ActionOutcome | null {
  return check.ok ? null : skipped(check.reason);
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
