/**
 * Decisions that repair or reverse a run rather than follow from the policy: deleting a key whose
 * secret nobody holds, and undoing a run's deactivations. The journal says what happened; these
 * functions decide what to do about it; the apply step only carries the actions out.
 */
import { actionId } from './ids.js';
import type {
  AnyAction,
  CleanupKeyAction,
  CreateKeyAction,
  ReactivateKeyAction,
  RecoveryStep,
  StoreSecretAction,
} from './types.js';

/**
 * How far before a journaled create-key intent a key found by creation time may have been made:
 * the journal is stamped by this machine's clock, the key by AWS's.
 */
export const CLOCK_SKEW_MS = 60_000;

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
 * A key created by a run that stopped before its secret's store was journaled: deleted when nobody
 * can use it, kept when Secrets Manager shows the store completed.
 */
export interface OrphanedKey {
  readonly accountId: string;
  readonly userName: string;
  /** From the create-key outcome; null when the run stopped before that outcome was written. */
  readonly accessKeyId: string | null;
  /** The key the new one was to replace; never the one to delete. */
  readonly replacesAccessKeyId: string;
  readonly createIntentAt: string;
  readonly createActionId: string;
  /** The store-secret the run had started for this key, if it got that far. */
  readonly store: StoreSecretAction | null;
}

/** A key of the user as IAM lists it now. */
export interface ListedKey {
  readonly accessKeyId: string;
  readonly createDate: Date | null;
}

/** A key that may be the one an orphaned create-key made. */
export interface OrphanCandidate {
  readonly accessKeyId: string;
  /** True when found by creation time rather than named by IAM's answer. */
  readonly foundByTime: boolean;
}

/**
 * The keys that may be the orphan's: the one the journal recorded, or, when the run stopped before
 * CreateAccessKey answered, the user's keys created since the intent that no run recorded creating
 * and that are not the key being replaced.
 */
export function orphanCandidates(
  orphan: OrphanedKey,
  listed: readonly ListedKey[] | null,
  knownCreatedKeys: ReadonlySet<string>,
): OrphanCandidate[] {
  if (orphan.accessKeyId !== null) return [{ accessKeyId: orphan.accessKeyId, foundByTime: false }];
  const since = Date.parse(orphan.createIntentAt) - CLOCK_SKEW_MS;
  return (listed ?? [])
    .filter((k) => k.accessKeyId !== orphan.replacesAccessKeyId && !knownCreatedKeys.has(k.accessKeyId))
    .filter((k) => k.createDate !== null && k.createDate.getTime() >= since)
    .map((k) => ({ accessKeyId: k.accessKeyId, foundByTime: true }));
}

export interface OrphanRecovery {
  /** The key whose store completed (Secrets Manager holds its version): kept, its store journaled. */
  readonly adopted: { readonly accessKeyId: string; readonly store: StoreSecretAction } | null;
  /** Keys nobody holds the secret of: deleted (a key found by time only if never used). */
  readonly cleanups: readonly CleanupKeyAction[];
}

/**
 * What to do with an orphan's candidate keys, given which of them Secrets Manager already holds:
 * a stored key is the rotation done (kept, done exactly once); any other is deleted.
 */
export function planOrphanRecovery(
  orphan: OrphanedKey,
  interruptedRunId: string,
  candidates: readonly OrphanCandidate[],
  stored: ReadonlySet<string>,
): OrphanRecovery {
  const create = { id: orphan.createActionId, accountId: orphan.accountId, userName: orphan.userName };
  const why = `run ${interruptedRunId} stopped before its secret was stored`;
  const keep = orphan.store === null ? undefined : candidates.find((c) => stored.has(c.accessKeyId));
  return {
    adopted:
      keep === undefined || orphan.store === null
        ? null
        : { accessKeyId: keep.accessKeyId, store: orphan.store },
    cleanups: candidates
      .filter((c) => c !== keep)
      .map((c) => cleanupKeyAction(create, c.accessKeyId, 'resume', why, c.foundByTime)),
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
        actions.push({
          id: actionId(a.accountId, a.userName, a.accessKeyId, 'reactivate-key', 'undo'),
          type: 'reactivate-key',
          accountId: a.accountId,
          userName: a.userName,
          accessKeyId: a.accessKeyId,
          reason: `Undoes ${a.id} of run ${runId}.`,
          undoes: a.id,
          holdUntil: options.holdUntil?.toISOString() ?? null,
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
          `the replacement key ${newAccessKeyId ?? '(unknown id)'} stays (secret ${a.secretName}); ` +
            'delete it by hand if it is not wanted',
        );
        break;
      case 'store-secret':
      case 'notify':
      case 'note-inactive':
      case 'reactivate-key':
        break;
      default:
        assertNever(a);
    }
  }
  return { actions, cannotUndo };
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
