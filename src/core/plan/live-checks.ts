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
