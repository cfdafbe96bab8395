/**
 * The words of a plan: the reason each action gives, and the three sentences of each owner notice
 * (why, what happened, what the owner should do), for each of the lifecycle's decisions. The
 * decisions themselves, and which actions they make, are build-actions.ts's. Pure.
 */

import type { RotationConfig } from '../policy/types.js';
import { plural } from '../rules/shared.js';
import type { Violation } from '../rules/types.js';
import type { Decision } from './lifecycle.js';

type DecisionOf<K extends Decision['kind']> = Extract<Decision, { readonly kind: K }>;

/** A notice's three sentences, each without its final period ({@link sentence} adds it). */
export interface NoticeWords {
  readonly reason: string;
  readonly happened: string;
  readonly ownerAction: string;
}

/** Why a rotation is blocked, and what the owner can do about it. */
export interface BlockWords {
  readonly reason: string;
  readonly ownerAction: string;
}

/** The reason an action gives and the notice that tells the owner it happened. */
export interface ActionWords {
  readonly reason: string;
  readonly notice: NoticeWords;
}

/** The notice ahead of a rotation. */
export function warnNotice(id: string, d: DecisionOf<'warn'>, r: RotationConfig): NoticeWords {
  return {
    reason: `Access key ${id} is ${plural(d.ageDays, 'day')} old; it is rotated at ${r.rotateAfterDays} days`,
    happened: `Access key ${id} will be replaced on ${day(d.rotateOn)}: a new key is then created and stored in Secrets Manager`,
    ownerAction: `Be ready to switch your applications to the new key from ${day(d.rotateOn)}; you will be told where to fetch it`,
  };
}

/** A rotation blocked because the user name cannot name a secret. */
export function unstorableSecretBlock(
  id: string,
  d: DecisionOf<'rotate'>,
  r: RotationConfig,
  userName: string,
): BlockWords {
  return {
    reason:
      `Access key ${id} is ${plural(d.ageDays, 'day')} old (rotate after ${r.rotateAfterDays}) but the user name ` +
      `${JSON.stringify(userName)} has a character Secrets Manager does not allow in a secret name, so the new key cannot be stored`,
    ownerAction: `Create a new key by hand, switch to it and delete ${id}, or ask the security team to`,
  };
}

/** The rotation's texts: deleting the inactive spare, creating and storing the new key, the notice. */
export function rotateWords(
  id: string,
  d: DecisionOf<'rotate'>,
  r: RotationConfig,
  secretName: string,
): {
  readonly deleteSpareReason: (spareId: string) => string;
  readonly createKeyReason: string;
  readonly notice: NoticeWords;
  readonly storeSecretReason: string;
} {
  return {
    deleteSpareReason: (spareId) =>
      `Inactive access key ${spareId} fills the user's second key slot; it is deleted to make room for the replacement of ${id}.`,
    createKeyReason:
      r.rotateAfterDays === 0
        ? `Access key ${id} is rotated now, as asked (keywarden rotate), and has no replacement yet.`
        : `Access key ${id} is ${plural(d.ageDays, 'day')} old (rotate after ${r.rotateAfterDays}) and has no replacement yet.`,
    notice: {
      reason: `A replacement for access key ${id} was created`,
      happened: `A new access key replacing ${id} was created and stored in Secrets Manager secret ${secretName}`,
      ownerAction:
        `Fetch the new key from ${secretName}, switch your applications to it and stop using ${id}; ` +
        `${id} is deactivated from ${day(d.deactivateFrom)} once it has not been used for ${plural(r.inUseGraceDays, 'day')}`,
    },
    storeSecretReason: `Stores the replacement for ${id} in Secrets Manager secret ${secretName} for the owner to fetch.`,
  };
}

/** A rotation blocked because the user's other key is active. */
export function activeOtherKeyBlock(id: string, other: string, r: RotationConfig): BlockWords {
  return {
    reason:
      `Access key ${id} is due for rotation (rotate after ${r.rotateAfterDays} days) but the user already has ` +
      `two access keys and ${other} is active, so no replacement can be created`,
    ownerAction: `Stop using ${other} and deactivate or delete it, or ask the security team to, so ${id} can be rotated`,
  };
}

/** The notice of any blocked rotation, from the block's own words. */
export function blockedNotice(id: string, block: BlockWords): NoticeWords {
  return {
    reason: `Rotation of access key ${id} is blocked`,
    happened: `Access key ${id} could not be rotated: ${block.reason}`,
    ownerAction: block.ownerAction,
  };
}

/** Deactivating a replaced key, forced or after its grace. */
export function deactivateWords(
  id: string,
  replacement: string,
  d: DecisionOf<'deactivate'>,
  r: RotationConfig,
): ActionWords {
  const used =
    d.lastUsedDaysAgo === null
      ? 'has never been used'
      : `was last used ${plural(d.lastUsedDaysAgo, 'day')} ago`;
  return {
    reason: d.forced
      ? `Access key ${id} is ${plural(d.ageDays, 'day')} old (force deactivation after ${r.forceDeactivateAfterDays}) and ` +
        `${used}; it is deactivated although still in use`
      : `Access key ${id} is ${plural(d.ageDays, 'day')} old (deactivate after ${r.deactivateAfterDays}), its replacement ` +
        `${replacement} exists and it ${used} (grace ${plural(r.inUseGraceDays, 'day')})`,
    notice: {
      reason: `Access key ${id} was deactivated`,
      happened: d.forced
        ? `Access key ${id} was deactivated although it was still in use (it ${used}); ${replacement} replaces it`
        : `Access key ${id} was deactivated; ${replacement} replaces it`,
      ownerAction: d.forced
        ? `Switch your applications to ${replacement} now; until ${day(d.deleteFrom)} the security team can reactivate ${id}`
        : `Nothing if your applications use ${replacement}; if something broke, ask the security team to reactivate ${id} before ${day(d.deleteFrom)}`,
    },
  };
}

