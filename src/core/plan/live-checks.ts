/**
 * The live re-check's verdicts: whether what IAM holds for a user right before a change still
 * matches what the plan assumed (or, for a recovery action, what it needs). Pure functions of what
 * was read (src/aws/apply/live-state.ts reads it), so each skip reason is tested without AWS; the
 * executors only read, ask, and act.
 */
import type {
  CleanupKeyAction,
  CreateKeyAction,
  DeactivateKeyAction,
  DeleteKeyAction,
  DeleteLoginProfileAction,
  NoteActiveAction,
  NoteInactiveAction,
  ReactivateKeyAction,
} from './types.js';

export interface LiveKey {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly createDate: Date | null;
}

export interface LiveLoginProfile {
  /** Null when the user has no login profile. */
  readonly createDate: Date | null;
  readonly passwordLastUsed: Date | null;
}

/** The go-ahead, or why the action is skipped (one sentence, shown to the operator). */
export type LiveCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: LiveCheck = { ok: true };
const skip = (reason: string): LiveCheck => ({ ok: false, reason });

/** IAM stores whole seconds; compare at that grain so a re-read of the same use is not "later". */
function seconds(date: Date | string): number {
  return Math.floor(new Date(date).getTime() / 1000);
}

/** True when `live` is a use after the one the plan saw (`planned` null = never used). */
export function usedSince(live: Date | null, planned: string | null): boolean {
  if (live === null) return false;
  return planned === null || seconds(live) > seconds(planned);
}

function describeUse(date: Date | string | null): string {
  return date === null ? 'never' : new Date(date).toISOString();
}

function usedSinceReason(accessKeyId: string, live: Date | null, planned: string | null): string {
  return (
    `access key ${accessKeyId} was used since the plan (last used ${describeUse(live)}, ` +
    `the plan saw ${describeUse(planned)}); plan again`
  );
}

export function checkCreateKey(action: CreateKeyAction, keys: readonly LiveKey[]): LiveCheck {
  const replaced = keys.find((k) => k.accessKeyId === action.replacesAccessKeyId);
  if (replaced === undefined) {
    return skip(`access key ${action.replacesAccessKeyId} no longer exists, so it needs no replacement`);
  }
  if (replaced.status !== 'Active') {
    return skip(`access key ${action.replacesAccessKeyId} is now Inactive; only an Active key is rotated`);
  }
  if (keys.length !== action.expect.accessKeyCount) {
    return skip(
      `user now has ${keys.length} access keys (the plan expected ${action.expect.accessKeyCount}); plan again`,
    );
  }
  if (keys.length >= 2) return skip('user already has 2 access keys, the IAM limit; no key can be created');
  return OK;
}

/**
 * Whether the call still fits its window (`answerBy`, journaled with the intent): a key created
 * after it could not be told from someone else's after a crash, so it is not created now.
 */
export function checkCallWindow(answerBy: Date, now: Date): LiveCheck {
  if (answerBy.getTime() - now.getTime() > 0) return OK;
  return skip(
    `the live re-check ran past ${answerBy.toISOString()}, the end of this call's window, so the key is not created now; the next run rotates it`,
  );
}

/**
 * A store needs the key it stores to exist still; unlike a skip, a store that cannot happen is a
 * failure (the key is then cleaned up: nobody holds its secret).
 */
export function checkStoreSecret(newAccessKeyId: string, keys: readonly LiveKey[]): LiveCheck {
  return keys.some((k) => k.accessKeyId === newAccessKeyId)
    ? OK
    : skip(`the new access key ${newAccessKeyId} no longer exists; nothing stored`);
}

