/**
 * What an audit that reads no journal can still say about Keywarden's own rotations. A rotation
 * leaves the user with a new key beside the old one until the old key's deactivation, which comes
 * the policy's switch-over window (`rotation.deactivateAfterDays - rotation.rotateAfterDays`) after
 * the new key's creation. So a user with exactly one active key younger than that window beside an
 * older active key looks like a rotation in progress. Only a guess: the journal alone confirms a
 * rotation, so findings marked this way stay open. Pure.
 */
import { daysBetween } from './days.js';
import type { AccessKeyRecord, UserRecord } from './model.js';
import type { RotationConfig } from './policy/types.js';

/** A user's two active keys read as a rotation: the replaced key and its likely replacement. */
export interface LikelyRotation {
  readonly oldKey: AccessKeyRecord;
  readonly newKey: AccessKeyRecord;
  /** Whole days since the new key's creation (0 for one dated in the future). */
  readonly newKeyAgeDays: number;
  /** The policy's switch-over window, in days. */
  readonly switchOverDays: number;
}

/**
 * The user's likely rotation: exactly two active keys, exactly one of them younger than the
 * switch-over window (whole days, as every age). Null otherwise: one key, two young keys (not how a
 * rotation looks) or two old ones (the window is over, whoever made the new key).
 */
export function likelyRotation(user: UserRecord, rotation: RotationConfig, now: Date): LikelyRotation | null {
  const active = user.accessKeys.filter((k) => k.status === 'Active');
  const [a, b] = active;
  if (active.length !== 2 || a === undefined || b === undefined) return null;
  const window = rotation.deactivateAfterDays - rotation.rotateAfterDays;
  const ageA = Math.max(0, daysBetween(a.createDate, now));
  const ageB = Math.max(0, daysBetween(b.createDate, now));
  const youngA = ageA < window;
  const youngB = ageB < window;
  if (youngA === youngB) return null;
  return youngA
    ? { oldKey: b, newKey: a, newKeyAgeDays: ageA, switchOverDays: window }
    : { oldKey: a, newKey: b, newKeyAgeDays: ageB, switchOverDays: window };
}