/** The notice for a replaced key that is due for deactivation but still in use. */
export function stillInUseNotice(
  id: string,
  replacement: string,
  d: DecisionOf<'still-in-use'>,
  r: RotationConfig,
): NoticeWords {
  const force = d.forceOn === null ? '' : `, and on ${day(d.forceOn)} regardless`;
  return {
    reason:
      `Access key ${id} is ${plural(d.ageDays, 'day')} old (deactivate after ${r.deactivateAfterDays}) but was used ` +
      `${plural(d.lastUsedDaysAgo, 'day')} ago (grace ${plural(r.inUseGraceDays, 'day')})`,
    happened: `Access key ${id} is due for deactivation but is still in use (last used ${plural(d.lastUsedDaysAgo, 'day')} ago)`,
    ownerAction:
      `Switch your applications to ${replacement} and stop using ${id}; it is deactivated once ` +
      `unused for ${plural(r.inUseGraceDays, 'day')}${force}`,
  };
}

/** Deleting a key inactive for long enough. */
export function deleteWords(id: string, d: DecisionOf<'delete'>, r: RotationConfig): ActionWords {
  return {
    reason:
      `Inactive access key ${id} is ${plural(d.ageDays, 'day')} old (delete after ${r.deleteAfterDays}) and has been ` +
      `inactive for ${plural(d.inactiveDays, 'day')} since Keywarden deactivated it or first saw it inactive ` +
      `(at least ${r.deleteAfterDays - r.deactivateAfterDays})`,
    notice: {
      reason: `Inactive access key ${id} was deleted`,
      happened: `Inactive access key ${id} was deleted`,
      ownerAction: 'Nothing: the key could no longer be used',
    },
  };
}

/** Deactivating an unused key (`unusedDays` is UNUSED_CREDENTIALS' limit). */
export function revokeKeyWords(id: string, d: DecisionOf<'revoke-key'>, unusedDays: number): ActionWords {
  const v = d.violation;
  return {
    reason: `${v.text}; it is deactivated, not rotated, because nobody needs a replacement`,
    notice: {
      reason: `Unused access key ${id} was deactivated`,
      happened: `Access key ${id} was deactivated because it ${unusedClause(v)} (limit ${plural(unusedDays, 'day')})`,
      ownerAction:
        d.deleteFrom === null
          ? `If you still need it, ask the security team to reactivate ${id}`
          : `If you still need it, ask the security team to reactivate ${id} before ${day(d.deleteFrom)}, when it is deleted`,
    },
  };
}

/** Deleting an unused console password (`unusedDays` is UNUSED_CREDENTIALS' limit). */
export function revokePasswordWords(d: DecisionOf<'revoke-password'>, unusedDays: number): ActionWords {
  const v = d.violation;
  return {
    reason: `${v.text}; the login profile is deleted.`,
    notice: {
      reason: 'The unused console password was removed',
      happened: `The console password was removed because it ${unusedClause(v)} (limit ${plural(unusedDays, 'day')})`,
      ownerAction: 'If you need console access, ask an administrator for a new password',
    },
  };
}

/** Noting the first sighting of an inactive key the journal has no record of. */
export function noteInactiveWords(
  id: string,
  d: DecisionOf<'note-inactive'>,
  r: RotationConfig,
): ActionWords {
  const from = day(d.deleteFrom);
  return {
    reason:
      `Access key ${id} is inactive and the journal has no record of when it became so; today's sighting ` +
      `starts its ${plural(r.deleteAfterDays - r.deactivateAfterDays, 'day')} inactive window (deleted from ${from})`,
    notice: {
      reason: `Inactive access key ${id} is scheduled for deletion on ${from}`,
      happened: `Access key ${id} is inactive; Keywarden first saw it inactive today and deletes it from ${from}`,
      ownerAction: `Nothing if it is no longer needed; if it is, ask the security team to reactivate it before ${from}`,
    },
  };
}

/** Why a rotation waits for the inactive key in the second slot. */
export function slotPendingReason(
  id: string,
  spare: string,
  d: DecisionOf<'slot-pending'>,
  r: RotationConfig,
): string {
  return (
    `Access key ${id} is ${plural(d.ageDays, 'day')} old (rotate after ${r.rotateAfterDays}), but the ` +
    `user's second key slot holds inactive key ${spare}, which may be deleted from ${day(d.deleteFrom)}; ` +
    'the rotation follows then.'
  );
}

/** Why an unused key that was just used stays active. */
export function keepWorkingKeyReason(
  id: string,
  d: DecisionOf<'keep-working-key'>,
  r: RotationConfig,
): string {
  return (
    `Access key ${id} is past the unused limit but was used ${plural(d.lastUsedDaysAgo, 'day')} ago ` +
    `(grace ${plural(r.inUseGraceDays, 'day')}) and is the user's last active key, so it is left active.`
  );
}

function unusedClause(v: Violation): string {
  return v.lastUsedDaysAgo === null
    ? `was never used in the ${plural(v.ageDays ?? 0, 'day')} since it was created`
    : `was last used ${plural(v.lastUsedDaysAgo, 'day')} ago`;
}

/**
 * Plan texts are whole sentences: this adds the final period to the words that leave it off (the
 * notices, the blocks, and the reasons of the key actions).
 */
export function sentence(text: string): string {
  return `${text}.`;
}

/** `YYYY-MM-DD` (UTC) for sentences; the ISO timestamp goes in `dueDate`. */
function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
