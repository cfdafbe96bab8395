/**
 * The scheduled lifecycle of one account, shared by the `scheduled` handler (its own account) and the
 * organization worker (a member account, through an assumed role): finish interrupted runs, plan
 * from live state, apply within the action cap, notify, under the account's lease. One engine call
 * (remediateAccount); the audit is the evaluation of what that plan read, so the account is read once.
 */

import type { AccountAudit } from '../core/audit.js';
import { withNotifyTopic } from '../core/deployment.js';
import type { Policy } from '../core/policy/types.js';
import { auditPlannedAccount } from '../engine/audit.js';
import { remediateAccount } from '../engine/remediate.js';
import type { RemediationDeps } from '../engine/types.js';
import type { HandlerLogger } from './logger.js';
import { maxActionsFromEnv, type PolicySource, resolveSource } from './runtime.js';
import { actionLogFields, type RemediationSummary, remediationSummary } from './summary.js';

/** No new change is started with less than this left before Lambda's timeout. */
export const STOP_MARGIN_MS = 60_000;

/** The policy as a scheduled run applies it, with its action cap. */
export interface ScheduledPolicy {
  readonly policy: Policy;
  readonly maxActions: number;
  readonly warnings: readonly string[];
}

/**
 * The deployed policy as a scheduled run uses it: KEYWARDEN_NOTIFY_TOPIC_ARN as its SNS channel,
 * a live inventory (planning needs every key id), and the cap from KEYWARDEN_MAX_ACTIONS.
 */
export function scheduledPolicy(source: PolicySource, env: NodeJS.ProcessEnv): ScheduledPolicy {
  const resolved = resolveSource(source);
  const topic = withNotifyTopic(resolved.policy, env);
  const policy = { ...topic.policy, inventory: { ...topic.policy.inventory, mode: 'live' as const } };
  return {
    policy,
    maxActions: maxActionsFromEnv(env, policy),
    warnings: [...resolved.warnings, ...topic.warnings],
  };
}

export interface AccountRunDeps extends Omit<RemediationDeps, 'onResult' | 'shouldStop' | 'onProgress'> {
  readonly logger: HandlerLogger;
  /** Time left before Lambda stops the invocation; absent: no limit. */
  readonly remainingMs?: () => number;
}

export interface AccountRun {
  readonly summary: RemediationSummary;
  /**
   * What the run found, evaluated as `keywarden audit` evaluates it; null when another run held the
   * account's lease (nothing was read).
   */
  readonly audit: AccountAudit | null;
}

/** Runs the lifecycle in the account `deps.clients` work in; each action's result is logged. */
export async function runAccountLifecycle(
  deps: AccountRunDeps,
  scheduled: ScheduledPolicy,
  journalLocation: string,
): Promise<AccountRun> {
  const { logger, remainingMs, ...rest } = deps;
  const { policy, maxActions } = scheduled;
  const out = await remediateAccount(
    {
      ...rest,
      onResult: (r) => logger.info('action', actionLogFields(r)),
      ...(remainingMs ? { shouldStop: () => remainingMs() < STOP_MARGIN_MS } : {}),
    },
    policy,
    { maxActions, resume: true, command: 'scheduled' },
  );
  const summary = remediationSummary(out, journalLocation, scheduled.warnings);
  const audit = 'planned' in out ? auditPlannedAccount(out.planned, policy) : null;
  return { summary, audit };
}
