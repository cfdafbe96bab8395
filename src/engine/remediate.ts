/**
 * Remediates one account: finish interrupted runs (when asked), plan from live state, let the caller
 * look at the plan, carry it out, notify. The one sequence `keywarden apply`, the demo and the
 * scheduled handler run, always under the account's lease (with a shared journal) or the file
 * journal's lock, and always after the interrupted-run check. A second run that finds the lease
 * held does nothing and says who holds it. The journal is read once per run: what the recovery
 * and the plan decide from is that read, kept current with the run's own records.
 */

import type { RunCommand } from '../core/journal/records.js';
import { incompleteRuns } from '../core/journal/views.js';
import type { Policy } from '../core/policy/types.js';
import { newRunId } from '../journal/run-id.js';
import type { ExecuteResult } from './apply/execute.js';
import type { RecoverResult } from './apply/recovery.js';
import { applyPlan, resumeInterruptedRuns } from './apply/runs.js';
import type { ActionBudget } from './budget.js';
import { type HeldElsewhere, type LeaseScope, underAccountLease } from './lease.js';
import { type PlannedAccount, planRemediation } from './plan.js';
import { readJournalOnce } from './run-journal.js';
import type { RemediationDeps } from './types.js';

export interface RemediateOptions {
  /** A number for one account; a shared {@link ActionBudget} for a run across accounts. */
  readonly maxActions: number | ActionBudget;
  /** Remediate only these users (the `remediate` handler: one user); absent: the whole account. */
  readonly userNames?: readonly string[];
  /** Finish interrupted runs first; without it an interrupted run is an `interrupted` result. */
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

/** What a run that got as far as a plan did before it: the interrupted runs it finished, if asked. */
interface Planned {
  /** Null when `resume` was not asked for. */
  readonly recovery: RecoverResult | null;
  readonly planned: PlannedAccount;
}

/** How a run ended. Every kind but `applied`, `stopped` and `unsettled` changed nothing but the recovery. */
export type RemediateResult =
  /** Another run holds the account's lease, or the file journal: nothing was read, planned or changed. */
  | ({ readonly kind: 'held-elsewhere' } & HeldElsewhere)
  /** Runs stopped part-way wait to be finished and `resume` was not asked for: nothing was changed. */
  | { readonly kind: 'interrupted'; readonly runIds: readonly string[] }
  /** The caller declined to finish the interrupted runs: nothing was changed. */
  | { readonly kind: 'recovery-declined'; readonly interruptedRuns: number }
  /** The plan changes nothing. */
  | ({ readonly kind: 'nothing-to-do' } & Planned)
  /** The caller declined the plan: a dry run. */
  | ({ readonly kind: 'declined' } & Planned)
  /**
   * `shouldStop` said stop: before any change (`execution` null: the plan was empty or declined),
   * or after the action in flight; the run is then unfinished in the journal, for `apply --resume`.
   */
  | ({ readonly kind: 'stopped'; readonly execution: ExecuteResult | null } & Planned)
  /**
   * A change whose outcome is unknown could not be read back (`reason`): the run stopped there,
   * unfinished, for `apply --resume` to settle from live state.
   */
  | ({ readonly kind: 'unsettled'; readonly execution: ExecuteResult; readonly reason: string } & Planned)
  /** The plan was carried out; some actions may have failed or been skipped (their results say). */
  | ({ readonly kind: 'applied'; readonly execution: ExecuteResult } & Planned);

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
  return out.kind === 'held-elsewhere' ? out : out.value;
}

async function remediateUnderLease(
  given: RemediationDeps,
  policy: Policy,
  options: RemediateOptions,
  run: { readonly runId: string; readonly command: RunCommand; readonly scope: LeaseScope },
): Promise<RemediateResult> {
  const { scope } = run;
  const journal = await readJournalOnce(given.journal);
  const deps: RemediationDeps = { ...given, journal: journal.journal };
  const pending = incompleteRuns(journal.records(), { accountId: scope.accountId });
  let recovery: RecoverResult | null = null;
  if (options.resume) {
    if (pending.length > 0 && options.confirmRecovery && !(await options.confirmRecovery(pending.length))) {
      return { kind: 'recovery-declined', interruptedRuns: pending.length };
    }
    recovery = await resumeInterruptedRuns(deps, journal.records(), scope);
  } else if (pending.length > 0) {
    return { kind: 'interrupted', runIds: pending.map((r) => r.runId) };
  }
  await scope.keep();
  const planned = await planRemediation(deps, policy, {
    maxActions: options.maxActions,
    ...(options.userNames ? { userNames: options.userNames } : {}),
    journal: { records: journal.records(), warnings: journal.warnings },
  });
  journal.release();
  const stopped = () => deps.shouldStop?.() === true;
  if (planned.plan.actions.length === 0) {
    return stopped()
      ? { kind: 'stopped', recovery, planned, execution: null }
      : { kind: 'nothing-to-do', recovery, planned };
  }
  if (options.confirmPlan && !(await options.confirmPlan(planned))) {
    return stopped()
      ? { kind: 'stopped', recovery, planned, execution: null }
      : { kind: 'declined', recovery, planned };
  }
  const execution = await applyPlan(deps, policy, planned.plan, run.command, run);
  if (execution.stopped && (execution.unsettled === undefined || stopped())) {
    return { kind: 'stopped', recovery, planned, execution };
  }
  if (execution.unsettled !== undefined) {
    return { kind: 'unsettled', recovery, planned, execution, reason: execution.unsettled };
  }
  return { kind: 'applied', recovery, planned, execution };
}
