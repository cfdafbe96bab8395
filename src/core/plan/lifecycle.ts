/**
 * What should happen to one user's credentials today, as decisions; planner.ts turns them into
 * actions with ids, texts and notifications. Pure: everything time-related comes from `now`.
 *
 * Terms used below:
 * - in rotation: an Active key that is not being revoked as unused.
 * - replacement of key K: another in-rotation key created strictly later than K. IAM allows two
 *   keys, so when both Active keys are past rotateAfterDays the older one is the old key (it is
 *   deactivated) and the newer one is kept as its replacement; the newer key's own rotation waits
 *   until the older one is out of the way.
 */
import { addDays, daysBetween } from '../days.js';
import type { AccessKeyRecord, UserRecord } from '../model.js';
import type { RotationConfig } from '../policy/types.js';
import type { Violation } from '../rules/types.js';
import { inactiveWindowStart, type KeyEvent } from './key-history.js';
import type { RemediationRule } from './types.js';

/** Whether a rule may act on this user: off (disabled or not in this mode), exempt, or on. */
export type Gate =
  | { readonly kind: 'off' }
  | { readonly kind: 'exempt'; readonly reason: string }
  | { readonly kind: 'on' };

/** The UNUSED_CREDENTIALS rule's verdicts for one user, straight from the rule. */
export interface UnusedVerdicts {
  readonly keys: ReadonlyMap<AccessKeyRecord, Violation>;
  readonly password: Violation | null;
}

export interface LifecycleInput {
  readonly user: UserRecord;
  readonly rotation: RotationConfig;
  /** KEY_ROTATION: the whole lifecycle (warn, rotate, deactivate, delete). */
  readonly rotationGate: Gate;
  /** UNUSED_CREDENTIALS: revoke unused keys, delete unused login profiles. */
  readonly unusedGate: Gate;
  readonly unused: UnusedVerdicts;
  /**
   * What the journal recorded about the key (deactivated, first seen inactive, seen Active again,
   * reactivated), in journal order; empty when it has no record.
   */
  readonly keyHistory: (key: AccessKeyRecord) => readonly KeyEvent[];
  readonly now: Date;
}

export type Decision =
  | {
      readonly kind: 'warn';
      readonly key: AccessKeyRecord;
      readonly ageDays: number;
      readonly rotateOn: Date;
    }
  | {
      readonly kind: 'rotate';
      readonly key: AccessKeyRecord;
      readonly ageDays: number;
      /** The user's inactive second key, deleted first to free the slot. */
      readonly spare: AccessKeyRecord | null;
      /** The earliest day the old key may be deactivated. */
      readonly deactivateFrom: Date;
    }
  | { readonly kind: 'blocked'; readonly key: AccessKeyRecord; readonly other: AccessKeyRecord }
  | {
      readonly kind: 'deactivate';
      readonly key: AccessKeyRecord;
      readonly replacement: AccessKeyRecord;
      readonly forced: boolean;
      readonly ageDays: number;
      readonly lastUsedDaysAgo: number | null;
      readonly deleteFrom: Date;
    }
  | {
      readonly kind: 'still-in-use';
      readonly key: AccessKeyRecord;
      readonly replacement: AccessKeyRecord;
      readonly ageDays: number;
      readonly lastUsedDaysAgo: number;
      readonly forceOn: Date | null;
    }
  | {
      readonly kind: 'delete';
      readonly key: AccessKeyRecord;
      readonly ageDays: number;
      readonly inactiveDays: number;
    }
  /**
   * An inactive key Keywarden has no record of: today's sighting starts its inactive window, so it
   * is deleted no sooner than `deleteFrom`, however long ago it was last used.
   */
  | { readonly kind: 'note-inactive'; readonly key: AccessKeyRecord; readonly deleteFrom: Date }
  /** The rotation waits until the inactive key filling the second slot may be deleted. */
  | {
      readonly kind: 'slot-pending';
      readonly key: AccessKeyRecord;
      readonly spare: AccessKeyRecord;
      readonly ageDays: number;
      readonly deleteFrom: Date;
    }
  | {
      readonly kind: 'revoke-key';
      readonly key: AccessKeyRecord;
      readonly violation: Violation;
      /** The earliest day the deactivated key may be deleted; null when nothing deletes it. */
      readonly deleteFrom: Date | null;
    }
  | { readonly kind: 'revoke-password'; readonly violation: Violation }
  /** An unused key left Active because revoking it would leave a user who just used it without a key. */
  | { readonly kind: 'keep-working-key'; readonly key: AccessKeyRecord; readonly lastUsedDaysAgo: number };

/** A decision and whether an exemption stops it (then it is reported as skipped, not planned). */
export interface GatedDecision {
  readonly decision: Decision;
  readonly rule: RemediationRule;
  /** The exemption's description when the rule's gate is `exempt`; null when it may be planned. */
  readonly exemptReason: string | null;
}

