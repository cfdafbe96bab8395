/**
 * Decisions that repair or reverse a run rather than follow from the policy: deleting a key whose
 * secret nobody holds, and undoing a run's deactivations. The journal says what happened; these
 * functions decide what to do about it; the apply step only carries the actions out.
 */
import { undoOf } from '../actions/registry.js';
import { actionId } from './ids.js';
import {
  type CreateCall,
  foreignKeyNotice,
  foreignKeysText,
  type KeyOwnership,
  keyOwnership,
  type ListedKey,
} from './ownership.js';
import type {
  AnyAction,
  CleanupKeyAction,
  CreateKeyAction,
  NotifyAction,
  ReactivateKeyAction,
  RecoveryStep,
  StoreSecretAction,
} from './types.js';

/** Deletes a key nobody holds the secret of; `step` is the create-key's stage, or `resume`. */
export function cleanupKeyAction(
  create: Pick<CreateKeyAction, 'id' | 'accountId' | 'userName'>,
  accessKeyId: string,
  step: RecoveryStep,
  why: string,
  requireNeverUsed: boolean,
): CleanupKeyAction {
  return {
    id: actionId(create.accountId, create.userName, accessKeyId, 'cleanup-key', step),
    type: 'cleanup-key',
    accountId: create.accountId,
    userName: create.userName,
    accessKeyId,
    reason: `Access key ${accessKeyId} was created by ${create.id} but ${why}; nobody holds its secret, so it is deactivated and deleted.`,
    createKeyActionId: create.id,
    requireNeverUsed,
  };
}

/**
 * A create-key of a run that stopped before its secret's store was journaled. Its key, if IAM made
 * one, is deleted when nobody can use it, and kept when Secrets Manager shows the store completed.
 */
export interface OrphanedKey {
  readonly accountId: string;
  readonly userName: string;
  /** From the create-key outcome; null when the run stopped before that outcome was written. */
  readonly accessKeyId: string | null;
  /** The key the new one was to replace; never the one to delete. */
  readonly replacesAccessKeyId: string;
  readonly createIntentAt: string;
  /**
   * When the call could no longer be running (journaled with the intent); null in older journals,
   * then {@link LEGACY_CALL_WINDOW_MS} after the intent.
   */
  readonly answerBy: string | null;
  readonly createActionId: string;
  /** Who is told of a key that blocks the rotation (the create-key's recipient). */
  readonly recipient: string | null;
  readonly rule: CreateKeyAction['rule'];
  /** The store-secret the run had started for this key, if it got that far. */
  readonly store: StoreSecretAction | null;
}

/** The call window assumed for an intent journaled before `answerBy` existed. */
const LEGACY_CALL_WINDOW_MS = 120_000;

/**
 * Which of the user's keys the orphan's call made, and which new keys Keywarden cannot prove it
 * made ({@link keyOwnership}). `listed` is null when the journal names the key; `known` are keys a
 * done create-key anywhere in the journal made.
 */
export function orphanOwnership(
  orphan: OrphanedKey,
  listed: readonly ListedKey[] | null,
  known: ReadonlySet<string>,
): KeyOwnership {
  const from = new Date(orphan.createIntentAt);
  const to =
    orphan.answerBy === null ? new Date(from.getTime() + LEGACY_CALL_WINDOW_MS) : new Date(orphan.answerBy);
  return keyOwnership(
    {
      answeredKeyId: orphan.accessKeyId,
      refused: false,
      window: { from, to },
      replacesAccessKeyId: orphan.replacesAccessKeyId,
    },
    listed,
    known,
  );
}

export interface OrphanRecovery {
  /** The key whose store completed (Secrets Manager holds its version): kept, its store journaled. */
  readonly adopted: { readonly accessKeyId: string; readonly store: StoreSecretAction } | null;
  /** The orphan's own key, whose secret nobody holds: deleted (one found by time only if never used). */
  readonly cleanups: readonly CleanupKeyAction[];
  /** New keys Keywarden did not make: left alone, reported, their owner told. */
  readonly foreign: readonly ListedKey[];
  readonly notices: readonly NotifyAction[];
}

/**
 * What to do after an interrupted create-key, given its key's ownership and whether Secrets Manager
 * already holds that key (`stored`): a stored key is the rotation done (kept, done exactly once);
 * an unstored one of Keywarden's is deleted; a foreign one is left alone and its owner told.
 */
export function planOrphanRecovery(
  orphan: OrphanedKey,
  interruptedRunId: string,
  ownership: KeyOwnership,
  stored: ReadonlySet<string>,
): OrphanRecovery {
  const create = { id: orphan.createActionId, accountId: orphan.accountId, userName: orphan.userName };
  const why = `run ${interruptedRunId} stopped before its secret was stored`;
  const ours = ownership.ours;
  const adopted =
    ours !== null && orphan.store !== null && stored.has(ours.accessKeyId)
      ? { accessKeyId: ours.accessKeyId, store: orphan.store }
      : null;
  return {
    adopted,
    cleanups:
      ours === null || adopted !== null
        ? []
        : [cleanupKeyAction(create, ours.accessKeyId, 'resume', why, ours.foundByTime)],
    foreign: ownership.foreign,
    notices: ownership.foreign.map((k) => foreignKeyNotice(orphan, k)),
  };
}

