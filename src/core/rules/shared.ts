import type { AccessKeyRecord, UserRecord } from '../model.js';
import type { RuleVerdict, Violation } from './types.js';

/** Shared, frozen verdicts so the common (compliant) path allocates nothing. */
export const NOT_APPLICABLE: RuleVerdict = Object.freeze({ kind: 'not-applicable' });
const COMPLIANT: RuleVerdict = Object.freeze({ kind: 'evaluated', violations: Object.freeze([]) });

/** Wraps collected violations; an empty or missing list is the shared COMPLIANT verdict. */
export function verdict(violations: Violation[] | undefined): RuleVerdict {
  return violations === undefined || violations.length === 0 ? COMPLIANT : { kind: 'evaluated', violations };
}

/** Most rules only judge users with an active key; inactive keys cannot be used to sign requests. */
export function hasActiveKey(user: UserRecord): boolean {
  for (const key of user.accessKeys) if (key.status === 'Active') return true;
  return false;
}

/**
 * Names a key in a sentence after "access key": its id, else (an audit with `--key-ids none`) its
 * slot and creation day, `1 (created 2025-01-02)`, the two things that tell a user's keys apart. A
 * key whose id is ambiguous is named by slot only: two keys share a creation time, and guessing
 * would point an operator at the wrong key.
 */
export function keyLabel(key: AccessKeyRecord): string {
  if (key.idAmbiguous) return `in slot ${key.slot}`;
  return key.accessKeyId ?? `${key.slot} (created ${key.createDate.toISOString().slice(0, 10)})`;
}

/** The clause appended when a key's id is ambiguous; empty otherwise. */
export function keyIdNote(key: AccessKeyRecord): string {
  return key.idAmbiguous ? '; its key id could not be determined because two keys share a creation time' : '';
}

/** `1 day`, `2 days`: findings are read by people. */
export function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
