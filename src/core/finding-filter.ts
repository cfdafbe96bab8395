/**
 * The `--rule`, `--severity` and `--user` filters of `audit`, `plan` and `forecast`: which findings,
 * actions and forecast entries a run shows, and what it says it left out. A finding's severity is
 * its rule's, so every filter reads a rule id and a user name and nothing else: a plan's action or a
 * forecast entry is filtered exactly as the finding it comes from.
 */
import { nameMatcher } from './exemptions.js';
import type { Forecast } from './forecast.js';
import type { Action, Plan } from './plan/types.js';
import { RULES_BY_ID, type RuleId } from './rules/registry.js';
import { SEVERITY_RANK, type Severity } from './rules/types.js';

/** What to keep; an empty list or a null severity keeps everything on that axis. */
export interface FindingFilter {
  /** Keep these rules only (`--rule`, repeatable). */
  readonly rules: readonly RuleId[];
  /** Keep this severity or worse (`--severity`). */
  readonly severity: Severity | null;
  /** Keep users matching any of these names or globs, case-insensitively as IAM compares names (`--user`, repeatable). */
  readonly users: readonly string[];
}

/** The filter a run applied, as its JSON reports it: the filter and what it left out. */
export interface AppliedFilter<Counts> extends FindingFilter {
  readonly filteredOut: Counts;
}

/** True when the filter keeps everything. */
export function isEmptyFilter(filter: FindingFilter): boolean {
  return filter.rules.length === 0 && filter.severity === null && filter.users.length === 0;
}

/**
 * The filter as a predicate on (rule, user); `rule` null (an action no rule planned, such as a
 * recovery step) passes the rule and severity filters and is judged on its user alone.
 */
export function filterMatcher(
  filter: FindingFilter,
): (item: { readonly rule: RuleId | null; readonly userName: string }) => boolean {
  const rules = filter.rules.length === 0 ? null : new Set<RuleId>(filter.rules);
  const rank = filter.severity === null ? null : SEVERITY_RANK[filter.severity];
  const users = filter.users.map(nameMatcher);
  return ({ rule, userName }) =>
    (rule === null ||
      ((rules === null || rules.has(rule)) &&
        (rank === null || SEVERITY_RANK[RULES_BY_ID[rule].severity] <= rank))) &&
    (users.length === 0 || users.some((matches) => matches(userName)));
}

/** The filter as the flags that give it, e.g. `--rule KEY_ROTATION --severity high --user 'ci-*'`. */
export function describeFilter(filter: FindingFilter): string {
  return [
    ...filter.rules.map((r) => `--rule ${r}`),
    ...(filter.severity === null ? [] : [`--severity ${filter.severity}`]),
    ...filter.users.map(
      (u) => `--user ${/^[\w@%+=:,./-]+$/.test(u) ? u : `'${u.replaceAll("'", "'\\''")}'`}`,
    ),
  ].join(' ');
}

/** What a filter left out of a plan. */
export interface PlanFilteredOut {
  readonly actions: number;
  readonly deferred: number;
  readonly blocked: number;
  readonly skipped: number;
}

/**
 * The plan with only what the filter matches. Actions are kept or left out by whole chain (a key
 * is never shown created without being stored): a chain stays when any of its actions matches its
 * rule and user. Nothing is re-planned or re-capped: what stays is exactly what the unfiltered plan
 * holds for those users and rules, deferred actions included.
 */
export function filterPlan(
  plan: Plan,
  filter: FindingFilter,
): { readonly plan: Plan; readonly filteredOut: PlanFilteredOut } {
  const matches = filterMatcher(filter);
  const ofAction = (a: Action) => matches({ rule: 'rule' in a ? a.rule : null, userName: a.userName });
  const keepChains = (actions: readonly Action[]): readonly Action[] => {
    const chains = new Set<string>();
    for (const a of actions) if (ofAction(a)) chains.add(a.chainId);
    return actions.filter((a) => chains.has(a.chainId));
  };
  const actions = keepChains(plan.actions);
  const deferred = keepChains(plan.deferred);
  const blocked = plan.blocked.filter(matches);
  const skipped = plan.skipped.filter(matches);
  return {
    plan: { ...plan, actions, deferred, blocked, skipped },
    filteredOut: {
      actions: plan.actions.length - actions.length,
      deferred: plan.deferred.length - deferred.length,
      blocked: plan.blocked.length - blocked.length,
      skipped: plan.skipped.length - skipped.length,
    },
  };
}

/** What `--rule`, `--severity` and `--user` left out of a forecast: its entries. */
export type ForecastFilter = AppliedFilter<{ readonly entries: number }>;

/**
 * The forecast with only the entries the filter matches: an action by its rule and user, an
 * exemption ending when one of its rules matches (it is kept whole).
 */
export function filterForecast(
  forecast: Forecast,
  filter: FindingFilter | null,
): { readonly forecast: Forecast; readonly applied: ForecastFilter | null } {
  if (filter === null) return { forecast, applied: null };
  const matches = filterMatcher(filter);
  const entries = forecast.entries.filter((e) =>
    e.kind === 'exemption-expiry'
      ? e.rules.some((rule) => matches({ rule, userName: e.userName }))
      : matches(e),
  );
  return {
    forecast: { ...forecast, entries },
    applied: { ...filter, filteredOut: { entries: forecast.entries.length - entries.length } },
  };
}