/**
 * Decides one user's credentials. The rotation steps (warn, rotate, deactivate, delete) apply to
 * keys in rotation; an unused key is revoked instead, because nobody needs its replacement.
 */
export function decideUser(input: LifecycleInput): GatedDecision[] {
  const { user, rotation: r, rotationGate, unusedGate, unused, now } = input;
  const out: GatedDecision[] = [];
  const rotationOut = (decision: Decision) => out.push(gated(decision, 'KEY_ROTATION', rotationGate));
  const unusedOut = (decision: Decision) => out.push(gated(decision, 'UNUSED_CREDENTIALS', unusedGate));
  const age = (key: AccessKeyRecord) => daysBetween(key.createDate, now);
  const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

  const active = user.accessKeys.filter((k) => k.status === 'Active').sort(byCreateDate);
  const rotating = rotationGate.kind !== 'off';

  // Revoke unused keys. A newer unused key next to an older key that is due for rotation and still
  // used is that key's replacement waiting to be adopted; revoking it would undo the rotation.
  const revoked = new Set<AccessKeyRecord>();
  if (unusedGate.kind !== 'off') {
    const candidates = active.filter((k) => unused.keys.has(k));
    const protectedReplacement = (k: AccessKeyRecord) =>
      rotationGate.kind === 'on' &&
      active.some((o) => isOlder(o, k) && !unused.keys.has(o) && age(o) >= r.rotateAfterDays);
    const toRevoke = candidates.filter((k) => !protectedReplacement(k));
    if (unusedGate.kind === 'on') {
      for (const k of toRevoke) revoked.add(k);
      // Never leave a user who used a key within inUseGraceDays without a working key (possible
      // only when unusedDays < inUseGraceDays).
      if (active.every((k) => revoked.has(k))) {
        for (const k of toRevoke) {
          const lastUsedDaysAgo = daysSinceUse(k, now);
          if (lastUsedDaysAgo !== null && lastUsedDaysAgo < r.inUseGraceDays) {
            revoked.delete(k);
            unusedOut({ kind: 'keep-working-key', key: k, lastUsedDaysAgo });
          }
        }
      }
    }
    for (const k of toRevoke) {
      if (unusedGate.kind === 'on' && !revoked.has(k)) continue;
      const violation = unused.keys.get(k);
      if (violation === undefined) continue;
      const deleteFrom =
        rotationGate.kind === 'on'
          ? later(
              addDays(k.createDate, r.deleteAfterDays),
              addDays(now, r.deleteAfterDays - r.deactivateAfterDays),
            )
          : null;
      unusedOut({ kind: 'revoke-key', key: k, violation, deleteFrom });
    }
  }
  if (unusedGate.kind !== 'off' && unused.password !== null) {
    unusedOut({ kind: 'revoke-password', violation: unused.password });
  }
  if (!rotating) return out;

  // Rotation. Older keys first: whether the newest key can be rotated depends on whether the older
  // one is deactivated today.
  const inRotation = active.filter((k) => !revoked.has(k));
  const newest = inRotation.at(-1);
  const leaving = new Set<AccessKeyRecord>(revoked);
  const warnIfDue = (k: AccessKeyRecord) => {
    const ageDays = age(k);
    if (ageDays >= r.rotateAfterDays - r.warnBeforeDays && ageDays < r.rotateAfterDays) {
      rotationOut({ kind: 'warn', key: k, ageDays, rotateOn: addDays(k.createDate, r.rotateAfterDays) });
    }
  };

  for (const k of inRotation) {
    const replacement = newest !== undefined && isOlder(k, newest) ? newest : null;
    if (replacement === null) continue;
    const ageDays = age(k);
    // A key that already has its replacement (an early `keywarden rotate`) is not warned about a
    // rotation: its owner has been told where the new key is.
    if (ageDays < r.rotateAfterDays) continue;
    // The switch-over window runs from the replacement's creation, so a key first seen long past
    // its dates still gets all of it.
    if (ageDays < r.deactivateAfterDays) continue;
    if (daysBetween(replacement.createDate, now) < r.deactivateAfterDays - r.rotateAfterDays) continue;
    const lastUsedDaysAgo = daysSinceUse(k, now);
    const inUse = lastUsedDaysAgo !== null && lastUsedDaysAgo < r.inUseGraceDays;
    const forced = inUse && r.forceDeactivateAfterDays !== null && ageDays >= r.forceDeactivateAfterDays;
    if (inUse && !forced) {
      const forceOn =
        r.forceDeactivateAfterDays === null ? null : addDays(k.createDate, r.forceDeactivateAfterDays);
      rotationOut({ kind: 'still-in-use', key: k, replacement, ageDays, lastUsedDaysAgo, forceOn });
      continue;
    }
    leaving.add(k);
    const deleteFrom = later(
      addDays(k.createDate, r.deleteAfterDays),
      addDays(now, r.deleteAfterDays - r.deactivateAfterDays),
    );
    rotationOut({ kind: 'deactivate', key: k, replacement, forced, ageDays, lastUsedDaysAgo, deleteFrom });
  }

  // An inactive key is deleted only once the whole deactivate-to-delete window has passed since
  // Keywarden recorded it going inactive (its deactivation, or its first sighting as inactive), and
  // only while live state still agrees with that record.
  const window = r.deleteAfterDays - r.deactivateAfterDays;
  const recorded = (k: AccessKeyRecord) => inactiveWindowStart(input.keyHistory(k), k);
  const deleteFrom = (k: AccessKeyRecord, since: Date) =>
    later(addDays(k.createDate, r.deleteAfterDays), addDays(since, window));

  let spare: AccessKeyRecord | null = null;
  if (newest !== undefined) {
    const ageDays = age(newest);
    if (ageDays < r.rotateAfterDays) {
      warnIfDue(newest);
    } else {
      const others = user.accessKeys.filter((k) => k !== newest);
      const [other] = others;
      if (other === undefined) {
        rotationOut(rotate(newest, ageDays, null));
      } else if (others.length === 1 && other.status === 'Inactive') {
        // The slot is freed by deleting the inactive key, which its own window must allow.
        const since = recorded(other);
        if (since !== null && daysBetween(since, now) >= window) {
          spare = other;
          rotationOut(rotate(newest, ageDays, other));
        } else {
          const from = addDays(since ?? now, window);
          rotationOut({ kind: 'slot-pending', key: newest, spare: other, ageDays, deleteFrom: from });
        }
      } else if (!others.every((o) => leaving.has(o))) {
        rotationOut({ kind: 'blocked', key: newest, other });
      }
      // Otherwise the other key is deactivated today; a later run deletes it and rotates.
    }
  }

  for (const k of user.accessKeys) {
    if (k.status !== 'Inactive' || k === spare) continue;
    const since = recorded(k);
    if (since === null) {
      rotationOut({ kind: 'note-inactive', key: k, deleteFrom: deleteFrom(k, now) });
      continue;
    }
    const ageDays = age(k);
    if (ageDays < r.deleteAfterDays) continue;
    const inactiveDays = daysBetween(since, now);
    if (inactiveDays >= window) rotationOut({ kind: 'delete', key: k, ageDays, inactiveDays });
  }
  return out;

  function rotate(key: AccessKeyRecord, ageDays: number, spareKey: AccessKeyRecord | null): Decision {
    const deactivateFrom = later(
      addDays(key.createDate, r.deactivateAfterDays),
      addDays(now, r.deactivateAfterDays - r.rotateAfterDays),
    );
    return { kind: 'rotate', key, ageDays, spare: spareKey, deactivateFrom };
  }
}

