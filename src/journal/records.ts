/**
 * The journal's records and what can be read from them: journal facts for the planner, runs that
 * stopped part-way, history rows, and what an undo can and cannot reverse. Pure: the file adapter
 * is journal.ts.
 *
 * A run writes `run-started`, then for each action an `intent` (before it touches AWS) and an
 * `outcome` (after), then `run-finished`. Every outcome follows the intent of the same action in
 * the same run. Records never hold a secret.
 */
import { journalFactsFrom } from '../core/plan/facts.js';
import type { Action, JournalFacts } from '../core/plan/types.js';

/** Undo: makes a key the given run deactivated Active again. */
export interface ReactivateKeyAction {
  /** `<accountId>/<userName>/<accessKeyId>/reactivate-key/undo`. */
  readonly id: string;
  readonly type: 'reactivate-key';
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string;
  readonly reason: string;
  /** The deactivate-key action being undone. */
  readonly undoes: string;
}

/**
 * Deactivates, then deletes, a key whose secret nobody holds: created by a run that stopped (or
 * failed) before the key was stored in Secrets Manager.
 */
export interface CleanupKeyAction {
  /** `<accountId>/<userName>/<accessKeyId>/cleanup-key/<stage>` (stage of the create-key, or `resume`). */
  readonly id: string;
  readonly type: 'cleanup-key';
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string;
  readonly reason: string;
  /** The create-key action that made the key. */
  readonly createKeyActionId: string;
}

export type JournalAction = Action | ReactivateKeyAction | CleanupKeyAction;
export type JournalActionType = JournalAction['type'];

export type RunCommand = 'apply' | 'rotate' | 'undo' | 'resume';
export type OutcomeStatus = 'done' | 'skipped' | 'failed';

export interface JournalDelivery {
  readonly channel: string;
  readonly recipient: string;
  readonly status: string;
  readonly messageId: string | null;
}

export type JournalRecord =
  | {
      readonly v: 1;
      readonly type: 'run-started';
      readonly runId: string;
      readonly at: string;
      readonly command: RunCommand;
      /** The interrupted run this one completes (command `resume`); else null. */
      readonly resumeOf: string | null;
      readonly planned: number;
      readonly deferred: number;
    }
  | {
      readonly v: 1;
      readonly type: 'intent';
      readonly runId: string;
      readonly at: string;
      readonly actionId: string;
      readonly action: JournalAction;
    }
  | {
      readonly v: 1;
      readonly type: 'outcome';
      readonly runId: string;
      readonly at: string;
      readonly actionId: string;
      readonly status: OutcomeStatus;
      readonly reason: string | null;
      /** `$metadata.requestId` of the call that made the change; null when nothing was called. */
      readonly requestId: string | null;
      readonly newAccessKeyId?: string;
      readonly secretArn?: string;
      readonly deliveries?: readonly JournalDelivery[];
    }
  | {
      readonly v: 1;
      readonly type: 'run-finished';
      readonly runId: string;
      readonly at: string;
      readonly done: number;
      readonly skipped: number;
      readonly failed: number;
      readonly deferred: number;
    };

type IntentRecord = Extract<JournalRecord, { type: 'intent' }>;
type OutcomeRecord = Extract<JournalRecord, { type: 'outcome' }>;
type StartedRecord = Extract<JournalRecord, { type: 'run-started' }>;

/** A journal line that is not a record; `line` is 1-based. */
export class JournalParseError extends Error {
  override readonly name = 'JournalParseError';
  constructor(
    message: string,
    readonly line: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const RECORD_TYPES = new Set(['run-started', 'intent', 'outcome', 'run-finished']);
const COMMANDS = new Set<string>(['apply', 'rotate', 'undo', 'resume']);
const STATUSES = new Set<string>(['done', 'skipped', 'failed']);

/**
 * Parses JSON lines. A bad last line without its newline is what a crash mid-write leaves: it is
 * dropped with a warning (its action had not started: the intent is flushed before acting). Any
 * other bad line throws a {@link JournalParseError} naming the line, because guessing past it could
 * delete a key early or send a notice twice.
 */
export function parseJournal(text: string): { records: JournalRecord[]; warnings: string[] } {
  const lines = text.split('\n');
  const torn = !text.endsWith('\n') && text.length > 0;
  const records: JournalRecord[] = [];
  const warnings: string[] = [];
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (raw.trim() === '') return;
    const problem = recordProblem(raw);
    if (problem.record !== null) {
      records.push(problem.record);
      return;
    }
    if (torn && index === lines.length - 1) {
      warnings.push(
        `journal line ${lineNo}: incomplete last record ignored (${problem.error}); ` +
          'the process probably stopped while writing it',
      );
      return;
    }
    throw new JournalParseError(
      `journal line ${lineNo}: ${problem.error}; the journal is append-only JSON lines, so restore or remove that line by hand`,
      lineNo,
    );
  });
  return { records, warnings };
}

