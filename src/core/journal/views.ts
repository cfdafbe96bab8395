/**
 * What can be read from the journal's records: journal facts for the planner, runs that stopped
 * part-way, history rows, and a run's done actions for undo. Pure: the adapters read the records.
 */

import { actionAccessKeyId } from '../actions/registry.js';
import { type JournalFactsData, journalFactsFrom } from '../plan/facts.js';
import type { KeyEventKind } from '../plan/key-history.js';
import type { DoneAction, OrphanedKey } from '../plan/recovery.js';
import {
  type AnyAction,
  DEACTIVATION_STAGES,
  type JournalFacts,
  type NotifyAction,
  type StoreSecretAction,
} from '../plan/types.js';
import type {
  IntentRecord,
  JournalRecord,
  OutcomeRecord,
  OutcomeStatus,
  RunCommand,
  StartedRecord,
} from './records.js';

/** One action of one run: its intent and, unless the run stopped first, its outcome. */
interface ActionEntry {
  readonly intent: IntentRecord;
  outcome: OutcomeRecord | null;
}

interface RunView {
  readonly runId: string;
  started: StartedRecord | null;
  finished: boolean;
  /** In intent order. */
  readonly actions: ActionEntry[];
  readonly byActionId: Map<string, ActionEntry>;
}

/** Groups records by run, pairing each outcome with the latest intent of its action in that run. */
function runsOf(records: readonly JournalRecord[]): Map<string, RunView> {
  const runs = new Map<string, RunView>();
  const view = (runId: string): RunView => {
    let run = runs.get(runId);
    if (run === undefined) {
      run = { runId, started: null, finished: false, actions: [], byActionId: new Map() };
      runs.set(runId, run);
    }
    return run;
  };
  for (const r of records) {
    const run = view(r.runId);
    switch (r.type) {
      case 'run-started':
        run.started = r;
        break;
      case 'run-finished':
        run.finished = true;
        break;
      case 'intent': {
        const entry: ActionEntry = { intent: r, outcome: null };
        run.actions.push(entry);
        run.byActionId.set(r.actionId, entry);
        break;
      }
      case 'outcome': {
        const entry = run.byActionId.get(r.actionId);
        if (entry !== undefined) entry.outcome = r;
        break;
      }
      default:
        assertNever(r);
    }
  }
  return runs;
}

/** True when the journal has a run with this id. */
export function hasRun(records: readonly JournalRecord[], runId: string): boolean {
  return records.some((r) => r.runId === runId);
}

/**
 * What the planner needs from the journal. `keyEvents` lists, per key and in journal order, what
 * Keywarden recorded of its status: a done deactivate-key, one whose run stopped before its
 * outcome (IAM may have applied it), a done note-inactive (its first sighting as inactive), a done
 * note-active (seen Active again) and a done reactivate-key (which also sets the hold an undo asked
 * for). When an inactive window starts is decided in the core, with live state
 * (src/core/plan/key-history.ts). `notified` holds the ids of notify actions delivered on at least one channel; a notice journaled
 * and never delivered is pending. A done create-key starts a rotation in progress, which its old
 * key's deactivation or deletion (or the new key's cleanup) ends.
 */
