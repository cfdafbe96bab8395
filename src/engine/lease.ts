/**
 * One run acts on an account at a time: a use case that changes AWS runs under the account's lease,
 * when the journal offers leases (a shared DynamoDB journal; the file journal does not). While it
 * runs, the lease is renewed on a timer (its heartbeat, every third of its term) and before a change
 * once a third of it has passed, so a live run keeps it, a crashed run's lease lapses at most
 * `durationSeconds` after its last renewal, and a run whose last renewal is older than two
 * heartbeats can be told apart from a live one (and released by hand).
 */
import { callerAccountId } from '../aws/caller-account.js';
import {
  type AccountLease,
  type Journal,
  type JournalLockHolder,
  LeaseHeldError,
  LeaseLostError,
} from '../journal/journal.js';
import type { Clock, HeartbeatTimer, RemediationDeps } from './types.js';

/** What a use case running under a lease is given. */
export interface LeaseScope {
  /** The account the lease is on; null when the journal has no leases (nothing was asked of STS). */
  readonly accountId: string | null;
  /** Call before each change and at long pauses: renews the lease when due; throws when it was lost. */
  readonly keep: () => Promise<void>;
}

/** A scope with no lease: what a journal without leases gives (the file journal's lock keeps runs apart). */
export const NO_LEASE: LeaseScope = { accountId: null, keep: async () => {} };

/**
 * A run renews its lease this many times per term: a live run's last renewal is at most one
 * interval old, one older than two intervals belongs to a run that stopped, and that still leaves
 * an interval before it lapses.
 */
const HEARTBEATS_PER_TERM = 3;

/** The default heartbeat: an unref'd `setInterval`, so it never keeps the process alive. */
const intervalHeartbeat: HeartbeatTimer = (intervalMs, beat) => {
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * A lease as another run sees it at `now`: `live` (renewed within two heartbeats),
 * `stopped-heartbeating` (its holder missed two: probably dead, though the lease still holds) or
 * `lapsed` (free to take). The heartbeat is the holder's: its term (`until - renewedAt`) over
 * {@link HEARTBEATS_PER_TERM}, so runs with different `leaseSeconds` judge each other right.
 */
type LeaseState = 'live' | 'stopped-heartbeating' | 'lapsed';

function leaseState(lease: AccountLease, now: Date): LeaseState {
  const untilMs = Date.parse(lease.until);
  const renewedMs = Date.parse(lease.renewedAt);
  if (untilMs < now.getTime()) return 'lapsed';
  const heartbeatMs = (untilMs - renewedMs) / HEARTBEATS_PER_TERM;
  return now.getTime() - renewedMs > 2 * heartbeatMs ? 'stopped-heartbeating' : 'live';
}

/** The file journal's lock, held by a run in a process that is still running. */
interface JournalLockHold extends JournalLockHolder {
  readonly kind: 'journal-lock';
  /** The journal file. */
  readonly location: string;
}

/**
 * Another run holds a lease on the account, or the file journal's lock: nothing was done. A lock's
 * holder is always live: one whose process is gone is taken over.
 */
export type HeldElsewhere =
  | {
      readonly lease: AccountLease;
      /** `stopped-heartbeating`: its holder is probably dead; `keywarden journal release` frees it. */
      readonly holder: 'live' | 'stopped-heartbeating';
    }
  | { readonly lease: JournalLockHold; readonly holder: 'live' };

/** What keeps a run from starting: another run's lease on the account, or the file journal's lock. */
export type RunHold = AccountLease | JournalLockHold;

/** Who holds what, in a few words for a one-line message (a live holder). */
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
  | ({ readonly kind: 'held-elsewhere' } & HeldElsewhere)
  | { readonly kind: 'ran'; readonly value: T };

/**
 * Runs `fn` holding the lease of the account `deps.clients` work in, under the name of `holder`,
 * heartbeating it on `deps.heartbeat` (default {@link intervalHeartbeat}), and releases it
 * afterwards (also when `fn` throws; a release that fails leaves it to lapse). A file journal is
 * locked for the run instead: one run at a time uses it.
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
      holder: 'live',
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
  const now = deps.clock();
  let lease: AccountLease;
  try {
    lease = await leases.acquire({ accountId, ...holder, now });
  } catch (error) {
    if (!(error instanceof LeaseHeldError)) throw error;
    const state = leaseState(error.holder, now);
    return {
      kind: 'held-elsewhere',
      lease: error.holder,
      holder: state === 'live' ? 'live' : 'stopped-heartbeating',
    };
  }
  let renewedMs = Date.parse(lease.renewedAt);
  let renewing: Promise<void> | null = null;
  /** Set when a heartbeat found the lease taken: the next `keep` stops the run. */
  let lost: LeaseLostError | null = null;
  const renewEveryMs = (leases.durationSeconds * 1000) / HEARTBEATS_PER_TERM;
  // One renewal at a time: the heartbeat and `keep` share it.
  const renew = (at: Date): Promise<void> => {
    renewing ??= leases
      .renew(lease, at)
      .then(
        (renewed) => {
          lease = renewed;
          renewedMs = at.getTime();
        },
        (error: unknown) => {
          if (error instanceof LeaseLostError) lost = error;
          throw error;
        },
      )
      .finally(() => {
        renewing = null;
      });
    return renewing;
  };
  const stopHeartbeat = (deps.heartbeat ?? intervalHeartbeat)(renewEveryMs, async () => {
    if (lost !== null) return;
    // A heartbeat that fails (DynamoDB unreachable) is tried again at the next one, and `keep`
    // renews before the next change anyway; a lost lease is kept for `keep` to throw.
    await renew(deps.clock()).catch(() => {});
  });
  const keep = async () => {
    await renewing?.catch(() => {});
    if (lost !== null) throw lost;
    const at = deps.clock();
    if (at.getTime() - renewedMs < renewEveryMs) return;
    await renew(at);
  };
  try {
    return { kind: 'ran', value: await fn({ accountId, keep }) };
  } finally {
    stopHeartbeat();
    await leases.release(lease).catch(() => {});
  }
}

