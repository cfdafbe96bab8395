/**
 * Remediates one IAM user, named by its unique id: what an AWS Config remediation asks for (through
 * an SSM Automation document that invokes the `remediate` handler). The user's part of the plan is
 * made from live state and the journal, exactly as `apply` would make it, and carried out by the
 * same sequence as `keywarden apply --resume`; a second call finds nothing new to do.
 */
import { findUserNameById } from '../aws/user-by-id.js';
import { remediationPolicy } from '../core/policy/inventory-mode.js';
import type { Policy } from '../core/policy/types.js';
import { type RemediateResult, remediateAccount } from './remediate.js';
import type { RemediationDeps } from './types.js';

export interface RemediateUserOptions {
  /** The IAM user's unique id (`AIDA...`), AWS Config's ComplianceResourceId. */
  readonly userId: string;
  readonly maxActions: number;
}

export type RemediateUserResult =
  | { readonly kind: 'user-not-found'; readonly userId: string }
  | {
      readonly kind: 'remediated';
      readonly userId: string;
      readonly userName: string;
      readonly outcome: RemediateResult;
    };

export async function remediateUser(
  deps: RemediationDeps,
  policy: Policy,
  options: RemediateUserOptions,
): Promise<RemediateUserResult> {
  const userName = await findUserNameById(deps.clients.iam, options.userId);
  if (userName === null) return { kind: 'user-not-found', userId: options.userId };
  const outcome = await remediateAccount(deps, remediationPolicy(policy), {
    maxActions: options.maxActions,
    // Nobody is there to run `apply --resume`: an interrupted run is finished first.
    resume: true,
    command: 'remediate',
    userNames: [userName],
  });
  return { kind: 'remediated', userId: options.userId, userName, outcome };
}