/** What IAM and Secrets Manager showed after a CreateAccessKey whose answer did not come. */
export interface LostCreateLive {
  /** The user's keys now. */
  readonly listed: readonly ListedKey[];
  /** Keys the user had before the call. */
  readonly before: ReadonlySet<string>;
  /**
   * New keys Secrets Manager already holds under the user's secret: another Keywarden run stored
   * them (this run stored nothing, its answer never came), so they are not this call's.
   */
  readonly storedElsewhere: ReadonlySet<string>;
}

export interface LostCreateSettlement {
  /** The create-key's failure: the error, then what live state showed. */
  readonly reason: string;
  /** The key the call provably made, nobody holds the secret of: deleted after this outcome. */
  readonly cleanup: CleanupKeyAction | null;
  /** New keys Keywarden cannot prove it made: left alone, reported, their owner told. */
  readonly foreign: readonly ListedKey[];
  readonly notices: readonly NotifyAction[];
}

/**
 * What a create-key whose call did not answer with a key comes to (it failed either way): the key
 * it provably made (src/core/plan/ownership.ts) is cleaned up, one found by time only if never
 * used; any other new key is left alone and its owner told.
 */
export function settleLostCreate(
  create: CreateKeyAction,
  call: Pick<CreateCall, 'refused' | 'window'> & { readonly failure: string },
  live: LostCreateLive,
): LostCreateSettlement {
  const found = keyOwnership(
    {
      answeredKeyId: null,
      refused: call.refused,
      window: call.window,
      replacesAccessKeyId: create.replacesAccessKeyId,
    },
    live.listed.filter((k) => !live.storedElsewhere.has(k.accessKeyId)),
    live.before,
  );
  const foreign = [...found.foreign, ...live.listed.filter((k) => live.storedElsewhere.has(k.accessKeyId))];
  const parts = [call.failure];
  let cleanup: CleanupKeyAction | null = null;
  if (found.ours !== null) {
    const id = found.ours.accessKeyId;
    cleanup = cleanupKeyAction(
      create,
      id,
      create.stage,
      "its call's answer was lost",
      found.ours.foundByTime,
    );
    parts.push(
      `IAM made ${id} although its answer was lost; nobody holds its secret, so it is removed if never used`,
    );
  } else if (!call.refused) {
    parts.push('no key made by this call was found');
  }
  if (foreign.length > 0) parts.push(foreignKeysText(create, foreign));
  return {
    reason: parts.join('; '),
    cleanup,
    foreign,
    notices: foreign.map((k) => foreignKeyNotice(create, k)),
  };
}

/** One done action of the run being undone, as the journal recorded it. */
export interface DoneAction {
  readonly action: AnyAction;
  /** The key a create-key made, when its outcome names one. */
  readonly newAccessKeyId: string | null;
}

export interface CannotUndo {
  readonly actionId: string;
  readonly type: string;
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string | null;
  readonly reason: string;
}

export interface UndoPlan {
  readonly actions: readonly ReactivateKeyAction[];
  readonly cannotUndo: readonly CannotUndo[];
}

/**
 * What undoing a run means: reactivate each key it deactivated (the apply step re-checks that the
 * key still exists and is Inactive), holding it until `holdUntil` so the next run does not simply
 * deactivate it again, and name what cannot be reversed.
 */
export function planUndo(
  runId: string,
  done: readonly DoneAction[],
  options: { readonly holdUntil: Date | null } = { holdUntil: null },
): UndoPlan {
  const actions: ReactivateKeyAction[] = [];
  const cannotUndo: CannotUndo[] = [];
  for (const { action: a, newAccessKeyId } of done) {
    const undo = undoOf(a, newAccessKeyId);
    switch (undo.kind) {
      case 'reactivate':
        actions.push({
          id: actionId(a.accountId, a.userName, undo.accessKeyId, 'reactivate-key', 'undo'),
          type: 'reactivate-key',
          accountId: a.accountId,
          userName: a.userName,
          accessKeyId: undo.accessKeyId,
          reason: `Undoes ${a.id} of run ${runId}.`,
          undoes: a.id,
          holdUntil: options.holdUntil?.toISOString() ?? null,
        });
        break;
      case 'irreversible':
        cannotUndo.push({
          actionId: a.id,
          type: a.type,
          accountId: a.accountId,
          userName: a.userName,
          accessKeyId: undo.accessKeyId,
          reason: undo.reason,
        });
        break;
      case 'nothing':
        break;
      default:
        undo satisfies never;
    }
  }
  return { actions, cannotUndo };
}
