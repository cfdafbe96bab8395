/**
 * One run acts on an account at a time: a use case that changes AWS runs under the account's lease,
 * when the journal offers leases (a shared DynamoDB journal; the file journal does not). The lease
 * is renewed as the run goes on, before a change once a third of it has passed, so a long run keeps
 * it and a crashed run's lease lapses at most `durationSeconds` after its last renewal.
 */
import { callerAccountId } from '../aws/caller-account.js';
import type { AccountLease, JournalLockHolder } from '../journal/journal.js';
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

/** The file journal's lock, held by a run in a process that is still running. */
export interface JournalLockHold extends JournalLockHolder {
  readonly kind: 'journal-lock';
  /** The journal file. */
  readonly location: string;
}

/** What keeps a run from starting: another run's lease on the account, or the file journal's lock. */
export type RunHold = AccountLease | JournalLockHold;

/** Who holds what, in a few words for a one-line message. */
export function describeHold(hold: RunHold): string {
  if ('kind' in hold) {
    return (
      `the journal ${hold.location} is in use by run ${hold.runId} (${hold.command}, ` +
      `process ${hold.pid} on ${hold.hostname}) since ${hold.since}`
    );
  }
  return (
    `account ${hold.accountId} is held by run ${hold.runId} (${hold.command}) since ${hold.since}, ` +
    `until ${hold.until} unless renewed`
  );
}

export type UnderLease<T> =
  /** Another run holds the account (a live lease) or the file journal (its lock): nothing was done. */
  { readonly kind: 'held-elsewhere'; readonly lease: RunHold } | { readonly kind: 'ran'; readonly value: T };

/**
 * Runs `fn` holding the lease of the account `deps.clients` work in, under the name of `holder`,
 * and releases it afterwards (also when `fn` throws; a release that fails leaves it to lapse). A
 * file journal is locked for the run instead: one run at a time uses it.
 */
export async function underAccountLease<T>(
  deps: RemediationDeps,
  holder: { readonly runId: string; readonly command: string },
  fn: (scope: LeaseScope) => Promise<T>,
): Promise<UnderLease<T>> {
  const journal = deps.journal;
  if (journal.lockRun === undefined) return underLease(deps, holder, fn);
  const lock = await journal.lockRun({ ...holder, now: deps.clock() });
  if (lock.kind === 'held') {
    return {
      kind: 'held-elsewhere',
      lease: { kind: 'journal-lock', ...lock.holder, location: journal.location },
    };
  }
  try {
    return await underLease(deps, holder, fn);
  } finally {
    await lock.release();
  }
}

async function underLease<T>(
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