/** A lease as `keywarden journal leases` shows it. */
export interface LeaseView {
  readonly lease: AccountLease;
  readonly state: LeaseState;
  /** Since the run took it, at the clock it was judged by. */
  readonly ageSeconds: number;
}

/** The journal's leases as judged at one instant; null when the journal has no leases (a file journal). */
export async function listLeases(
  journal: Journal,
  clock: Clock,
  filter: { readonly accountId?: string } = {},
): Promise<{ readonly at: Date; readonly leases: readonly LeaseView[] } | null> {
  if (journal.leases === undefined) return null;
  const leases = await journal.leases.list(filter);
  const at = clock();
  return {
    at,
    leases: leases.map((lease) => ({
      lease,
      state: leaseState(lease, at),
      ageSeconds: Math.max(0, Math.floor((at.getTime() - Date.parse(lease.since)) / 1000)),
    })),
  };
}

export type ReleaseResult =
  /** The journal has no leases (a file journal). */
  | { readonly kind: 'no-leases' }
  | { readonly kind: 'not-held'; readonly accountId: string }
  /** Its holder is live and `force` was not given: nothing was done. */
  | { readonly kind: 'refused-live'; readonly lease: AccountLease }
  | { readonly kind: 'released'; readonly lease: AccountLease; readonly state: LeaseState }
  /** Renewed, taken or released between reading and deleting it: nothing was done. */
  | { readonly kind: 'changed'; readonly seen: AccountLease; readonly current: AccountLease | null };

/**
 * Releases the lease on `accountId` when its holder stopped heartbeating or it lapsed; a live
 * holder's only with `force` (it then stops before its next change, when its renewal finds the
 * lease gone). Only the record read is removed: one renewed in the meantime is left alone.
 */
export async function releaseLease(
  journal: Journal,
  clock: Clock,
  request: { readonly accountId: string; readonly force: boolean },
): Promise<ReleaseResult> {
  const leases = journal.leases;
  if (leases === undefined) return { kind: 'no-leases' };
  const [lease] = await leases.list({ accountId: request.accountId });
  if (lease === undefined) return { kind: 'not-held', accountId: request.accountId };
  const state = leaseState(lease, clock());
  if (state === 'live' && !request.force) return { kind: 'refused-live', lease };
  const out = await leases.releaseIfUnchanged(lease);
  return out.kind === 'released'
    ? { kind: 'released', lease, state }
    : { kind: 'changed', seen: lease, current: out.current };
}