function recordProblem(
  raw: string,
): { record: JournalRecord; error: null } | { record: null; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { record: null, error: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const error = shapeProblem(value);
  return error === null ? { record: value as JournalRecord, error: null } : { record: null, error };
}

function shapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (r.v !== 1) return `unsupported record version ${JSON.stringify(r.v)} (expected 1)`;
  if (typeof r.type !== 'string' || !RECORD_TYPES.has(r.type)) {
    return `unknown record type ${JSON.stringify(r.type)}`;
  }
  if (typeof r.runId !== 'string' || r.runId === '') return 'runId missing';
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) {
    return `at is not a timestamp (got ${JSON.stringify(r.at)})`;
  }
  const counts = (names: readonly string[]) => names.find((n) => !Number.isInteger(r[n]));
  switch (r.type) {
    case 'run-started': {
      if (typeof r.command !== 'string' || !COMMANDS.has(r.command)) {
        return `unknown command ${JSON.stringify(r.command)}`;
      }
      if (r.resumeOf !== null && typeof r.resumeOf !== 'string') return 'resumeOf must be a run id or null';
      const bad = counts(['planned', 'deferred']);
      return bad === undefined ? null : `${bad} must be a whole number`;
    }
    case 'intent': {
      if (typeof r.actionId !== 'string') return 'actionId missing';
      const a = r.action as Record<string, unknown> | null | undefined;
      if (typeof a !== 'object' || a === null) return 'action missing';
      for (const field of ['id', 'type', 'accountId', 'userName'] as const) {
        if (typeof a[field] !== 'string') return `action.${field} missing`;
      }
      return a.id === r.actionId ? null : `action.id ${JSON.stringify(a.id)} differs from actionId`;
    }
    case 'outcome': {
      if (typeof r.actionId !== 'string') return 'actionId missing';
      if (typeof r.status !== 'string' || !STATUSES.has(r.status)) {
        return `unknown status ${JSON.stringify(r.status)}`;
      }
      return null;
    }
    default: {
      const bad = counts(['done', 'skipped', 'failed', 'deferred']);
      return bad === undefined ? null : `${bad} must be a whole number`;
    }
  }
}

/** The subject key of a journal action: the key it changes (create/store: the key replaced). */
export function actionAccessKeyId(action: JournalAction): string | null {
  switch (action.type) {
    case 'create-key':
    case 'store-secret':
      return action.replacesAccessKeyId;
    case 'deactivate-key':
    case 'delete-key':
    case 'reactivate-key':
    case 'cleanup-key':
    case 'notify':
      return action.accessKeyId;
    case 'delete-login-profile':
      return null;
    default:
      return assertNever(action);
  }
}

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

/**
 * What the planner needs from the journal. `deactivatedAt` is the latest deactivation per key: a
 * done deactivate-key, or one whose run stopped before its outcome (IAM may have applied it; the
 * later date only delays a delete). A later done reactivate-key clears it. `notified` holds the ids
 * of notify actions delivered on at least one channel.
 */
export function factsFromJournal(records: readonly JournalRecord[]): JournalFacts {
  const runs = runsOf(records);
  const deactivatedAt: Record<string, string> = {};
  const notified = new Set<string>();
  const keyOf = (a: { accountId: string; accessKeyId: string }) => `${a.accountId}/${a.accessKeyId}`;
  // Journal order decides what is latest: clocks may repeat a timestamp (a fixed --now).
  for (const r of records) {
    if (r.type === 'intent') {
      const a = r.action;
      const entry = runs.get(r.runId)?.byActionId.get(r.actionId);
      if (a.type === 'deactivate-key' && entry?.intent === r && entry.outcome === null) {
        deactivatedAt[keyOf(a)] = r.at;
      }
      continue;
    }
    if (r.type !== 'outcome' || r.status !== 'done') continue;
    const a = runs.get(r.runId)?.byActionId.get(r.actionId)?.intent.action;
    if (a === undefined) continue;
    if (a.type === 'deactivate-key') deactivatedAt[keyOf(a)] = r.at;
    else if (a.type === 'reactivate-key') delete deactivatedAt[keyOf(a)];
    else if (a.type === 'notify') notified.add(a.id);
  }
  return journalFactsFrom({ deactivatedAt, notified });
}

/** A key created by a run whose secret was never stored: nobody can use it, so it is deleted. */
export interface UnstoredKey {
  readonly accountId: string;
  readonly userName: string;
  /** From the create-key outcome; null when the run stopped before that outcome was written. */
  readonly accessKeyId: string | null;
  /** The key the new one was to replace; never the one to delete. */
  readonly replacesAccessKeyId: string;
  readonly createIntentAt: string;
  readonly createActionId: string;
}

