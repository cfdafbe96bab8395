/**
 * The remediation plan: plain, serializable data. The planner decides, the apply step acts; the
 * apply step re-checks each action's `expect` against live IAM before it changes anything.
 */
import type { RemediationMode } from '../policy/types.js';
import type { RuleId } from '../rules/registry.js';
import type { KeyEvent } from './key-history.js';

export type NotificationChannel = 'sns' | 'slack' | 'email';

export const ACTION_TYPES = [
  'create-key',
  'store-secret',
  'deactivate-key',
  'delete-key',
  'delete-login-profile',
  'note-inactive',
  'note-active',
  'notify',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * Where a credential is in its lifecycle; part of every action id, so each stage of one key
 * yields its own actions (and its own notification, sent once).
 */
export const STAGES = [
  'warn',
  'rotate',
  'blocked',
  'deactivate',
  'still-in-use',
  'force-deactivate',
  'delete',
  'inactive-seen',
  'active-seen',
  'revoke-unused',
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages whose notice tells that a key was deactivated: wrong once the key is Active again. */
export const DEACTIVATION_STAGES: ReadonlySet<Stage> = new Set([
  'deactivate',
  'force-deactivate',
  'revoke-unused',
]);

/** The rules remediation serves: rotation (the lifecycle) and revoking unused credentials. */
export type RemediationRule = Extract<RuleId, 'KEY_ROTATION' | 'UNUSED_CREDENTIALS'>;

interface ActionBase {
  /** Stable: `<accountId>/<userName>/<accessKeyId | password>/<type>/<stage>`. */
  readonly id: string;
  /**
   * The actions that stand or fall together (`<accountId>/<userName>/<accessKeyId | password>/<stage>`):
   * capping keeps or defers a chain whole, so a key is never created without being stored.
   */
  readonly chainId: string;
  readonly accountId: string;
  readonly userName: string;
  readonly stage: Stage;
  readonly rule: RemediationRule;
  /** One sentence: why this action is planned. */
  readonly reason: string;
}

/** What the plan assumed about a key; the apply step skips the action when live IAM differs. */
export interface KeyExpectation {
  readonly status: 'Active' | 'Inactive';
  /** ISO timestamp, or null for never used: a later live value means the key was used since. */
  readonly lastUsedDate: string | null;
}

/** Creates the replacement for `replacesAccessKeyId`; its new key id is only known when applied. */
export interface CreateKeyAction extends ActionBase {
  readonly type: 'create-key';
  readonly replacesAccessKeyId: string;
  /** The secret the following store-secret action writes. */
  readonly secretName: string;
  /** The replaced key is still Active and the user has exactly this many keys (IAM allows two). */
  readonly expect: KeyExpectation & { readonly accessKeyCount: number };
  /** ISO timestamp: the earliest day the replaced key is deactivated (absent in older journals). */
  readonly deactivateFrom?: string | null;
  /**
   * Who is told if a key Keywarden did not make blocks this rotation: the owner tag's value, null =
   * the security team (absent in older journals).
   */
  readonly recipient?: string | null;
}

/** Stores the key created by `createKeyActionId` in Secrets Manager. */
export interface StoreSecretAction extends ActionBase {
  readonly type: 'store-secret';
  readonly replacesAccessKeyId: string;
  readonly createKeyActionId: string;
  readonly secretName: string;
  /**
   * The notice its chain sends once the key is stored (also planned as its own action): a resume
   * that finds the store completed after a crash can still send it. Absent in older journals.
   */
  readonly notice?: NotifyAction | null;
}

export interface DeactivateKeyAction extends ActionBase {
  readonly type: 'deactivate-key';
  readonly accessKeyId: string;
  /**
   * `replacementAccessKeyId`: the key the user switches to, which must still be Active when this
   * runs; null when the key is revoked as unused.
   */
  readonly expect: KeyExpectation & {
    readonly status: 'Active';
    readonly replacementAccessKeyId: string | null;
  };
}

export interface DeleteKeyAction extends ActionBase {
  readonly type: 'delete-key';
  readonly accessKeyId: string;
  readonly expect: KeyExpectation & { readonly status: 'Inactive' };
}

export interface DeleteLoginProfileAction extends ActionBase {
  readonly type: 'delete-login-profile';
  readonly expect: {
    readonly loginProfileCreateDate: string;
    readonly passwordLastUsed: string | null;
  };
}

/**
 * Records, in the journal only, that Keywarden first saw this key inactive now: the start of its
 * inactive window when nothing else says when it became inactive. Changes nothing in AWS.
 */
export interface NoteInactiveAction extends ActionBase {
  readonly type: 'note-inactive';
  readonly accessKeyId: string;
  readonly expect: KeyExpectation & { readonly status: 'Inactive' };
  /** The earliest day the key may be deleted, counted from this sighting. */
  readonly deleteFrom: string;
}

/**
 * Records, in the journal only, that Keywarden saw this key Active after recording it going
 * inactive: that record no longer stands, so a later inactive state is a new first sighting with the
 * whole grace period. Planned whatever the exemptions and rules say; changes nothing in AWS.
 */
export interface NoteActiveAction extends ActionBase {
  readonly type: 'note-active';
  readonly accessKeyId: string;
  /** The journal's record this sighting closes (ISO timestamp). */
  readonly closes: string;
}

/** A message to the key's owner; always the last action of its chain. */
export interface NotifyAction extends ActionBase {
  readonly type: 'notify';
  /** Null for a console-password notification. */
  readonly accessKeyId: string | null;
  /** The owner tag's value; null = the security team. */
  readonly recipient: string | null;
  /** What happened (or, for `warn`, what is about to). */
  readonly happened: string;
  /** What the owner must do. */
  readonly ownerAction: string;
  /** ISO timestamp by which the owner must act; null when there is no deadline. */
  readonly dueDate: string | null;
  /** Where the new key can be fetched; set for the `rotate` stage only. */
  readonly secretName: string | null;
}

export type Action =
  | CreateKeyAction
  | StoreSecretAction
  | DeactivateKeyAction
  | DeleteKeyAction
  | DeleteLoginProfileAction
  | NoteInactiveAction
  | NoteActiveAction
  | NotifyAction;

/** True for an action that changes AWS (what the per-run cap counts). */
export function changesAws(action: Action): boolean {
  return action.type !== 'notify' && action.type !== 'note-inactive' && action.type !== 'note-active';
}

/** Actions that repair or reverse a run rather than follow from the policy. */
export const RECOVERY_ACTION_TYPES = ['cleanup-key', 'reactivate-key'] as const;
export type RecoveryActionType = (typeof RECOVERY_ACTION_TYPES)[number];

/** The last part of a recovery action's id: the stage of the create-key it cleans up after, or why. */
export type RecoveryStep = Stage | 'resume' | 'undo';

/**
 * Deactivates, then deletes, a key whose secret nobody holds: created by a run that stopped (or
 * failed) before the key was stored in Secrets Manager.
 */
export interface CleanupKeyAction {
  /** `<accountId>/<userName>/<accessKeyId>/cleanup-key/<stage of the create-key | resume>`. */
  readonly id: string;
  readonly type: 'cleanup-key';
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string;
  readonly reason: string;
  /** The create-key action that made the key. */
  readonly createKeyActionId: string;
  /**
   * True when the key was found by its creation time rather than named by IAM's answer: it is then
   * removed only if it was never used, because someone may hold it.
   */
  readonly requireNeverUsed: boolean;
}

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
  /** ISO timestamp until which the lifecycle leaves the key alone (absent in older journals). */
  readonly holdUntil?: string | null;
}

export type RecoveryAction = CleanupKeyAction | ReactivateKeyAction;

/** Everything the apply step carries out and the journal records. */
export type AnyAction = Action | RecoveryAction;
export type AnyActionType = AnyAction['type'];

/** A user the plan could not help; someone has to act. */
export interface BlockedItem {
  readonly accountId: string;
  readonly userName: string;
  /** The key concerned, when one is (null also when its id is unknown). */
  readonly accessKeyId: string | null;
  readonly rule: RemediationRule;
  readonly reason: string;
}

/** A credential deliberately left alone: exempt, or the root user. */
export interface SkippedItem {
  readonly accountId: string;
  readonly userName: string;
  readonly accessKeyId: string | null;
  readonly credential: 'access-key' | 'password';
  readonly rule: RuleId;
  /** The stage that would have been planned; null for root. */
  readonly stage: Stage | null;
  readonly reason: string;
}

export interface Plan {
  readonly schemaVersion: 1;
  readonly generatedAt: string;
  readonly mode: RemediationMode;
  /** In apply order: users by account then name; within a user, see `actionRank` in planner.ts. */
  readonly actions: readonly Action[];
  /** Whole chains left for a later run by {@link capPlan}; same order. */
  readonly deferred: readonly Action[];
  /** The cap on changes this plan was held to ({@link capPlan}); null when it was not capped. */
  readonly maxActions: number | null;
  /** The notification channels the policy configures; empty means no notice will be sent. */
  readonly channels: readonly NotificationChannel[];
  readonly blocked: readonly BlockedItem[];
  readonly skipped: readonly SkippedItem[];
}

/** A key an undo reactivated: the lifecycle leaves it alone until `until`. */
export interface KeyHold {
  readonly until: Date;
  /** The undo run that set the hold. */
  readonly runId: string;
}

/** A rotation Keywarden made whose old key is still expected to be active for a while. */
export interface RotationInProgress {
  readonly accountId: string;
  readonly userName: string;
  readonly oldAccessKeyId: string;
  readonly newAccessKeyId: string;
  readonly runId: string;
  /** The earliest day the old key is deactivated; null when the journal does not say. */
  readonly deactivateFrom: Date | null;
}

/**
 * What the journal knows and IAM does not. Both look-ups must be pure for the duration of one
 * planning call.
 */
export interface JournalFacts {
  /**
   * What the journal recorded about the key, in journal order: the input of the one decision of
   * when its inactive window started (src/core/plan/key-history.ts), taken with live state.
   */
  keyHistory(accountId: string, accessKeyId: string): readonly KeyEvent[];
  /**
   * The journal's own open record of the key going inactive (it deactivated the key, or first saw
   * it inactive, and has not seen it Active since); null when it has none. Not yet checked against
   * live state: decisions use `inactiveWindowStart` (key-history.ts).
   */
  inactiveSince(accountId: string, accessKeyId: string): Date | null;
  /** True when the notify action with this id was already sent. */
  notified(actionId: string): boolean;
  /** Notices journaled but never delivered (skipped or failed), for the account: sent again. */
  pendingNotices(accountId: string): readonly NotifyAction[];
  /** The hold an undo put on the key; null when none. */
  holdOf(accountId: string, accessKeyId: string): KeyHold | null;
  /** Rotations Keywarden made in the account whose replaced key may still be active. */
  rotationsInProgress(accountId: string): readonly RotationInProgress[];
}
