/**
 * The live re-check's vocabulary: what IAM holds for a user right before a change (read by
 * src/aws/apply/live-state.ts) and the verdict on it. Each action's own verdict, a pure function of
 * what was read, is in its definition (src/core/actions/<type>.ts), so each skip reason is tested
 * without AWS.
 */

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

export const OK: LiveCheck = { ok: true };
export const skip = (reason: string): LiveCheck => ({ ok: false, reason });

/** IAM stores whole seconds; compare at that grain so a re-read of the same use is not "later". */
export function seconds(date: Date | string): number {
  return Math.floor(new Date(date).getTime() / 1000);
}

/** True when `live` is a use after the one the plan saw (`planned` null = never used). */
export function usedSince(live: Date | null, planned: string | null): boolean {
  if (live === null) return false;
  return planned === null || seconds(live) > seconds(planned);
}

export function describeUse(date: Date | string | null): string {
  return date === null ? 'never' : new Date(date).toISOString();
}

export function usedSinceReason(accessKeyId: string, live: Date | null, planned: string | null): string {
  return (
    `access key ${accessKeyId} was used since the plan (last used ${describeUse(live)}, ` +
    `the plan saw ${describeUse(planned)}); plan again`
  );
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
