/**
 * How a run carries out its plan, decided from the plan and what happened so far; the executor
 * (src/engine/apply/execute.ts) carries each decision out, journals it and reports it.
 * - A change that is skipped or fails breaks its chain: the chain's later actions are skipped, and
 *   other chains go on.
 * - A chain's notices are queued when its last change is done (a chain of notices only: where they
 *   stand in the plan); all are delivered at the end of the run, in one call.
 * - A stop request ends the run before the next action, except the store of a key this run just
 *   created: its secret exists only in this process.
 * - A key this run created and could not store is deleted: nobody can ever use it. (A key made by a
 *   call whose answer was lost is settled by `settleLostCreate` in recovery.ts.)
 */
import type { ActionResult } from './outcome.js';
import { cleanupKeyAction } from './recovery.js';
import type { Action, CleanupKeyAction, CreateKeyAction, NotifyAction, Plan } from './types.js';

/** An action that changes (or re-reads) AWS: everything but a notice. */
export type ChangeAction = Exclude<Action, NotifyAction>;

/** What the plan says about its chains, read once: where each chain's changes end, and its notices. */
export interface ChainLayout {
  /** By chain id: the index in `plan.actions` of the chain's last change. */
  readonly lastChange: ReadonlyMap<string, number>;
  /** By chain id: the chain's notices, in plan order. */
  readonly notices: ReadonlyMap<string, readonly NotifyAction[]>;
}

/** Read once per run, so each decision about a chain is a look-up. */
export function chainLayout(actions: readonly Action[]): ChainLayout {
  const lastChange = new Map<string, number>();
  const notices = new Map<string, NotifyAction[]>();
  for (const [i, a] of actions.entries()) {
    if (a.type !== 'notify') lastChange.set(a.chainId, i);
    else notices.set(a.chainId, [...(notices.get(a.chainId) ?? []), a]);
  }
  return { lastChange, notices };
}

/** What the run knows when it reaches an action. */
export interface RunSoFar {
  /** By chain id: why the chain's remaining actions are not attempted (see {@link afterChange}). */
  readonly broken: ReadonlyMap<string, string>;
  /** True when a stop was asked for (a signal). */
  readonly stopRequested: boolean;
  /** Create-key action ids whose key this run made and has neither stored nor cleaned up yet. */
  readonly unstoredKeys: { has(createKeyActionId: string): boolean };
}

export type NextStep =
  /** The run ends here, unfinished in the journal, for `apply --resume`. */
  | { readonly kind: 'stop' }
  /** Journaled as skipped without being attempted. */
  | { readonly kind: 'skip'; readonly reason: string }
  /** The notices are journaled and queued for delivery at the end (each once). */
  | { readonly kind: 'queue-notices'; readonly notices: readonly NotifyAction[] }
  /**
   * The change runs. `keepLease` false: it goes ahead even if the account's lease was lost
   * meanwhile (storing a key this run just created).
   */
  | { readonly kind: 'run'; readonly action: ChangeAction; readonly keepLease: boolean };

/** True for the store of a key this run created: its secret exists only in this process. */
function storesNewKey(action: Action, unstoredKeys: RunSoFar['unstoredKeys']): boolean {
  return action.type === 'store-secret' && unstoredKeys.has(action.createKeyActionId);
}

/** What to do with the next action of the plan. */
export function nextStep(layout: ChainLayout, run: RunSoFar, action: Action): NextStep {
  const storing = storesNewKey(action, run.unstoredKeys);
  if (run.stopRequested && !storing) return { kind: 'stop' };
  const why = run.broken.get(action.chainId);
  if (why !== undefined) return { kind: 'skip', reason: why };
  if (action.type === 'notify') {
    return { kind: 'queue-notices', notices: layout.notices.get(action.chainId) ?? [] };
  }
  return { kind: 'run', action, keepLease: !storing };
}

export type AfterChange =
  /** The chain's later actions are skipped with this reason. */
  | { readonly kind: 'break-chain'; readonly reason: string }
  /** The chain's last change is done: its notices are queued. */
  | { readonly kind: 'queue-notices'; readonly notices: readonly NotifyAction[] }
  | { readonly kind: 'continue' };

/** What a change's outcome means for its chain; `index` is its place in `plan.actions`. */
export function afterChange(
  layout: ChainLayout,
  action: ChangeAction,
  index: number,
  status: ActionResult['status'],
): AfterChange {
  if (status !== 'done') {
    return {
      kind: 'break-chain',
      reason: `not attempted: ${action.type} ${action.id} of the same chain was ${status}`,
    };
  }
  if (layout.lastChange.get(action.chainId) === index) {
    return { kind: 'queue-notices', notices: layout.notices.get(action.chainId) ?? [] };
  }
  return { kind: 'continue' };
}

/** A key this run created whose store has not completed. */
export interface UnstoredKey {
  readonly create: CreateKeyAction;
  readonly accessKeyId: string;
  /** False once the secret left memory: handed to a store (which did not complete), or given up on. */
  readonly secretInMemory: boolean;
}

/**
 * After a change: the key whose store this was, if the store took its secret and did not complete,
 * is deleted now (never-used or not: nobody holds it). Null when nothing is to be cleaned up.
 */
export function cleanupAfterChange(
  action: ChangeAction,
  unstored: (createKeyActionId: string) => UnstoredKey | undefined,
): CleanupKeyAction | null {
  if (action.type !== 'store-secret') return null;
  const key = unstored(action.createKeyActionId);
  if (key === undefined || key.secretInMemory) return null;
  return unstoredCleanup(key);
}

/**
 * At the end of the run, a key still unstored (its store-secret never ran: never planned that way,
 * a safety net) is deleted like one whose store failed.
 */
export function unstoredCleanup(key: UnstoredKey): CleanupKeyAction {
  return cleanupKeyAction(
    key.create,
    key.accessKeyId,
    key.create.stage,
    'its secret could not be stored',
    false,
  );
}

/** Why the plan's deferred actions were not carried out. */
export function deferredReason(plan: Plan): string {
  return `deferred: this run's cap of ${plan.maxActions ?? plan.actions.length} changes (remediation.maxActions) was reached; a later run applies it`;
}