function gated(decision: Decision, rule: RemediationRule, gate: Gate): GatedDecision {
  return { decision, rule, exemptReason: gate.kind === 'exempt' ? gate.reason : null };
}

function daysSinceUse(key: AccessKeyRecord, now: Date): number | null {
  return key.lastUsedDate === null ? null : daysBetween(key.lastUsedDate, now);
}

function isOlder(a: AccessKeyRecord, b: AccessKeyRecord): boolean {
  return a.createDate.getTime() < b.createDate.getTime();
}

/** Oldest first; equal creation times by key id so the order never depends on input order. */
function byCreateDate(a: AccessKeyRecord, b: AccessKeyRecord): number {
  const d = a.createDate.getTime() - b.createDate.getTime();
  if (d !== 0) return d;
  const ai = a.accessKeyId ?? '';
  const bi = b.accessKeyId ?? '';
  return ai < bi ? -1 : ai > bi ? 1 : a.slot - b.slot;
}

/**
 * True when some key of `user` could be acted on today and its id is still unknown: inactive (it
 * may be deleted), or old or idle enough to be warned about, rotated or revoked. Planning from the
 * credential report looks up key ids for just these users; a user whose keys are all young, active
 * and in use needs none.
 */
export function needsKeyIds(
  user: UserRecord,
  rotation: RotationConfig,
  unusedDays: number,
  now: Date,
): boolean {
  const earliest = Math.min(rotation.rotateAfterDays - rotation.warnBeforeDays, unusedDays);
  return user.accessKeys.some(
    (k) =>
      k.accessKeyId === null &&
      (k.status === 'Inactive' ||
        daysBetween(k.createDate, now) >= earliest ||
        (k.lastUsedDate !== null && daysBetween(k.lastUsedDate, now) >= earliest)),
  );
}
