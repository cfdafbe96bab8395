/**
 * When did a key's current inactive spell start? IAM does not say: it keeps no date of a status
 * change. Keywarden knows only what its own journal recorded (it deactivated the key, or first saw
 * it inactive, or later saw it Active again). A journal date stands only as long as live state
 * agrees with it: a key seen Active, reactivated or used after the record has been active since,
 * so the record no longer tells when it became inactive, and the next inactive sighting starts a
 * new window with the whole grace period.
 */
import type { KeyStatus } from '../model.js';

/** What the journal recorded about one key, in journal order. */
export type KeyEventKind =
  /** A done deactivate-key. */
  | 'deactivated'
  /** A deactivate-key whose run stopped before its outcome: IAM may have applied it. */
  | 'deactivation-unconfirmed'
  /** A done note-inactive: Keywarden's first sighting of the key inactive. */
  | 'seen-inactive'
  /** A done note-active: Keywarden saw the key Active after a record of it going inactive. */
  | 'seen-active'
  /** A done reactivate-key (undo). */
  | 'reactivated';

export interface KeyEvent {
  readonly kind: KeyEventKind;
  readonly at: Date;
}

/** The key as IAM shows it now: what a journal date must agree with. */
export interface LiveKeyState {
  readonly status: KeyStatus;
  /** Null when never used. */
  readonly lastUsedDate: Date | null;
}

const WENT_INACTIVE: ReadonlySet<KeyEventKind> = new Set([
  'deactivated',
  'deactivation-unconfirmed',
  'seen-inactive',
]);

/**
 * The journal's own open record of the key going inactive: the latest such record that no later
 * sighting as Active or reactivation closed; null when there is none. The latest counts, because a
 * later date can only delay a deletion.
 */
export function openInactiveRecord(events: readonly KeyEvent[]): Date | null {
  let since: Date | null = null;
  for (const e of events) since = WENT_INACTIVE.has(e.kind) ? e.at : null;
  return since;
}

/**
 * When the key's inactive window started, from the journal and live state together; null when no
 * record stands (the key is Active, nothing was recorded, or the record was closed or outlived by
 * a use), in which case an inactive key gets a first sighting and the whole grace period.
 */
export function inactiveWindowStart(events: readonly KeyEvent[], live: LiveKeyState): Date | null {
  if (live.status !== 'Inactive') return null;
  const since = openInactiveRecord(events);
  if (since === null) return null;
  const used = live.lastUsedDate;
  return used !== null && used.getTime() > since.getTime() ? null : since;
}

/**
 * True when the key is Active now but the journal still holds an open record of it going inactive:
 * the run journals that it saw the key Active (note-active), which closes that record for good, so a
 * later inactive state is a new first sighting however the key became inactive again.
 */
export function closesInactiveRecord(events: readonly KeyEvent[], live: LiveKeyState): boolean {
  return live.status === 'Active' && openInactiveRecord(events) !== null;
}
