/**
 * The forecast: what happens to the account's credentials day by day, in one of two views, both
 * made with the same planner as `keywarden plan` (planAccount), run at `now`, `now + 1 day`, ...
 * `now + days`. Pure. Semantics and assumptions: docs/reports.md.
 *
 * `simulated` (the default): Keywarden runs daily as configured. Each day's plan, held to the
 * policy's `remediation.maxActions` like a run, is applied to a simulated inventory and journal
 * (src/core/forecast-state.ts, whose header lists the assumptions), which the next day's plan
 * reads: day D holds the actions that day's run carries out, each action once.
 *
 * `if-nobody-acts`: one unchanged inventory and one unchanged set of journal facts.
 * - day 0 holds every action of today's plan (due now, or overdue);
 * - day D >= 1 holds each action (by its stable id) that the plan at D contains and the plan at
 *   D - 1 did not, so an action appears once, on the first day it becomes due;
 * - no key is used, created or changed, and no notification is sent, so a stage that needs an
 *   earlier one carried out (deactivating a key needs its replacement) appears only when that
 *   earlier stage already holds today;
 * - the action cap (`remediation.maxActions`) is ignored: capped actions are due all the same.
 *
 * In both, an exemption expiring is a user no longer exempt from a rule on day D that was on day
 * D - 1 (a policy `until` date or an end-dated exemption tag; one that never ends never expires),
 * and only actions that change AWS count as rotations, deactivations and deletions
 * ({@link countEvents}): a journal-only note is listed, never counted.
 */

import { actionAccessKeyId, remedyEvent } from './actions/registry.js';
import { addDays } from './days.js';
import { type ExemptionMatch, findExemption } from './exemptions.js';
import { SimulatedAccount } from './forecast-state.js';
import type { AccountInventory, UserRecord } from './model.js';
import { ROOT_USER_NAME } from './model.js';
import { capPlan } from './plan/cap.js';
import { planAccount } from './plan/planner.js';
import {
  type Action,
  type ActionType,
  changesAws,
  type JournalFacts,
  type RemediationRule,
  type Stage,
} from './plan/types.js';
import { enabledRuleIds, type Policy } from './policy/types.js';
import { RULES_BY_ID, type RuleId } from './rules/registry.js';

export const MIN_FORECAST_DAYS = 1;
export const MAX_FORECAST_DAYS = 366;

/** What kind of thing happens, as people ask about it. */
export const FORECAST_EVENTS = [
  'warning',
  'rotation',
  'deactivation',
  'deletion',
  'exemption-expiry',
] as const;
export type ForecastEvent = (typeof FORECAST_EVENTS)[number];

/** Keywarden runs daily as configured (the default), or nobody acts at all. */
const FORECAST_VIEWS = ['simulated', 'if-nobody-acts'] as const;
export type ForecastView = (typeof FORECAST_VIEWS)[number];

/** What each view takes for granted, as the output states it. */
const ASSUMPTIONS: Readonly<Record<ForecastView, readonly string[]>> = {
  simulated: [
    'Keywarden runs once a day as configured and carries out each run, at most remediation.maxActions changes a run; the rest waits for the next day',
    'every notice is delivered',
    'a credential used within the last inUseGraceDays days keeps being used daily; any other is not used again',
    "owners switch to a replacement key the day it is created (to one that exists already, from the start), so the old key's last use stays that day",
    'nobody else changes a credential',
  ],
  'if-nobody-acts': [
    'nobody acts: Keywarden applies nothing, no key is used, created or changed, and no notice is sent',
    'the action cap is ignored',
  ],
};

interface EntryBase {
  /** Days after `generatedAt`: 0 is today. */
  readonly day: number;
  /** `YYYY-MM-DD` (UTC) of `generatedAt + day` days. */
  readonly date: string;
  readonly event: ForecastEvent;
  readonly accountId: string;
  readonly userName: string;
}

/** A planned action becoming due. */
interface ForecastActionEntry extends EntryBase {
  readonly kind: 'action';
  /** The plan's stable action id: the same id `keywarden plan` shows on that day. */
  readonly actionId: string;
  readonly chainId: string;
  readonly type: ActionType;
  readonly stage: Stage;
  readonly rule: RemediationRule;
  /** The key the action is about (the replaced key for create-key and store-secret); null for a password. */
  readonly accessKeyId: string | null;
  readonly reason: string;
  /** A notification's deadline for the owner (ISO timestamp), e.g. the rotation date a warning names. */
  readonly dueDate: string | null;
  /** False for a notice or a journal-only note: then it never counts as a change ({@link countEvents}). */
  readonly changesAws: boolean;
}

/** A user's exemption from some rules ending. */
interface ForecastExemptionEntry extends EntryBase {
  readonly kind: 'exemption-expiry';
  readonly rules: readonly RuleId[];
  readonly reason: string;
  /** Where the exemption came from, e.g. `exemptions.users[0]` or `tag keywarden:exempt`. */
  readonly source: string;
  /** Its last exempt day, `YYYY-MM-DD` (inclusive); `day` is the first day without it. */
  readonly until: string;
}

