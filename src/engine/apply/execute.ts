/**
 * The executor: carries out a plan that is already capped, one action at a time, journaling an
 * intent before and an outcome after each. It decides nothing: every change first re-reads the
 * user's live state and is skipped when that no longer matches the plan; when an action is skipped
 * or fails, the later actions of its chain are skipped; other chains go on. Notices go to the
 * notifier once, at the end, for the chains whose changes all succeeded; their intents are
 * journaled as soon as the chain completes, so a resume can still send them after a crash.
 */

import { cleanupKey } from '../../aws/apply/cleanup-key.js';
import { executeAction } from '../../aws/apply/registry.js';
import type { ExecutorState } from '../../aws/apply/state.js';
import { type RemediationClients, UnsettledOutcomeError } from '../../aws/apply/types.js';
import type { Notifier } from '../../channels/types.js';
import type { RunCommand } from '../../core/journal/records.js';
import { type ActionOutcome, type ActionResult, type IntentStamp, skipped } from '../../core/plan/outcome.js';
import { cleanupKeyAction } from '../../core/plan/recovery.js';
import type { Action, CreateKeyAction, NotifyAction, Plan } from '../../core/plan/types.js';
import type { RemediationConfig } from '../../core/policy/types.js';
import type { Journal } from '../../journal/journal.js';
import { deliverNotices } from './notices.js';
import { type RecorderOptions, RunRecorder, resultOf } from './recorder.js';

export interface ExecuteOptions extends RecorderOptions {
  readonly runId: string;
  readonly journal: Journal;
  /** Secret KMS key and tags for new keys. */
  readonly remediation: RemediationConfig;
  /** Null: notify actions are recorded as skipped ('no notification channel configured'). */
  readonly notifier: Notifier | null;
  /** Default `apply`. */
  readonly command?: RunCommand;
  /** The run this one completes, for `resume`; default null. */
  readonly resumeOf?: string | null;
  /**
   * Asked before each action: true stops the run there (a signal). The action in flight finishes,
   * with its outcome, and so does storing the secret of a key it just created; nothing else starts,
   * and the run is left unfinished for `apply --resume`.
   */
  readonly shouldStop?: () => boolean;
}

export interface ExecuteResult {
  readonly runId: string;
  readonly results: readonly ActionResult[];
  /** True when `shouldStop` ended the run early, or an outcome could not be settled; it is then unfinished in the journal. */
  readonly stopped: boolean;
  /** Why the run stopped at a change whose outcome is unknown and could not be read back. */
  readonly unsettled?: string;
}

type ChangeAction = Exclude<Action, NotifyAction>;

/** The action executors' state, and the recorder this run journals through. */
type RunState = ExecutorState & { readonly recorder: RunRecorder };

