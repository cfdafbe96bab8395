/**
 * Checks an organization apply against what it had to do: the plan, the journal and the emulator
 * must agree. Shared by the benchmark (which reports the result) and its smoke test (which asserts it).
 */

import type { JournalRecord } from '../src/core/journal/records.js';
import type { Emulator } from '../src/emulator/server.js';

/** `accountId/accessKeyId` → status, for every IAM user key the emulator holds. */
export function keyStatuses(emulator: Emulator): Map<string, 'Active' | 'Inactive'> {
  const statuses = new Map<string, 'Active' | 'Inactive'>();
  for (const account of emulator.state.accounts.values()) {
    for (const user of account.iam.users.values()) {
      for (const key of user.accessKeys) statuses.set(`${account.accountId}/${key.accessKeyId}`, key.status);
    }
  }
  return statuses;
}

/** The calls the emulator answered for real (neither throttled nor failed by an injected fault). */
export function succeededCalls(emulator: Emulator, service: string, operation: string): number {
  const faulted = [...emulator.faults.faulted('throttle'), ...emulator.faults.faulted('error')]
    .filter((c) => c.service === service && c.operation === operation)
    .reduce((n, c) => n + c.count, 0);
  return emulator.faults.count(service, operation) - faulted;
}

export interface PlannedAction {
  readonly id: string;
  readonly type: string;
  readonly accountId: string;
  readonly accessKeyId?: string | null;
}

export interface ApplyCheckInput {
  /** The keys the world made due (`accountId`, `accessKeyId`). */
  readonly dueKeys: readonly { readonly accountId: string; readonly accessKeyId: string }[];
  /** Every action `plan` planned, all accounts. */
  readonly planned: readonly PlannedAction[];
  readonly records: readonly JournalRecord[];
  readonly before: ReadonlyMap<string, 'Active' | 'Inactive'>;
  readonly after: ReadonlyMap<string, 'Active' | 'Inactive'>;
  /** UpdateAccessKey calls the emulator carried out. */
  readonly updateAccessKeySucceeded: number;
}

export interface ApplyCheck {
  readonly plannedActions: number;
  readonly plannedDeactivations: number;
  /** Planned actions with exactly one intent and one `done` outcome in the journal. */
  readonly doneExactlyOnce: number;
  /** Planned actions with exactly one intent and one outcome, whatever it says. */
  readonly journaledOnce: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Keys the emulator holds as Inactive that were Active before. */
  readonly deactivatedInEmulator: number;
  readonly updateAccessKeySucceeded: number;
  /** Everything that disagrees, one line each; empty when plan, journal and emulator agree. */
  readonly problems: readonly string[];
}

const key = (accountId: string, accessKeyId: string) => `${accountId}/${accessKeyId}`;

/**
 * Plan = the due keys; journal = one intent and one outcome per planned action, `done` for every
 * deactivation; emulator = exactly the due keys deactivated, by one UpdateAccessKey each.
 */
export function checkApply(input: ApplyCheckInput): ApplyCheck {
  const problems: string[] = [];
  const due = new Set(input.dueKeys.map((k) => key(k.accountId, k.accessKeyId)));
  const deactivations = input.planned.filter((a) => a.type === 'deactivate-key');
  const plannedKeys = new Set(deactivations.map((a) => key(a.accountId, a.accessKeyId ?? '')));
  const planDiff = [...due].filter((k) => !plannedKeys.has(k)).length;
  const planExtra = [...plannedKeys].filter((k) => !due.has(k)).length;
  if (planDiff > 0 || planExtra > 0 || deactivations.length !== plannedKeys.size) {
    problems.push(
      `plan: ${deactivations.length} deactivations, ${planDiff} due key(s) not planned, ${planExtra} planned key(s) not due`,
    );
  }

  const types = new Map(input.planned.map((a) => [a.id, a.type]));
  const intents = new Map<string, number>();
  const outcomes = new Map<string, string[]>();
  const byStatus: Record<string, number> = {};
  for (const record of input.records) {
    if (record.type === 'intent') intents.set(record.actionId, (intents.get(record.actionId) ?? 0) + 1);
    if (record.type === 'outcome') {
      outcomes.set(record.actionId, [...(outcomes.get(record.actionId) ?? []), record.status]);
      const type = types.get(record.actionId) ?? 'unplanned';
      const label = `${type} ${record.status}${record.status === 'done' ? '' : ` (${record.reason ?? 'no reason'})`}`;
      byStatus[label] = (byStatus[label] ?? 0) + 1;
    }
  }
  const plannedIds = new Set(types.keys());
  let doneExactlyOnce = 0;
  let journaledOnce = 0;
  const notOnce: string[] = [];
  for (const action of input.planned) {
    const statuses = outcomes.get(action.id) ?? [];
    const once = intents.get(action.id) === 1 && statuses.length === 1;
    if (once) journaledOnce++;
    if (once && statuses[0] === 'done') doneExactlyOnce++;
    // A deactivation must be done; a notice with no channel to carry it is journaled as skipped, rightly.
    if (!once || (action.type === 'deactivate-key' && statuses[0] !== 'done')) {
      notOnce.push(
        `${action.id} (${intents.get(action.id) ?? 0} intent(s), outcomes: ${statuses.join(', ') || 'none'})`,
      );
    }
  }
  if (notOnce.length > 0) {
    problems.push(
      `journal: ${notOnce.length} planned action(s) not carried out exactly once, e.g. ${notOnce.slice(0, 3).join('; ')}`,
    );
  }
  const unplanned = [...intents.keys()].filter((id) => !plannedIds.has(id));
  if (unplanned.length > 0) {
    problems.push(
      `journal: ${unplanned.length} action(s) not in the plan, e.g. ${unplanned.slice(0, 3).join(', ')}`,
    );
  }

  let deactivatedInEmulator = 0;
  const wrong: string[] = [];
  for (const [id, status] of input.after) {
    const was = input.before.get(id);
    if (was === 'Active' && status === 'Inactive') deactivatedInEmulator++;
    const expected = due.has(id) ? 'Inactive' : was;
    if (status !== expected) wrong.push(`${id} ${was ?? 'absent'} → ${status}`);
  }
  for (const id of input.before.keys()) if (!input.after.has(id)) wrong.push(`${id} deleted`);
  if (wrong.length > 0) {
    problems.push(`emulator: ${wrong.length} key(s) not as planned, e.g. ${wrong.slice(0, 3).join('; ')}`);
  }
  if (input.updateAccessKeySucceeded !== due.size) {
    problems.push(
      `emulator: ${input.updateAccessKeySucceeded} UpdateAccessKey calls carried out, ${due.size} expected`,
    );
  }
  return {
    plannedActions: input.planned.length,
    plannedDeactivations: deactivations.length,
    doneExactlyOnce,
    journaledOnce,
    outcomes: byStatus,
    deactivatedInEmulator,
    updateAccessKeySucceeded: input.updateAccessKeySucceeded,
    problems,
  };
}
