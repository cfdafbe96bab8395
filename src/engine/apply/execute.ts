/**
 * The executor: carries out a plan that is already capped, one action at a time, journaling an
 * intent before and an outcome after each. It decides nothing: the core says what to do with each
 * action and outcome (src/core/plan/execution.ts: chains broken by a skip or failure, when a
 * chain's notices are queued, which keys are cleaned up), and every change's executor re-reads the
 * user's live state and asks its action's verdict on it (src/core/actions/<type>.ts, in the terms of
 * src/core/plan/live-checks.ts). Notices go to the notifier once, at the end; their intents are
 * journaled as soon as they are queued, so a resume can still send them after a crash.
 */

import { cleanupKey } from '../../aws/apply/cleanup-key.js';
import { executeAction } from '../../aws/apply/registry.js';
import type { ExecutorState, PendingSecret } from '../../aws/apply/state.js';
import { type RemediationClients, UnsettledOutcomeError } from '../../aws/apply/types.js';
import type { Notifier } from '../../channels/types.js';
import type { RunCommand } from '../../core/journal/records.js';
import {
  afterChange,
  type ChangeAction,
  chainLayout,
  cleanupAfterChange,
  deferredReason,
  nextStep,
  type UnstoredKey,
  unstoredCleanup,
} from '../../core/plan/execution.js';
import { type ActionOutcome, type ActionResult, type IntentStamp, skipped } from '../../core/plan/outcome.js';
import type { CleanupKeyAction, NotifyAction, Plan } from '../../core/plan/types.js';
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

  const layout = chainLayout(plan.actions);
  const slots: ActionResult[][] = plan.actions.map(() => []);
  const slotOf = new Map(plan.actions.map((a, i) => [a.id, i] as const));
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
  /** A chain's notices, each result in its own slot. */
  const queueNotices = async (chain: readonly NotifyAction[]) => {
    for (const a of chain) await queueNotice(a, slotOf.get(a.id) ?? 0);
  };

  for (const [index, action] of plan.actions.entries()) {
    const slot = slots[index] as ActionResult[];
    const run = { broken, stopRequested: options.shouldStop?.() ?? false, unstoredKeys: state.pending };
    const step = nextStep(layout, run, action);
    switch (step.kind) {
      case 'stop':
        return { runId: options.runId, results: slots.flat(), stopped: true };
      case 'skip':
        await recorder.intent(action, { claim: false });
        slot.push(await recorder.outcome(action, skipped(step.reason)));
        continue;
      case 'queue-notices':
        await queueNotices(step.notices);
        continue;
      case 'run':
        break;
      default:
        return step satisfies never;
    }
    const change = step.action;
    let result: ActionResult;
    try {
      result = await recorder.record(change, (clients, intent) => runChange(state, change, clients, intent), {
        keepLease: step.keepLease,
      });
    } catch (error) {
      if (!(error instanceof UnsettledOutcomeError)) throw error;
      // Left without an outcome, like a crash: nothing else starts; a resume settles it.
      return { runId: options.runId, results: slots.flat(), stopped: true, unsettled: error.message };
    }
    slot.push(result);
    // Notices the action found it must send (a key Keywarden did not make): their results follow it.
    for (const notice of state.notices.splice(0)) await queueNotice(notice, index);
    const after = afterChange(layout, change, index, result.status);
    switch (after.kind) {
      case 'break-chain':
        broken.set(change.chainId, after.reason);
        break;
      case 'queue-notices':
        await queueNotices(after.notices);
        break;
      case 'continue':
        break;
      default:
        after satisfies never;
    }
    for (const stray of state.strays.splice(0)) slot.push(await cleanUp(state, stray));
    const unstored = cleanupAfterChange(change, (id) => unstoredKey(state, id));
    if (unstored !== null) slot.push(await cleanUp(state, unstored));
  }

  // A create-key whose store-secret was not in the plan (never planned that way; a safety net).
  for (const pending of [...state.pending.values()]) {
    const cleanup = unstoredCleanup(unstoredView(pending));
    const result = await cleanUp(state, cleanup);
    slots[slotOf.get(pending.action.id) ?? 0]?.push(result);
  }

  for (const result of await deliverNotices(recorder, options.notifier, notices, options.now)) {
    slots[slotOf.get(result.actionId) ?? 0]?.push(result);
  }

  const deferred = plan.deferred.map((a) =>
    recorder.unjournaled(resultOf(a, 'deferred', deferredReason(plan), undefined)),
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

function unstoredView(pending: PendingSecret): UnstoredKey {
  return { create: pending.action, accessKeyId: pending.accessKeyId, secretInMemory: pending.key !== null };
}

function unstoredKey(state: ExecutorState, createKeyActionId: string): UnstoredKey | undefined {
  const pending = state.pending.get(createKeyActionId);
  return pending === undefined ? undefined : unstoredView(pending);
}

/**
 * Carries out a clean-up the core decided on. A key of this run's own leaves memory first: its
 * secret is never stored now. Not bound to the lease: the key exists only because of this run.
 */
async function cleanUp(state: RunState, cleanup: CleanupKeyAction): Promise<ActionResult> {
  const pending = state.pending.get(cleanup.createKeyActionId);
  if (pending !== undefined && pending.accessKeyId === cleanup.accessKeyId) {
    state.pending.delete(cleanup.createKeyActionId);
    pending.key = null;
  }
  return state.recorder.record(cleanup, (c) => cleanupKey(cleanup, c.iam), { keepLease: false });
}
