/**
 * The scheduled lifecycle of one account, shared by the `scheduled` handler (its own account) and the
 * organization worker (a member account, through an assumed role): finish interrupted runs, plan
 * from live state, apply within the action cap, notify, under the account's lease. One engine call
 * (remediateAccount); the audit is the evaluation of what that plan read, so the account is read once.
 */

import type { AccountAudit } from '../core/audit-report.js';
import { withNotifyTopic } from '../core/deployment.js';
import { remediationPolicy } from '../core/policy/inventory-mode.js';
import type { Policy } from '../core/policy/types.js';
import { auditPlannedAccount } from './audit.js';
import { type PolicySource, resolveSource } from './deployed-policy.js';
import {
  type HandlerDeps,
  journalFromEnv,
  maxActionsFromEnv,
  notifierFor,
  type RunLog,
} from './handler-deps.js';
import { remediateAccount } from './remediate.js';
import { actionLogFields, type RemediationSummary, remediationSummary } from './remediation-summary.js';
import type { RemediationDeps } from './types.js';

/** No new change is started with less than this left before Lambda's timeout. */
const STOP_MARGIN_MS = 60_000;

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
  const policy = remediationPolicy(topic.policy);
  return {
    policy,
    maxActions: maxActionsFromEnv(env, policy),
    warnings: [...resolved.warnings, ...topic.warnings],
  };
}

export interface AccountRunDeps extends Omit<RemediationDeps, 'onResult' | 'shouldStop' | 'onProgress'> {
  readonly log: RunLog;
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
  const { log, remainingMs, ...rest } = deps;
  const { policy, maxActions } = scheduled;
  const out = await remediateAccount(
    {
      ...rest,
      onResult: (r) => log.info('action', actionLogFields(r)),
      ...(remainingMs ? { shouldStop: () => remainingMs() < STOP_MARGIN_MS } : {}),
    },
    policy,
    { maxActions, resume: true, command: 'scheduled' },
  );
  const summary = remediationSummary(out, journalLocation, scheduled.warnings);
  const audit = 'planned' in out ? auditPlannedAccount(out.planned, policy) : null;
  return { summary, audit };
}

/** The `scheduled` handler's result. */
export interface ScheduledSummary extends RemediationSummary {
  readonly handler: 'scheduled';
  readonly maxActions: number;
}

/**
 * The `scheduled` handler's run in its own account: the deployed policy, the journal, the lifecycle;
 * the summary logged (ERROR when an action failed; the next run plans it again).
 */
export async function runScheduledLifecycle(deps: HandlerDeps): Promise<ScheduledSummary> {
  const { env, connected, log } = deps;
  const { clients, clock } = connected;
  const scheduled = scheduledPolicy(await deps.policy.read(env), env);
  const { policy, maxActions } = scheduled;
  const journal = journalFromEnv(deps, true, policy);
  await connected.calibrate();
  const { summary: run } = await runAccountLifecycle(
    {
      clients,
      clock,
      journal,
      notifier: notifierFor(deps, policy),
      ...(deps.connection.timeouts ? { timeouts: deps.connection.timeouts } : {}),
      log,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.remainingMs ? { remainingMs: deps.remainingMs } : {}),
    },
    scheduled,
    journal.location,
  );
  const summary: ScheduledSummary = { handler: 'scheduled', maxActions, ...run };
  for (const w of summary.warnings) log.warn(w);
  const { actions: _actions, ...counts } = summary;
  if (summary.results.failed > 0) log.error('scheduled run finished with failed actions', counts);
  else log.info('scheduled run finished', counts);
  return summary;
}