export interface IncompleteRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly command: RunCommand;
  /** Intents without an outcome, in journal order. */
  readonly pendingIntents: readonly JournalAction[];
  readonly unstoredKeys: readonly UnstoredKey[];
}

/**
 * Runs that started and never finished, oldest first, except those a later `resume` run (with
 * `resumeOf` naming them) finished.
 */
export function incompleteRuns(records: readonly JournalRecord[]): IncompleteRun[] {
  const runs = runsOf(records);
  const recovered = new Set<string>();
  for (const run of runs.values()) {
    if (run.finished && run.started?.resumeOf) recovered.add(run.started.resumeOf);
  }
  const out: IncompleteRun[] = [];
  for (const run of runs.values()) {
    const started = run.started;
    if (started === null || run.finished || recovered.has(run.runId)) continue;
    const stored = new Set<string>();
    for (const { intent, outcome } of run.actions) {
      if (intent.action.type === 'store-secret' && outcome?.status === 'done') {
        stored.add(intent.action.createKeyActionId);
      }
    }
    const cleaned = new Set<string>();
    for (const { intent, outcome } of run.actions) {
      if (intent.action.type === 'cleanup-key' && outcome?.status === 'done') {
        cleaned.add(intent.action.accessKeyId);
      }
    }
    const unstoredKeys: UnstoredKey[] = [];
    for (const { intent, outcome } of run.actions) {
      const action = intent.action;
      if (action.type !== 'create-key' || stored.has(action.id)) continue;
      if (outcome !== null && outcome.status !== 'done') continue;
      const accessKeyId = outcome?.newAccessKeyId ?? null;
      if (accessKeyId !== null && cleaned.has(accessKeyId)) continue;
      unstoredKeys.push({
        accountId: action.accountId,
        userName: action.userName,
        accessKeyId,
        replacesAccessKeyId: action.replacesAccessKeyId,
        createIntentAt: intent.at,
        createActionId: action.id,
      });
    }
    out.push({
      runId: run.runId,
      startedAt: started.at,
      command: started.command,
      pendingIntents: run.actions.filter((a) => a.outcome === null).map((a) => a.intent.action),
      unstoredKeys,
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
  /** `intent`: started and never finished (the run stopped). */
  readonly status: 'intent' | OutcomeStatus;
  readonly reason: string | null;
}

/** One row per journaled action, in journal order (intent order). */
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
        status: outcome?.status ?? 'intent',
        reason: outcome?.reason ?? null,
      });
    }
  }
  return rows;
}

export interface ReactivationTarget {
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string;
  /** The deactivate-key action being undone. */
  readonly actionId: string;
}

export interface CannotUndo {
  readonly actionId: string;
  readonly type: string;
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string | null;
  readonly reason: string;
}

/**
 * What undoing `runId` means: reactivate each key it deactivated (the apply step re-checks that
 * the key still exists and is Inactive) and name what cannot be reversed. Only done actions count.
 */
export function undoableActions(
  records: readonly JournalRecord[],
  runId: string,
): { reactivate: ReactivationTarget[]; cannotUndo: CannotUndo[] } {
  const run = runsOf(records).get(runId);
  const reactivate: ReactivationTarget[] = [];
  const cannotUndo: CannotUndo[] = [];
  for (const { intent, outcome } of run?.actions ?? []) {
    if (outcome?.status !== 'done') continue;
    const a = intent.action;
    const cannot = (accessKeyId: string | null, reason: string) =>
      cannotUndo.push({
        actionId: a.id,
        type: a.type,
        accountId: a.accountId,
        userName: a.userName,
        accessKeyId,
        reason,
      });
    switch (a.type) {
      case 'deactivate-key':
        reactivate.push({
          accountId: a.accountId,
          userName: a.userName,
          accessKeyId: a.accessKeyId,
          actionId: a.id,
        });
        break;
      case 'delete-key':
        cannot(a.accessKeyId, `access key ${a.accessKeyId} was deleted; IAM cannot restore a deleted key`);
        break;
      case 'cleanup-key':
        cannot(
          a.accessKeyId,
          `access key ${a.accessKeyId} was deleted (its secret was never stored); IAM cannot restore a deleted key`,
        );
        break;
      case 'delete-login-profile':
        cannot(
          null,
          `the console password of ${a.userName} was deleted; set a new one with iam create-login-profile`,
        );
        break;
      case 'create-key':
        cannot(
          a.replacesAccessKeyId,
          `the replacement key ${outcome.newAccessKeyId ?? '(unknown id)'} stays (secret ${a.secretName}); ` +
            'delete it by hand if it is not wanted',
        );
        break;
      case 'store-secret':
      case 'notify':
      case 'reactivate-key':
        break;
      default:
        assertNever(a);
    }
  }
  return { reactivate, cannotUndo };
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