/** Carries out `plan.actions` in order and reports `plan.deferred` as deferred (not journaled). */
export async function executePlan(plan: Plan, options: ExecuteOptions): Promise<ExecuteResult> {
  const recorder = new RunRecorder(options, options.runId);
  await recorder.start(
    options.command ?? 'apply',
    options.resumeOf ?? null,
    plan.actions.length,
    plan.deferred.length,
  );
  const state: RunState = {
    recorder,
    now: () => recorder.now(),
    remediation: options.remediation,
    pending: new Map(),
    strays: [],
    notices: [],
  };

  const slots: ActionResult[][] = plan.actions.map(() => []);
  const slotOf = new Map(plan.actions.map((a, i) => [a.id, i] as const));
  const lastChange = new Map<string, number>();
  const noticesOf = new Map<string, NotifyAction[]>();
  for (const [i, a] of plan.actions.entries()) {
    if (a.type !== 'notify') lastChange.set(a.chainId, i);
    else noticesOf.set(a.chainId, [...(noticesOf.get(a.chainId) ?? []), a]);
  }
  const broken = new Map<string, string>();
  const queued = new Set<string>();
  const notices: NotifyAction[] = [];
  /** Journals a notice's intent and queues it for delivery at the end, its result in `slot`. */
  const queueNotice = async (a: NotifyAction, slot: number) => {
    if (queued.has(a.id)) return;
    queued.add(a.id);
    slotOf.set(a.id, slot);
    const refused = await recorder.intent(a);
    if (refused !== null) slots[slot]?.push(await recorder.outcome(a, refused));
    else notices.push(a);
  };
  const queueNotices = async (chainId: string) => {
    for (const a of noticesOf.get(chainId) ?? []) await queueNotice(a, slotOf.get(a.id) ?? 0);
  };

  for (const [index, action] of plan.actions.entries()) {
    const storesNewKey = action.type === 'store-secret' && state.pending.has(action.createKeyActionId);
    if (options.shouldStop?.() && !storesNewKey) {
      return { runId: options.runId, results: slots.flat(), stopped: true };
    }
    const slot = slots[index] as ActionResult[];
    const why = broken.get(action.chainId);
    if (why !== undefined) {
      await recorder.intent(action, { claim: false });
      slot.push(await recorder.outcome(action, skipped(why)));
      continue;
    }
    if (action.type === 'notify') {
      await queueNotices(action.chainId);
      continue;
    }
    // Storing a key this run just created goes ahead even if the lease was lost meanwhile: its
    // secret exists only in this process.
    let result: ActionResult;
    try {
      result = await recorder.record(action, (clients, intent) => runChange(state, action, clients, intent), {
        keepLease: !storesNewKey,
      });
    } catch (error) {
      if (!(error instanceof UnsettledOutcomeError)) throw error;
      // Left without an outcome, like a crash: nothing else starts; a resume settles it.
      return { runId: options.runId, results: slots.flat(), stopped: true, unsettled: error.message };
    }
    slot.push(result);
    // Notices the action found it must send (a key Keywarden did not make): their results follow it.
    for (const notice of state.notices.splice(0)) await queueNotice(notice, index);
    if (result.status !== 'done') {
      broken.set(
        action.chainId,
        `not attempted: ${action.type} ${action.id} of the same chain was ${result.status}`,
      );
    } else if (lastChange.get(action.chainId) === index) {
      await queueNotices(action.chainId);
    }
    await cleanUpStrays(state, slot);
    await cleanUpUnstored(state, action, slot);
  }

  // A create-key whose store-secret was not in the plan (never planned that way; a safety net).
  for (const { action } of [...state.pending.values()]) {
    await cleanUpUnstored(state, action, slots[slotOf.get(action.id) ?? 0] ?? [], true);
  }

  for (const result of await deliverNotices(recorder, options.notifier, notices, options.now)) {
    slots[slotOf.get(result.actionId) ?? 0]?.push(result);
  }

  const deferredReason = `deferred: this run's cap of ${plan.maxActions ?? plan.actions.length} changes (remediation.maxActions) was reached; a later run applies it`;
  const deferred = plan.deferred.map((a) =>
    recorder.unjournaled(resultOf(a, 'deferred', deferredReason, undefined)),
  );
  await recorder.finish(deferred.length);
  return { runId: options.runId, results: [...slots.flat(), ...deferred], stopped: false };
}

function runChange(
  state: ExecutorState,
  action: ChangeAction,
  clients: RemediationClients,
  intent: IntentStamp,
): Promise<ActionOutcome> {
  return executeAction(action, { state, clients, intent });
}

/** Keys a CreateAccessKey made although its answer was lost: removed if never used (someone may hold a used one). */
async function cleanUpStrays(state: RunState, extra: ActionResult[]): Promise<void> {
  for (const { create, accessKeyId } of state.strays.splice(0)) {
    const action = cleanupKeyAction(create, accessKeyId, create.stage, "its call's answer was lost", true);
    extra.push(await state.recorder.record(action, (c) => cleanupKey(action, c.iam), { keepLease: false }));
  }
}

/**
 * After a create-key or store-secret: a key created in this run whose secret was not stored (the
 * store failed) can never be handed to anyone, so it is deactivated and deleted now. With `force`,
 * also when its store-secret has not run (the end of the run).
 */
async function cleanUpUnstored(
  state: RunState,
  action: ChangeAction,
  extra: ActionResult[],
  force = false,
): Promise<void> {
  const createId =
    action.type === 'store-secret'
      ? action.createKeyActionId
      : action.type === 'create-key' && force
        ? action.id
        : null;
  if (createId === null) return;
  const pending = state.pending.get(createId);
  if (pending === undefined || (pending.key !== null && !force)) return;
  state.pending.delete(createId);
  pending.key = null;
  const create: CreateKeyAction = pending.action;
  const cleanup = cleanupKeyAction(
    create,
    pending.accessKeyId,
    create.stage,
    'its secret could not be stored',
    false,
  );
  extra.push(await state.recorder.record(cleanup, (c) => cleanupKey(cleanup, c.iam), { keepLease: false }));
}