export function checkDeactivateKey(
  action: DeactivateKeyAction,
  keys: readonly LiveKey[],
  lastUsed: Date | null,
): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Active') return skip(`access key ${action.accessKeyId} is already Inactive`);
  if (usedSince(lastUsed, action.expect.lastUsedDate)) {
    return skip(usedSinceReason(action.accessKeyId, lastUsed, action.expect.lastUsedDate));
  }
  const replacementId = action.expect.replacementAccessKeyId;
  if (replacementId !== null) {
    const replacement = keys.find((k) => k.accessKeyId === replacementId);
    if (replacement === undefined) {
      return skip(`its replacement ${replacementId} no longer exists; the user would be left without a key`);
    }
    if (replacement.status !== 'Active') {
      return skip(
        `its replacement ${replacementId} is Inactive; the user would be left without a working key`,
      );
    }
  }
  return OK;
}

/** Only the key lookup; the last use is read once the key is known to exist. */
export function checkDeleteKeyStatus(action: DeleteKeyAction, keys: readonly LiveKey[]): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Inactive') {
    return skip(`access key ${action.accessKeyId} is Active again; only an Inactive key is deleted`);
  }
  return OK;
}

export function checkDeleteKeyUse(action: DeleteKeyAction, lastUsed: Date | null): LiveCheck {
  return usedSince(lastUsed, action.expect.lastUsedDate)
    ? skip(usedSinceReason(action.accessKeyId, lastUsed, action.expect.lastUsedDate))
    : OK;
}

export function checkDeleteLoginProfile(action: DeleteLoginProfileAction, live: LiveLoginProfile): LiveCheck {
  if (live.createDate === null) return skip('the user no longer has a console password');
  if (seconds(live.createDate) !== seconds(action.expect.loginProfileCreateDate)) {
    return skip(
      `the console password was set again (login profile created ${live.createDate.toISOString()}, ` +
        `the plan saw ${action.expect.loginProfileCreateDate}); plan again`,
    );
  }
  if (usedSince(live.passwordLastUsed, action.expect.passwordLastUsed)) {
    return skip(
      `the console password was used since the plan (last used ${describeUse(live.passwordLastUsed)}, ` +
        `the plan saw ${describeUse(action.expect.passwordLastUsed)}); plan again`,
    );
  }
  return OK;
}

/** Only the key lookup; the last use is read (when it matters) once the key is known to exist. */
export function checkCleanupKey(action: CleanupKeyAction, keys: readonly LiveKey[]): LiveCheck {
  return keys.some((k) => k.accessKeyId === action.accessKeyId)
    ? OK
    : skip(`access key ${action.accessKeyId} no longer exists; nothing to clean up`);
}

/**
 * A key found by its creation time rather than by id (`requireNeverUsed`) is left alone once it
 * has been used: someone holds it.
 */
export function checkCleanupKeyUse(action: CleanupKeyAction, lastUsed: Date | null): LiveCheck {
  if (!action.requireNeverUsed || lastUsed === null) return OK;
  return skip(
    `access key ${action.accessKeyId} was used (last ${lastUsed.toISOString()}), so someone holds it; it is left alone, check who created it`,
  );
}

export function checkReactivateKey(action: ReactivateKeyAction, keys: readonly LiveKey[]): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) {
    return skip(`access key ${action.accessKeyId} no longer exists; it cannot be reactivated`);
  }
  if (key.status === 'Active') return skip(`access key ${action.accessKeyId} is already Active`);
  return OK;
}

/** A first sighting as inactive is journaled only while IAM still shows the key Inactive. */
export function checkNoteInactive(action: NoteInactiveAction, keys: readonly LiveKey[]): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Inactive') return skip(`access key ${action.accessKeyId} is Active again`);
  return OK;
}

/** A sighting as Active is journaled only while IAM still shows the key Active. */
export function checkNoteActive(action: NoteActiveAction, keys: readonly LiveKey[]): LiveCheck {
  const key = keys.find((k) => k.accessKeyId === action.accessKeyId);
  if (key === undefined) return skip(`access key ${action.accessKeyId} no longer exists`);
  if (key.status !== 'Active') return skip(`access key ${action.accessKeyId} is Inactive again`);
  return OK;
}
