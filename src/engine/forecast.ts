/** What the policy will do day by day if nobody acts: the account read as `plan` reads it, forecast. */
import { collectPlanningInventory } from '../aws/plan-inventory.js';
import { staleReportWarning } from '../core/audit.js';
import { type Forecast, forecastAccount } from '../core/forecast.js';
import { type NowBeforeData, nowBeforeData } from '../core/now-check.js';
import type { Policy } from '../core/policy/types.js';
import type { Journal } from '../journal/journal.js';
import { factsFromJournal } from '../journal/views.js';
import type { AuditDeps } from './types.js';

export async function forecastRemediation(
  deps: AuditDeps & { readonly journal: Journal },
  policy: Policy,
  days: number,
): Promise<{
  readonly forecast: Forecast;
  readonly warnings: readonly string[];
  /** Set when the clock lies before what the account records (a `--now` in the past). */
  readonly nowBeforeData: NowBeforeData | null;
}> {
  const now = deps.clock();
  const { inventory, warnings } = await collectPlanningInventory(deps.clients, policy, {
    now,
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(deps.sleep ? { report: { sleep: deps.sleep } } : {}),
  });
  const journal = await deps.journal.read();
  const stale = staleReportWarning(inventory, policy, now);
  return {
    forecast: forecastAccount(inventory, policy, now, factsFromJournal(journal.records), days),
    warnings: [...journal.warnings, ...warnings, ...(stale === null ? [] : [stale])],
    nowBeforeData: nowBeforeData(inventory, now),
  };
}