export type ForecastEntry = ForecastActionEntry | ForecastExemptionEntry;

export interface Forecast {
  readonly schemaVersion: 1;
  /** `simulated`: Keywarden runs daily; `if-nobody-acts`: nothing changes. */
  readonly view: ForecastView;
  /** What the view assumes, in words. */
  readonly assumptions: readonly string[];
  /** Day 0: the `now` the forecast was made for. */
  readonly generatedAt: string;
  /** The horizon: entries run from day 0 to day `days`. */
  readonly days: number;
  /** By day, then account, user; within a user, exemptions first, then actions in plan order. */
  readonly entries: readonly ForecastEntry[];
}

/**
 * Forecasts one account over `days` days (1 to {@link MAX_FORECAST_DAYS}) in the given view.
 * Costs `days + 1` planner runs (the simulated view plans only users with a credential or a notice
 * pending); throws on a `days` outside the range (the CLI validates it first).
 */
export function forecastAccount(
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  facts: JournalFacts,
  options: { readonly days: number; readonly view: ForecastView },
): Forecast {
  const { days, view } = options;
  if (!Number.isInteger(days) || days < MIN_FORECAST_DAYS || days > MAX_FORECAST_DAYS) {
    throw new Error(
      `forecast: days must be an integer from ${MIN_FORECAST_DAYS} to ${MAX_FORECAST_DAYS} (got ${days})`,
    );
  }
  const entries =
    view === 'simulated'
      ? simulatedEntries(inventory, policy, now, facts, days)
      : nobodyActsEntries(inventory, policy, now, facts, days);
  entries.push(...exemptionExpiries(inventory, policy, now, days));
  entries.sort(compareEntries);
  return {
    schemaVersion: 1,
    view,
    assumptions: ASSUMPTIONS[view],
    generatedAt: now.toISOString(),
    days,
    entries,
  };
}

/** Each day: plan as a run would, capped, list what is new, apply it to the simulated account. */
function simulatedEntries(
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  facts: JournalFacts,
  days: number,
): ForecastEntry[] {
  const account = new SimulatedAccount(inventory, facts, policy, now);
  const entries: ForecastEntry[] = [];
  const seen = new Set<string>();
  for (let day = 0; day <= days; day++) {
    const at = addDays(now, day);
    if (day > 0) account.use(at);
    const plan = capPlan(
      planAccount(account.inventory(), policy, at, account.facts),
      policy.remediation.maxActions,
    );
    const remedied = remediationEvents(plan.actions);
    for (const action of plan.actions) {
      // A journal-only note that a key is Active again forecasts nothing; one action is listed once.
      if (action.type === 'note-active' || seen.has(action.id)) continue;
      seen.add(action.id);
      entries.push(actionEntry(action, day, at, remedied));
    }
    account.apply(plan.actions, at);
  }
  return entries;
}

/** Each day: the plan of an unchanged account; what it holds that the day before's did not. */
function nobodyActsEntries(
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  facts: JournalFacts,
  days: number,
): ForecastEntry[] {
  const entries: ForecastEntry[] = [];
  let previous = new Set<string>();
  for (let day = 0; day <= days; day++) {
    const at = addDays(now, day);
    const plan = planAccount(inventory, policy, at, facts);
    const remedied = remediationEvents(plan.actions);
    const ids = new Set<string>();
    for (const action of plan.actions) {
      // A journal-only note that a key is Active again forecasts nothing.
      if (action.type === 'note-active') continue;
      ids.add(action.id);
      if (!previous.has(action.id)) entries.push(actionEntry(action, day, at, remedied));
    }
    previous = ids;
  }
  return entries;
}

/**
 * How many of each event the entries hold: a stage of one credential (a chain: create, store and
 * notify) counts once, each exemption ending once. A rotation, deactivation or deletion counts only
 * when its chain changes AWS: a journal-only note (a key first seen inactive) or a notice alone
 * changes nothing, so it is never counted as one.
 */
export function countEvents(entries: readonly ForecastEntry[]): Record<ForecastEvent, number> {
  const counts: Record<ForecastEvent, number> = {
    warning: 0,
    rotation: 0,
    deactivation: 0,
    deletion: 0,
    'exemption-expiry': 0,
  };
  const changing = new Set<string>();
  for (const e of entries) if (e.kind === 'action' && e.changesAws) changing.add(e.chainId);
  const chains = new Set<string>();
  for (const e of entries) {
    if (e.kind === 'action') {
      if (chains.has(e.chainId)) continue;
      if (e.event !== 'warning' && !changing.has(e.chainId)) continue;
      chains.add(e.chainId);
    }
    counts[e.event]++;
  }
  return counts;
}

/**
 * For the entries that change nothing in AWS on their own, what they are instead: `journal only`
 * (a note in Keywarden's journal) or `notice` (a message about a change made another day, or no
 * change); null for a change, a warning or an exemption ending. Shown in place of the event.
 */
