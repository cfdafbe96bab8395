/**
 * One run acts on an account at a time: a use case that changes AWS runs under the account's lease,
 * when the journal offers leases (a shared DynamoDB journal; the file journal does not). The lease
 * is renewed as the run goes on, before a change once a third of it has passed, so a long run keeps
 * it and a crashed run's lease lapses at most `durationSeconds` after its last renewal.
 */
import { callerAccountId } from '../aws/caller-account.js';
import type { AccountLease } from '../journal/journal.js';
import type { RemediationDeps } from './types.js';

/** What a use case running under a lease is given. */
export interface LeaseScope {
  /** The account the lease is on; null when the journal has no leases (nothing was asked of STS). */
  readonly accountId: string | null;
  /** Call before each change and at long pauses: renews the lease when due; throws when it was lost. */
  readonly keep: () => Promise<void>;
}

/** A scope with no lease: what the file journal gives, and what direct callers of applyPlan get. */
export const NO_LEASE: LeaseScope = { accountId: null, keep: async () => {} };

export type UnderLease<T> =
  /** Another run holds a live lease on the account: nothing was done. */
  | { readonly kind: 'held-elsewhere'; readonly lease: AccountLease }
  | { readonly kind: 'ran'; readonly value: T };

/**
 * Runs `fn` holding the lease of the account `deps.clients` work in, under the name of `holder`,
 * and releases it afterwards (also when `fn` throws; a release that fails leaves it to lapse).
 */
export async function underAccountLease<T>(
  deps: RemediationDeps,
  holder: { readonly runId: string; readonly command: string },
  fn: (scope: LeaseScope) => Promise<T>,
): Promise<UnderLease<T>> {
  const leases = deps.journal.leases;
  if (leases === undefined) {
    const scope = deps.accountId === undefined ? NO_LEASE : { ...NO_LEASE, accountId: deps.accountId };
    return { kind: 'ran', value: await fn(scope) };
  }
  const accountId = await callerAccountId(deps.clients.sts);
  const attempt = await leases.acquire({ accountId, ...holder, now: deps.clock() });
  if (attempt.kind === 'held') return { kind: 'held-elsewhere', lease: attempt.lease };
  let lease = attempt.lease;
  let renewedMs = Date.parse(lease.since);
  const renewEveryMs = (leases.durationSeconds * 1000) / 3;
  const keep = async () => {
    const now = deps.clock();
    if (now.getTime() - renewedMs < renewEveryMs) return;
    lease = await leases.renew(lease, now);
    renewedMs = now.getTime();
  };
  try {
    return { kind: 'ran', value: await fn({ accountId, keep }) };
  } finally {
    await leases.release(lease).catch(() => {});
  }
}
