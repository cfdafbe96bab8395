/**
 * The remediation plan: plain, serializable data. The planner decides, the apply step acts; the
 * apply step re-checks each action's `expect` against live IAM before it changes anything. The
 * actions themselves are defined in src/core/actions (one file each, put together by its registry);
 * their types are named here for the plan's readers.
 */
import type { Stage } from '../actions/action.js';
import type { cleanupKey } from '../actions/cleanup-key.js';
import type { createKey } from '../actions/create-key.js';
import type { deactivateKey } from '../actions/deactivate-key.js';
import type { deleteKey } from '../actions/delete-key.js';
import type { deleteLoginProfile } from '../actions/delete-login-profile.js';
import type { noteActive } from '../actions/note-active.js';
import type { noteInactive } from '../actions/note-inactive.js';
import type { notify } from '../actions/notify.js';
import type { reactivateKey } from '../actions/reactivate-key.js';
import type { Action, ActionOf } from '../actions/registry.js';
import type { storeSecret } from '../actions/store-secret.js';
import type { RemediationMode } from '../policy/types.js';
import type { RemediationRule, RuleId } from '../rules/registry.js';
import type { KeyEvent } from './key-history.js';

export type { Stage } from '../actions/action.js';
export {
  type Action,
  type ActionType,
  type AnyAction,
  type AnyActionType,
  changesAws,
} from '../actions/registry.js';
export type { RemediationRule } from '../rules/registry.js';

export type NotificationChannel = 'sns' | 'slack' | 'email';

/** Stages whose notice tells that a key was deactivated: wrong once the key is Active again. */
export const DEACTIVATION_STAGES: ReadonlySet<Stage> = new Set([
  'deactivate',
  'force-deactivate',
  'revoke-unused',
]);

/** The last part of a recovery action's id: the stage of the create-key it cleans up after, or why. */
export type RecoveryStep = Stage | 'resume' | 'undo';

/** Creates the replacement for `replacesAccessKeyId`; its new key id is only known when applied. */
export type CreateKeyAction = ActionOf<typeof createKey>;
/** Stores the key created by `createKeyActionId` in Secrets Manager. */
export type StoreSecretAction = ActionOf<typeof storeSecret>;
export type DeactivateKeyAction = ActionOf<typeof deactivateKey>;
export type DeleteKeyAction = ActionOf<typeof deleteKey>;
export type DeleteLoginProfileAction = ActionOf<typeof deleteLoginProfile>;
/** Journal only: Keywarden first saw this key inactive now. */
export type NoteInactiveAction = ActionOf<typeof noteInactive>;
/** Journal only: the key is Active after the journal recorded it going inactive. */
export type NoteActiveAction = ActionOf<typeof noteActive>;
/** A message to the key's owner; always the last action of its chain. */
export type NotifyAction = ActionOf<typeof notify>;
/** Deactivates, then deletes, a key whose secret nobody holds. */
export type CleanupKeyAction = ActionOf<typeof cleanupKey>;
/** Undo: makes a key the given run deactivated Active again. */
export type ReactivateKeyAction = ActionOf<typeof reactivateKey>;

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