export function factsFromJournal(records: readonly JournalRecord[]): JournalFacts {
  const runs = runsOf(records);
  const keyOf = (a: { accountId: string; accessKeyId: string }) => `${a.accountId}/${a.accessKeyId}`;
  const keyEvents: Record<string, { kind: KeyEventKind; at: string }[]> = {};
  const event = (a: { accountId: string; accessKeyId: string }, kind: KeyEventKind, at: string) => {
    const events = keyEvents[keyOf(a)] ?? [];
    events.push({ kind, at });
    keyEvents[keyOf(a)] = events;
  };
  const notified = new Set<string>();
  const notices = new Map<string, NotifyAction>();
  /** `<runId>|<chainId>` of chains a change of which was skipped or failed in that run. */
  const broken = new Set<string>();
  const holds: Record<string, { until: string; runId: string }> = {};
  const rotations = new Map<string, RotationData>();
  // Journal order decides what is latest: clocks may repeat a timestamp (a fixed --now).
  for (const r of records) {
    if (r.type === 'intent') {
      const a = r.action;
      const entry = runs.get(r.runId)?.byActionId.get(r.actionId);
      if (a.type === 'deactivate-key' && entry?.intent === r && entry.outcome === null) {
        event(a, 'deactivation-unconfirmed', r.at);
      }
      // A notice of a chain whose change did not happen in that run tells of nothing: not pending.
      if (a.type === 'notify' && !broken.has(`${r.runId}|${a.chainId}`)) notices.set(a.id, a);
      continue;
    }
    if (r.type !== 'outcome') continue;
    const a = runs.get(r.runId)?.byActionId.get(r.actionId)?.intent.action;
    if (a === undefined) continue;
    if (r.status !== 'done') {
      if (a.type !== 'notify' && 'chainId' in a) broken.add(`${r.runId}|${a.chainId}`);
      continue;
    }
    switch (a.type) {
      case 'deactivate-key':
      case 'note-inactive':
        event(a, a.type === 'deactivate-key' ? 'deactivated' : 'seen-inactive', r.at);
        rotations.delete(keyOf(a));
        break;
      case 'note-active':
        event(a, 'seen-active', r.at);
        dropDeactivationNotices(notices, a);
        break;
      case 'reactivate-key':
        event(a, 'reactivated', r.at);
        if (a.holdUntil) holds[keyOf(a)] = { until: a.holdUntil, runId: r.runId };
        // A notice of the deactivation an undo reversed would now be wrong: it is not sent.
        dropDeactivationNotices(notices, a);
        break;
      case 'notify':
        notified.add(a.id);
        break;
      case 'create-key':
        if (r.newAccessKeyId !== undefined) {
          rotations.set(`${a.accountId}/${a.replacesAccessKeyId}`, {
            accountId: a.accountId,
            userName: a.userName,
            oldAccessKeyId: a.replacesAccessKeyId,
            newAccessKeyId: r.newAccessKeyId,
            runId: r.runId,
            deactivateFrom: a.deactivateFrom ?? null,
          });
        }
        break;
      case 'delete-key':
        rotations.delete(keyOf(a));
        break;
      case 'cleanup-key':
        for (const [k, rotation] of rotations) {
          if (rotation.newAccessKeyId === a.accessKeyId) rotations.delete(k);
        }
        break;
      default:
        // store-secret, delete-login-profile and the actions rules remediate findings with: no fact
        // the planner reads.
        break;
    }
  }
  return journalFactsFrom({
    keyEvents,
    notified,
    pendingNotices: [...notices.values()].filter((n) => !notified.has(n.id)),
    holds,
    rotations: [...rotations.values()],
  });
}

type RotationData = NonNullable<JournalFactsData['rotations']>[number];

/** Forgets the pending notices that a key was deactivated: it is Active again. */
function dropDeactivationNotices(
  notices: Map<string, NotifyAction>,
  key: { readonly accountId: string; readonly accessKeyId: string },
): void {
  for (const [id, n] of notices) {
    if (
      n.accountId === key.accountId &&
      n.accessKeyId === key.accessKeyId &&
      DEACTIVATION_STAGES.has(n.stage)
    ) {
      notices.delete(id);
    }
  }
}

export interface IncompleteRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly command: RunCommand;
  /** Intents without an outcome, in journal order. */
  readonly pendingIntents: readonly AnyAction[];
  readonly orphanedKeys: readonly OrphanedKey[];
}

/**
 * Runs that started and never finished, oldest first, except those a later `resume` run (with
 * `resumeOf` naming them) finished. With `accountId`, only the runs of that account: a run that
 * names its account, or whose actions are all in it. In a journal several accounts share, a run of
 * another account may be going on right now; it is that account's to resume.
 */
