/** Plans remediation for one account: the planning inventory, the journal's facts, the plan, the cap. */
import { collectPlanningInventory } from '../aws/plan-inventory.js';
import { staleReportWarning } from '../core/audit.js';
import type { AccountInventory } from '../core/model.js';
import { type NowBeforeData, nowBeforeData } from '../core/now-check.js';
import { capPlan } from '../core/plan/cap.js';
import { planAccount } from '../core/plan/planner.js';
import type { Plan } from '../core/plan/types.js';
import type { Policy } from '../core/policy/types.js';
import type { Journal } from '../journal/journal.js';
import { factsFromJournal } from '../journal/views.js';
import type { AuditDeps } from './types.js';

export interface PlannedAccount {
  readonly inventory: AccountInventory;
  /** Capped: `actions` fit the cap, `deferred` wait for a later run. */
  readonly plan: Plan;
  readonly warnings: readonly string[];
  /** Set when the clock lies before what the account records (a `--now` in the past). */
  readonly nowBeforeData: NowBeforeData | null;
}

export interface PlanOptions {
  /** Changes this run may make; the rest is deferred. */
  readonly maxActions: number;
}

/** Reads the account (every key an action could name carries its id) and plans it. */
export async function planRemediation(
  deps: AuditDeps & { readonly journal: Journal },
  policy: Policy,
  options: PlanOptions,
): Promise<PlannedAccount> {
  const now = deps.clock();
  const { inventory, warnings } = await collectPlanningInventory(deps.clients, policy, {
    now,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.sleep ? { report: { sleep: deps.sleep } } : {}),
  });
  const journal = await deps.journal.read();
  const stale = staleReportWarning(inventory, policy, now);
  const plan = capPlan(
    planAccount(inventory, policy, now, factsFromJournal(journal.records)),
    options.maxActions,
  );
  return {
    inventory,
    plan,
    warnings: [...journal.warnings, ...warnings, ...(stale === null ? [] : [stale])],
    nowBeforeData: nowBeforeData(inventory, now),
  };
}
