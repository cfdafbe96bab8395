/** Undoes a run: reactivate the keys it deactivated, name what cannot be reversed. */

import { addDays } from '../core/days.js';
import { doneActions, hasRun } from '../core/journal/views.js';
import type { ActionResult } from '../core/plan/outcome.js';
import { type CannotUndo, planUndo, type UndoPlan } from '../core/plan/recovery.js';
import { newRunId } from '../journal/run-id.js';
import { executeUndo } from './apply/undo.js';
import { NotFoundError } from './errors.js';
import { type HeldElsewhere, underAccountLease } from './lease.js';
import type { RemediationDeps } from './types.js';

export interface UndoOptions {
  /** How long the lifecycle leaves each reactivated key alone. */
  readonly holdDays: number;
  /**
   * Shown the undo plan, and what reading the journal found, before anything changes; false = dry
   * run. Absent = go ahead.
   */
  readonly confirm?: (plan: UndoPlan, warnings: readonly string[]) => Promise<boolean>;
}

export type UndoResult =
  /** Another run holds the account's lease: nothing was changed. */
  | ({ readonly kind: 'held-elsewhere' } & HeldElsewhere)
  | { readonly kind: 'declined'; readonly plan: UndoPlan }
  | {
      readonly kind: 'undone';
      readonly runId: string;
      readonly plan: UndoPlan;
      readonly results: readonly ActionResult[];
      readonly cannotUndo: readonly CannotUndo[];
    };

export async function undoRun(
  deps: RemediationDeps,
  targetRunId: string,
  options: UndoOptions,
): Promise<UndoResult> {
  const { records, warnings } = await deps.journal.read();
  if (!hasRun(records, targetRunId)) {
    throw new NotFoundError(
      '<run-id>',
      `no run ${targetRunId} in the journal ${deps.journal.location}; see keywarden history`,
    );
  }
  const runId = newRunId(deps.clock());
  const out = await underAccountLease(
    deps,
    { runId, command: 'undo' },
    async (scope): Promise<UndoResult> => {
      const holdUntil = addDays(deps.clock(), options.holdDays);
      const plan = planUndo(targetRunId, doneActions(records, targetRunId), { holdUntil });
      if (options.confirm && !(await options.confirm(plan, warnings))) return { kind: 'declined', plan };
      const results = await executeUndo(plan, {
        runId,
        journal: deps.journal,
        now: deps.clock,
        clientsFor: () => deps.clients,
        accountId: scope.accountId,
        beforeChange: scope.keep,
        ...(deps.onResult ? { onResult: deps.onResult } : {}),
      });
      return { kind: 'undone', runId, plan, results, cannotUndo: plan.cannotUndo };
    },
  );
  return out.kind === 'held-elsewhere' ? out : out.value;
}
