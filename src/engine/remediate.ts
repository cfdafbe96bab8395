/**
 * Remediates one account: finish interrupted runs (when asked), plan from live state, let the caller
 * look at the plan, carry it out, notify. The one sequence `keywarden apply`, the demo and the
 * scheduled handler run.
 */
import { type ExecuteResult, executePlan } from '../aws/apply/execute.js';
import { type RecoverResult, recoverIncompleteRuns } from '../aws/apply/recovery.js';
import type { Plan } from '../core/plan/types.js';
import type { Policy } from '../core/policy/types.js';
import { newRunId } from '../journal/journal.js';
import type { RunCommand } from '../journal/records.js';
import { incompleteRuns } from '../journal/views.js';
import { InterruptedRunError } from './errors.js';
import { type PlannedAccount, planRemediation } from './plan.js';
import type { RemediationDeps } from './types.js';

export interface RemediateOptions {
  readonly maxActions: number;
  /** Remediate only these users (the `remediate` handler: one user); absent: the whole account. */
  readonly userNames?: readonly string[];
  /** Finish interrupted runs first; without it an interrupted run is an {@link InterruptedRunError}. */
  readonly resume: boolean;
  /** Asked before interrupted runs are finished; absent = go ahead. */
  readonly confirmRecovery?: (runs: number) => Promise<boolean>;
  /** Shown the capped plan before anything changes; false = dry run. Absent = go ahead. */
  readonly confirmPlan?: (planned: PlannedAccount) => Promise<boolean>;
}

export type RemediateResult =
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
  const pending = incompleteRuns((await deps.journal.read()).records);
  let recovery: RecoverResult | null = null;
  if (options.resume) {
    if (pending.length > 0 && options.confirmRecovery && !(await options.confirmRecovery(pending.length))) {
      return { kind: 'recovery-declined', interruptedRuns: pending.length };
    }
    recovery = await resumeInterruptedRuns(deps);
  } else if (pending.length > 0) {
    throw new InterruptedRunError(pending.map((r) => r.runId));
  }
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
  const execution = await applyPlan(deps, policy, planned.plan, options.resume ? 'resume' : 'apply');
  return { kind: 'planned', recovery, planned, execution, declined: false };
}

/** Finishes every interrupted run in the journal (nothing when there is none). */
export function resumeInterruptedRuns(deps: RemediationDeps): Promise<RecoverResult> {
  return recoverIncompleteRuns({
    runId: newRunId(deps.clock()),
    journal: deps.journal,
    now: deps.clock,
    clientsFor: () => deps.clients,
    ...(deps.onResult ? { onResult: deps.onResult } : {}),
  });
}

/** Carries out a plan that is already capped, as one run. */
export function applyPlan(
  deps: RemediationDeps,
  policy: Policy,
  plan: Plan,
  command: RunCommand = 'apply',
): Promise<ExecuteResult> {
  return executePlan(plan, {
    runId: newRunId(deps.clock()),
    journal: deps.journal,
    now: deps.clock,
    clientsFor: () => deps.clients,
    remediation: policy.remediation,
    notifier: deps.notifier,
    command,
    ...(deps.onResult ? { onResult: deps.onResult } : {}),
    ...(deps.shouldStop ? { shouldStop: deps.shouldStop } : {}),
  });
}
