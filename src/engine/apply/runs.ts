/**
 * A run of the executor, or of the recovery, from a use case's dependencies and the lease it
 * holds. Private to the engine: `remediateAccount` and `rotateUser` call these under their lease,
 * after the interrupted-run check; entry points call those use cases, never these.
 */
import type { JournalRecord, RunCommand } from '../../core/journal/records.js';
import type { Plan } from '../../core/plan/types.js';
import type { Policy } from '../../core/policy/types.js';
import { newRunId } from '../../journal/run-id.js';
import { DEFAULT_TIMEOUTS } from '../../sdk/connection.js';
import { type LeaseScope, NO_LEASE } from '../lease.js';
import type { RemediationDeps } from '../types.js';
import { type ExecuteResult, executePlan } from './execute.js';
import { callWindowMs } from './recorder.js';
import { type RecoverResult, recoverIncompleteRuns } from './recovery.js';

/** Carries out a plan that is already capped, as one run (`run.runId`, else a new id). */
export function applyPlan(
  deps: RemediationDeps,
  policy: Policy,
  plan: Plan,
  command: RunCommand = 'apply',
  run: { readonly runId?: string; readonly scope?: LeaseScope } = {},
): Promise<ExecuteResult> {
  const scope = run.scope ?? NO_LEASE;
  return executePlan(plan, {
    runId: run.runId ?? newRunId(deps.clock()),
    journal: deps.journal,
    now: deps.clock,
    clientsFor: () => deps.clients,
    remediation: policy.remediation,
    notifier: deps.notifier,
    command,
    accountId: scope.accountId,
    beforeChange: scope.keep,
    callWindowMs: callWindowMs(deps.timeouts ?? DEFAULT_TIMEOUTS),
    ...(deps.onResult ? { onResult: deps.onResult } : {}),
    ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
  });
}

/**
 * Finishes every interrupted run among `records` (the journal as the run read it; nothing when
 * there is none); under a lease, every interrupted run of the lease's account.
 */
export function resumeInterruptedRuns(
  deps: RemediationDeps,
  records: readonly JournalRecord[],
  scope: LeaseScope = NO_LEASE,
): Promise<RecoverResult> {
  return recoverIncompleteRuns({
    runId: newRunId(deps.clock()),
    journal: deps.journal,
    records,
    now: deps.clock,
    clientsFor: () => deps.clients,
    accountId: scope.accountId,
    beforeChange: scope.keep,
    callWindowMs: callWindowMs(deps.timeouts ?? DEFAULT_TIMEOUTS),
    ...(deps.onResult ? { onResult: deps.onResult } : {}),
  });
}
