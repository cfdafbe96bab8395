/** What the policy will do day by day if nobody acts: the account read as `plan` reads it, forecast. */
import { type Forecast, forecastAccount } from '../core/forecast.js';
import type { NowBeforeData } from '../core/now-check.js';
import type { Policy } from '../core/policy/types.js';
import type { Journal } from '../journal/journal.js';
import { readForPlanning } from './plan.js';
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
  const { now, inventory, facts, warnings, nowBeforeData } = await readForPlanning(deps, policy);
  return { forecast: forecastAccount(inventory, policy, now, facts, days), warnings, nowBeforeData };
}
