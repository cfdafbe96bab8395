/**
 * Remediates one account: finish interrupted runs (when asked), plan from live state, let the caller
 * look at the plan, carry it out, notify. The one sequence `keywarden apply`, the demo and the
 * scheduled handler run. With a shared journal it runs under the account's lease: a second run that
 * finds the lease held does nothing and says who holds it.
 */

import type { RunCommand } from '../core/journal/records.js';
import { incompleteRuns } from '../core/journal/views.js';
import type { Plan } from '../core/plan/types.js';
import type { Policy } from '../core/policy/types.js';
import { newRunId } from '../journal/run-id.js';
import { DEFAULT_TIMEOUTS } from '../sdk/clients.js';
import { type ExecuteResult, executePlan } from './apply/execute.js';
import { callWindowMs } from './apply/recorder.js';
import { type RecoverResult, recoverIncompleteRuns } from './apply/recovery.js';
import type { ActionBudget } from './budget.js';
import { InterruptedRunError } from './errors.js';
import { type HeldElsewhere, type LeaseScope, NO_LEASE, underAccountLease } from './lease.js';
import { type PlannedAccount, planRemediation } from './plan.js';
import type { RemediationDeps } from './types.js';

export interface RemediateOptions {
  /** A number for one account; a shared {@link ActionBudget} for a run across accounts. */
  readonly maxActions: number | ActionBudget;
  /** Remediate only these users (the `remediate` handler: one user); absent: the whole account. */
  readonly userNames?: readonly string[];
  /** Finish interrupted runs first; without it an interrupted run is an {@link InterruptedRunError}. */
  readonly resume: boolean;
  /**
   * What started the run, as the journal and the lease name it; default `apply`. The runs that
   * finish interrupted ones are `resume` runs of their own.
   */
  readonly command?: RunCommand;
  /** Asked before interrupted runs are finished; absent = go ahead. */
  readonly confirmRecovery?: (runs: number) => Promise<boolean>;
  /** Shown the capped plan before anything changes; false = dry run. Absent = go ahead. */
  readonly confirmPlan?: (planned: PlannedAccount) => Promise<boolean>;
}

export type RemediateResult =
  /** Another run holds the account's lease: nothing was read, planned or changed. */
  | ({ readonly kind: 'leased' } & HeldElsewhere)
  | { readonly kind: 'recovery-declined'; readonly interruptedRuns: number }
  | {
      readonly kind: 'planned';
      /** Null when `resume` was not asked for. */
      readonly recovery: RecoverResult | null;
      readonly planned: PlannedAccount;
      /** Null when the plan changes nothing or the caller declined it (a dry run). */
      readonly execution: ExecuteResult | null;
      readonly declined: boolean;
    };

export async function remediateAccount(
  deps: RemediationDeps,
  policy: Policy,
  options: RemediateOptions,
): Promise<RemediateResult> {
  // The run that applies the plan holds the lease, under its own id.
  const runId = newRunId(deps.clock());
  const command: RunCommand = options.command ?? 'apply';
  const out = await underAccountLease(deps, { runId, command }, (scope) =>
    remediateUnderLease(deps, policy, options, { runId, command, scope }),
  );
  return out.kind === 'held-elsewhere' ? { ...out, kind: 'leased' } : out.value;
}

async function remediateUnderLease(
  deps: RemediationDeps,
  policy: Policy,
  options: RemediateOptions,
  run: { readonly runId: string; readonly command: RunCommand; readonly scope: LeaseScope },
): Promise<RemediateResult> {
  const { scope } = run;
  const pending = incompleteRuns((await deps.journal.read()).records, { accountId: scope.accountId });
  let recovery: RecoverResult | null = null;
  if (options.resume) {
    if (pending.length > 0 && options.confirmRecovery && !(await options.confirmRecovery(pending.length))) {
      return { kind: 'recovery-declined', interruptedRuns: pending.length };
    }
    recovery = await resumeInterruptedRuns(deps, scope);
  } else if (pending.length > 0) {
    throw new InterruptedRunError(pending.map((r) => r.runId));
  }
  await scope.keep();
  const planned = await planRemediation(deps, policy, {
    maxActions: options.maxActions,
    ...(options.userNames ? { userNames: options.userNames } : {}),
  });
  if (planned.plan.actions.length === 0) {
    return { kind: 'planned', recovery, planned, execution: null, declined: false };
  }
  if (options.confirmPlan && !(await options.confirmPlan(planned))) {
    return { kind: 'planned', recovery, planned, execution: null, declined: true };
  }
  const execution = await applyPlan(deps, policy, planned.plan, run.command, run);
  return { kind: 'planned', recovery, planned, execution, declined: false };
}

/**
 * Finishes every interrupted run in the journal (nothing when there is none); under a lease, every
 * interrupted run of the lease's account.
 */
export function resumeInterruptedRuns(
  deps: RemediationDeps,
  scope: LeaseScope = NO_LEASE,
): Promise<RecoverResult> {
  return recoverIncompleteRuns({
    runId: newRunId(deps.clock()),
    journal: deps.journal,
    now: deps.clock,
    clientsFor: () => deps.clients,
    accountId: scope.accountId,
    beforeChange: scope.keep,
    callWindowMs: callWindowMs(deps.timeouts ?? DEFAULT_TIMEOUTS),
    ...(deps.onResult ? { onResult: deps.onResult } : {}),
  });
}

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