export function incompleteRuns(
  records: readonly JournalRecord[],
  filter: { readonly accountId?: string | null } = {},
): IncompleteRun[] {
  const runs = runsOf(records);
  const recovered = new Set<string>();
  for (const run of runs.values()) {
    if (run.finished && run.started?.resumeOf) recovered.add(run.started.resumeOf);
  }
  const account = filter.accountId ?? null;
  const inAccount = (run: RunView, started: StartedRecord) =>
    account === null ||
    (started.accountId ?? null) === account ||
    (started.accountId === undefined && run.actions.every((a) => a.intent.action.accountId === account));
  const out: IncompleteRun[] = [];
  for (const run of runs.values()) {
    const started = run.started;
    if (started === null || run.finished || recovered.has(run.runId) || !inAccount(run, started)) continue;
    const stored = new Set<string>();
    const cleaned = new Set<string>();
    for (const { intent, outcome } of run.actions) {
      if (outcome?.status !== 'done') continue;
      if (intent.action.type === 'store-secret') stored.add(intent.action.createKeyActionId);
      if (intent.action.type === 'cleanup-key') cleaned.add(intent.action.accessKeyId);
    }
    const orphanedKeys: OrphanedKey[] = [];
    for (const { intent, outcome } of run.actions) {
      const action = intent.action;
      if (action.type !== 'create-key' || stored.has(action.id)) continue;
      if (outcome !== null && outcome.status !== 'done') continue;
      const accessKeyId = outcome?.newAccessKeyId ?? null;
      if (accessKeyId !== null && cleaned.has(accessKeyId)) continue;
      const store = run.actions
        .map((a) => a.intent.action)
        .find((a): a is StoreSecretAction => a.type === 'store-secret' && a.createKeyActionId === action.id);
      orphanedKeys.push({
        accountId: action.accountId,
        userName: action.userName,
        accessKeyId,
        replacesAccessKeyId: action.replacesAccessKeyId,
        createIntentAt: intent.at,
        answerBy: intent.answerBy ?? null,
        recipient: action.recipient ?? null,
        rule: action.rule,
        createActionId: action.id,
        store: store ?? null,
      });
    }
    out.push({
      runId: run.runId,
      startedAt: started.at,
      command: started.command,
      pendingIntents: run.actions.filter((a) => a.outcome === null).map((a) => a.intent.action),
      orphanedKeys,
    });
  }
  return out.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
}

/**
 * Keys that a `done` create-key anywhere in the journal made. Recovery never deletes one of them
 * when it searches for a key by creation time.
 */
export function knownCreatedKeys(records: readonly JournalRecord[]): Set<string> {
  const keys = new Set<string>();
  for (const r of records) {
    if (r.type === 'outcome' && r.status === 'done' && r.newAccessKeyId !== undefined)
      keys.add(r.newAccessKeyId);
  }
  return keys;
}

export interface HistoryRow {
  /** The outcome's time, or the intent's when there is no outcome. */
  readonly at: string;
  readonly runId: string;
  readonly command: string;
  readonly actionId: string;
  readonly type: string;
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string | null;
  /** The key a rotation created (create-key and store-secret outcomes); null otherwise. */
  readonly newAccessKeyId: string | null;
  /** `intent`: started and never finished (the run stopped). */
  readonly status: 'intent' | OutcomeStatus;
  readonly reason: string | null;
}

/**
 * One row per journaled action, in time order (`at`); rows of the same time keep journal order, so
 * a run's rows stay in the order they were journaled under a fixed clock.
 */
export function historyRows(
  records: readonly JournalRecord[],
  filter: { readonly userName?: string; readonly runId?: string } = {},
): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const run of runsOf(records).values()) {
    if (filter.runId !== undefined && run.runId !== filter.runId) continue;
    const command = run.started?.command ?? 'unknown';
    for (const { intent, outcome } of run.actions) {
      const a = intent.action;
      if (filter.userName !== undefined && a.userName !== filter.userName) continue;
      rows.push({
        at: outcome?.at ?? intent.at,
        runId: run.runId,
        command,
        actionId: a.id,
        type: a.type,
        accountId: a.accountId,
        userName: a.userName,
        accessKeyId: actionAccessKeyId(a),
        newAccessKeyId: outcome?.newAccessKeyId ?? null,
        status: outcome?.status ?? 'intent',
        reason: outcome?.reason ?? null,
      });
    }
  }
  // Array.prototype.sort is stable: equal times keep journal order.
  return rows.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** The actions of `runId` that were done, in journal order, for planning its undo. */
export function doneActions(records: readonly JournalRecord[], runId: string): DoneAction[] {
  const run = runsOf(records).get(runId);
  const done: DoneAction[] = [];
  for (const { intent, outcome } of run?.actions ?? []) {
    if (outcome?.status !== 'done') continue;
    done.push({ action: intent.action, newAccessKeyId: outcome.newAccessKeyId ?? null });
  }
  return done;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
