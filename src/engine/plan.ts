/** Plans remediation for one account: the planning inventory, the journal's facts, the plan, the cap. */
import { collectPlanningInventory } from '../aws/plan-inventory.js';
import type { JournalRecord } from '../core/journal/records.js';
import { factsFromJournal } from '../core/journal/views.js';
import type { AccountInventory } from '../core/model.js';
import { type NowBeforeData, nowBeforeData } from '../core/now-check.js';
import { capPlan } from '../core/plan/cap.js';
import { planAccount } from '../core/plan/planner.js';
import type { JournalFacts, Plan } from '../core/plan/types.js';
import type { Policy } from '../core/policy/types.js';
import { staleReportWarning } from '../core/report-age.js';
import type { Journal } from '../journal/journal.js';
import type { ActionBudget } from './budget.js';
import type { AuditDeps } from './types.js';

export interface PlannedAccount {
  /** The instant the plan was made at (the deps' clock when the account was read). */
  readonly now: Date;
  readonly inventory: AccountInventory;
  /** What the journal said when the plan was made (rotations in progress, claims, holds). */
  readonly facts: JournalFacts;
  /** Capped: `actions` fit the cap, `deferred` wait for a later run. */
  readonly plan: Plan;
  readonly warnings: readonly string[];
  /** Set when the clock lies before what the account records (a `--now` in the past). */
  readonly nowBeforeData: NowBeforeData | null;
}

/** The journal as a run read it: its records, and the read's warnings. */
export interface JournalRead {
  readonly records: readonly JournalRecord[];
  readonly warnings: readonly string[];
}

export interface PlanOptions {
  /** Changes this run may make; the rest is deferred. */
  /** A number for one account; a shared {@link ActionBudget} for a run across accounts. */
  readonly maxActions: number | ActionBudget;
  /** Plan only these users (in live mode, only they are read); absent: every user of the account. */
  readonly userNames?: readonly string[];
  /** The journal as the run read it (remediateAccount reads it once per run); absent: read now. */
  readonly journal?: JournalRead;
}

/** What planning reads: the account (every key an action could name has its id) and the journal. */
export interface PlanningInput {
  readonly now: Date;
  readonly inventory: AccountInventory;
  readonly facts: JournalFacts;
  readonly warnings: readonly string[];
  /** Set when the clock lies before what the account records (a `--now` in the past). */
  readonly nowBeforeData: NowBeforeData | null;
}

/**
 * Reads what the planner needs, at the deps' clock; shared by plan, forecast and the handlers. The
 * journal is read unless the run already did (`journal`).
 */
export async function readForPlanning(
  deps: AuditDeps & { readonly journal: Journal },
  policy: Policy,
  userNames?: readonly string[],
  journalRead?: JournalRead,
): Promise<PlanningInput> {
  const now = deps.clock();
  const { inventory, warnings } = await collectPlanningInventory(deps.clients, policy, {
    now,
    ...(userNames ? { userNames } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.sleep ? { report: { sleep: deps.sleep } } : {}),
  });
  const journal = journalRead ?? (await deps.journal.read());
  const stale = staleReportWarning(inventory, policy, now);
  return {
    now,
    inventory,
    facts: factsFromJournal(journal.records),
    warnings: [...journal.warnings, ...warnings, ...(stale === null ? [] : [stale])],
    nowBeforeData: nowBeforeData(inventory, now),
  };
}

/** Reads the account and the journal and plans it, capped. */
export async function planRemediation(
  deps: AuditDeps & { readonly journal: Journal },
  policy: Policy,
  options: PlanOptions,
): Promise<PlannedAccount> {
  const { now, inventory, facts, warnings, nowBeforeData } = await readForPlanning(
    deps,
    policy,
    options.userNames,
    options.journal,
  );
  const uncapped = planAccount(inventory, policy, now, facts);
  const plan =
    typeof options.maxActions === 'number'
      ? capPlan(uncapped, options.maxActions)
      : options.maxActions.take(uncapped);
  return { now, inventory, facts, plan, warnings, nowBeforeData };
}