export function noChangeLabels(
  entries: readonly ForecastEntry[],
): (e: ForecastEntry) => 'journal only' | 'notice' | null {
  const changing = new Set<string>();
  for (const e of entries) if (e.kind === 'action' && e.changesAws) changing.add(e.chainId);
  return (e) => {
    if (e.kind !== 'action' || e.event === 'warning' || changing.has(e.chainId)) return null;
    return e.type === 'notify' ? 'notice' : 'journal only';
  };
}

/**
 * The event of each chain that remediates a rule's finding: what its action does to the credential.
 * Its notice counts with it.
 */
function remediationEvents(actions: readonly Action[]): ReadonlyMap<string, ForecastEvent> {
  const events = new Map<string, ForecastEvent>();
  for (const a of actions) {
    const event = a.stage === 'remediate' ? remedyEvent(a) : null;
    if (event !== null) events.set(a.chainId, event);
  }
  return events;
}

/**
 * Which event an action belongs to; the notification of a stage counts with its stage, that of a
 * finding's remediation with its chain (`remedied`; a notice sent again alone counts as a deletion).
 */
function eventOf(action: Action, remedied: ReadonlyMap<string, ForecastEvent>): ForecastEvent {
  switch (action.stage) {
    case 'warn':
    case 'still-in-use':
    case 'blocked':
      return 'warning';
    case 'rotate':
      return 'rotation';
    case 'deactivate':
    case 'force-deactivate':
      return 'deactivation';
    case 'delete':
    case 'inactive-seen':
    case 'active-seen':
      return 'deletion';
    case 'revoke-unused':
      // An unused key is deactivated; an unused console password (login profile) is deleted.
      return action.type === 'delete-login-profile' ||
        (action.type === 'notify' && action.accessKeyId === null)
        ? 'deletion'
        : 'deactivation';
    case 'remediate':
      return remedied.get(action.chainId) ?? 'deletion';
    default:
      return assertNever(action.stage);
  }
}

function actionEntry(
  action: Action,
  day: number,
  at: Date,
  remedied: ReadonlyMap<string, ForecastEvent>,
): ForecastActionEntry {
  return {
    kind: 'action',
    day,
    date: isoDay(at),
    event: eventOf(action, remedied),
    accountId: action.accountId,
    userName: action.userName,
    actionId: action.id,
    chainId: action.chainId,
    type: action.type,
    stage: action.stage,
    rule: action.rule,
    accessKeyId: actionAccessKeyId(action),
    reason: action.reason,
    dueDate: action.type === 'notify' ? action.dueDate : null,
    changesAws: changesAws(action),
  };
}

/**
 * For each user and rule exempt today by an exemption with an end date: the first day it no longer
 * is (another exemption may carry on where one ends; only the end of the last one counts).
 */
function exemptionExpiries(
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  days: number,
): ForecastExemptionEntry[] {
  const rules = enabledRuleIds(policy).filter((r) => r !== 'ROOT_ACCESS_KEY');
  const byKey = new Map<string, ForecastExemptionEntry & { rules: RuleId[] }>();
  for (const user of inventory.users) {
    if (user.userName === ROOT_USER_NAME) continue;
    for (const rule of rules) {
      const end = exemptionEnd(user, rule, inventory, policy, now, days);
      if (end === null) continue;
      const { day, match } = end;
      const key = `${day}\u0000${match.source}\u0000${match.until}\u0000${user.userName}`;
      const existing = byKey.get(key);
      if (existing !== undefined) {
        existing.rules.push(rule);
        continue;
      }
      byKey.set(key, {
        kind: 'exemption-expiry',
        day,
        date: isoDay(addDays(now, day)),
        event: 'exemption-expiry',
        accountId: inventory.accountId,
        userName: user.userName,
        rules: [rule],
        reason: match.reason,
        source: match.source,
        until: match.until,
      });
    }
  }
  return [...byKey.values()];
}

type EndingMatch = Extract<ExemptionMatch, { kind: 'exempt' }> & { readonly until: string };

function exemptionEnd(
  user: UserRecord,
  rule: RuleId,
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  days: number,
): { readonly day: number; readonly match: EndingMatch } | null {
  let last = findExemption(user, RULES_BY_ID[rule], policy, inventory, now);
  for (let day = 1; day <= days; day++) {
    if (last.kind !== 'exempt' || last.until === null) return null;
    const match = findExemption(user, RULES_BY_ID[rule], policy, inventory, addDays(now, day));
    if (match.kind !== 'exempt') return { day, match: { ...last, until: last.until } };
    last = match;
  }
  return null;
}

const KIND_RANK: Readonly<Record<ForecastEntry['kind'], number>> = { 'exemption-expiry': 0, action: 1 };

function compareEntries(a: ForecastEntry, b: ForecastEntry): number {
  return (
    a.day - b.day ||
    compareText(a.accountId, b.accountId) ||
    compareText(a.userName, b.userName) ||
    KIND_RANK[a.kind] - KIND_RANK[b.kind]
  );
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
