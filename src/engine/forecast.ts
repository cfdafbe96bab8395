/**
 * What happens day by day, the account read as `plan` reads it: by default as Keywarden's daily
 * runs would change it (the HTML report's calendar too), or if nobody acts.
 */
import { type Forecast, type ForecastView, forecastAccount } from '../core/forecast.js';
import type { NowBeforeData } from '../core/now-check.js';
import type { Policy } from '../core/policy/types.js';
import type { Journal } from '../journal/journal.js';
import { readForPlanning } from './plan.js';
import type { AuditDeps } from './types.js';

export async function forecastRemediation(
  deps: AuditDeps & { readonly journal: Journal },
  policy: Policy,
  days: number,
  view: ForecastView = 'simulated',
): Promise<{
  readonly forecast: Forecast;
  readonly warnings: readonly string[];
  /** Set when the clock lies before what the account records (a `--now` in the past). */
  readonly nowBeforeData: NowBeforeData | null;
}> {
  const { now, inventory, facts, warnings, nowBeforeData } = await readForPlanning(deps, policy);
  return {
    forecast: forecastAccount(inventory, policy, now, facts, { days, view }),
    warnings,
    nowBeforeData,
  };
}
