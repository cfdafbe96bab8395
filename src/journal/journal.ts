/**
 * The journal: where every run records its intents and outcomes. This interface is what the engine
 * uses; the file journal (./file-journal.ts, append-only JSON lines, each record flushed to disk
 * before `append` resolves) is the CLI's default, so an intent is durable before its action starts
 * and an outcome before the next one. A journal that several runs share at once (DynamoDB,
 * ./dynamodb/journal.ts) also offers account leases and intent claims, so two runs never act on the
 * same thing together.
 */
import type { JournalRecord } from '../core/journal/records.js';
import type { JournalLockHolder } from './file-lock.js';

export type { JournalLockHolder } from './file-lock.js';

export interface Journal {
  /** Where the journal is, for messages: a file path, or `dynamodb://TABLE`. */
  readonly location: string;
  /**
   * Makes one record durable. Rejects when it cannot: no action may start unjournaled. Records are
   * read back in the order they were appended. An outcome releases the claim its run holds on the
   * action (see {@link JournalIntentClaims}).
   */
  append(record: JournalRecord): Promise<void>;
  /**
   * Every record so far; a journal that does not exist yet is empty, and says so with `absent`
   * (no file at its path: nothing was ever journaled there, which an audit tells from empty).
   */
  read(): Promise<{ records: JournalRecord[]; warnings: string[]; absent?: boolean }>;
  /**
   * One run acts on an account at a time. Absent (the file journal): its {@link lockRun} lets one
   * run at a time use the whole file instead; share a DynamoDB journal to run concurrently.
   */
  readonly leases?: JournalLeases;
  /** An action's intent is held by one run at a time. Absent (the file journal): no claims. */
  readonly intents?: JournalIntentClaims;
  /**
   * One run at a time per journal (the file journal): a run that changes AWS holds the journal's
   * lock for its whole length. Re-entrant within one journal object, so the accounts of one
   * multi-account run share it. Absent (DynamoDB): leases and claims keep runs apart instead.
   */
  lockRun?(holder: {
    readonly runId: string;
    readonly command: string;
    readonly now: Date;
  }): Promise<RunLockAttempt>;
  /** Who holds the run lock now and whether its process still runs; null when nobody does. */
  lockHolder?(): Promise<{ readonly holder: JournalLockHolder; readonly alive: boolean } | null>;
  /** Fails fast when the journal cannot be used at all (a table that does not exist). */
  verify?(): Promise<void>;
  /** Releases what the journal holds open (an SDK client's sockets). */
  close?(): void;
}

/** A run's hold on one account: while it lasts, no other run acts there. Times are ISO-8601. */
export interface AccountLease {
  readonly accountId: string;
  /** The run that holds it. */
  readonly runId: string;
  /** What that run is doing: `apply`, `resume`, `rotate`, `undo`. */
  readonly command: string;
  /** When the run took it. */
  readonly since: string;
  /** When it was last taken or renewed: its holder's last heartbeat (`since` in older records). */
  readonly renewedAt: string;
  /** When it lapses unless renewed. */
  readonly until: string;
}

type RunLockAttempt =
  | { readonly kind: 'acquired'; readonly release: () => Promise<void> }
  /** Another run, in a process that is still running, holds the journal. */
  | { readonly kind: 'held'; readonly holder: JournalLockHolder };

export interface JournalLeases {
  /** How long a lease holds after it is taken or renewed. */
  readonly durationSeconds: number;
  /**
   * Takes the account's lease, or throws a {@link LeaseHeldError} naming the run that holds a live
   * one; `now` is the engine's clock.
   */
  acquire(request: {
    readonly accountId: string;
    readonly runId: string;
    readonly command: string;
    readonly now: Date;
  }): Promise<AccountLease>;
  /** Extends a lease this run holds; a {@link LeaseLostError} when another run has taken it since. */
  renew(lease: AccountLease, now: Date): Promise<AccountLease>;
  /** Gives the lease up (a no-op when another run holds it by now). */
  release(lease: AccountLease): Promise<void>;
  /**
   * The lease records, lapsed ones too (until TTL removes them), ordered by account; with
   * `accountId`, that account's only. For people looking at who holds what.
   */
  list(filter?: { readonly accountId?: string }): Promise<AccountLease[]>;
  /**
   * Removes the lease exactly as `seen` was read (same run, same taking, same last renewal), for
   * someone releasing a dead run's lease: a lease renewed or taken since is left alone.
   */
  releaseIfUnchanged(seen: AccountLease): Promise<LeaseRelease>;
}

export type LeaseRelease =
  | { readonly kind: 'released' }
  /** It changed since it was read: `current` is what is there now (null: nothing). */
  | { readonly kind: 'changed'; readonly current: AccountLease | null };

/** The run that holds an action's intent, and since when. */
export interface IntentHolder {
  readonly runId: string;
  readonly since: string;
}

/**
 * Claims make "an intent for a given action is written once" hold across runs: a run claims an
 * action before journaling its intent, and its outcome releases the claim. A claim held by another
 * run is taken over only when that run is finished, was recovered by a finished resume, or is the
 * run this one resumes; otherwise the action is not attempted.
 */
export interface JournalIntentClaims {
  /** Makes `runId` hold the action, or throws a {@link ClaimHeldError} naming the run that does. */
  claim(request: {
    readonly actionId: string;
    readonly accountId: string;
    readonly runId: string;
    /** The interrupted run this one completes: its claims are this run's to take. */
    readonly resumeOf: string | null;
    readonly at: string;
  }): Promise<void>;
}

/**
 * A journal that cannot be read or written, or that refused what a run asked of it (a lease or a
 * claim another run holds).
 */
export class JournalError extends Error {
  override readonly name: string = 'JournalError';
}

/** A run's lease on its account passed to another run (this one stopped renewing it in time). */
export class LeaseLostError extends JournalError {
  override readonly name = 'LeaseLostError';
  constructor(
    readonly lease: AccountLease,
    /** The lease that replaced it; null when there is none (released or expired and removed). */
    readonly holder: AccountLease | null,
  ) {
    super(
      `run ${lease.runId} lost its lease on account ${lease.accountId}` +
        (holder === null ? '' : ` to run ${holder.runId} (${holder.command}, since ${holder.since})`) +
        '; it stopped before its next change. Finish it later with: keywarden apply --resume',
    );
  }
}

/** Another run holds a live lease on the account: nothing was done. */
export class LeaseHeldError extends JournalError {
  override readonly name = 'LeaseHeldError';
  constructor(
    /** The lease that holds the account: its run, since and until when. */
    readonly holder: AccountLease,
    options?: { cause?: unknown },
  ) {
    super(
      `account ${holder.accountId} is held by run ${holder.runId} (${holder.command}) since ${holder.since}, ` +
        `until ${holder.until} unless renewed`,
      options,
    );
  }
}

/** Another run holds the action: its intent has no outcome yet, so this run leaves the action alone. */
export class ClaimHeldError extends JournalError {
  override readonly name = 'ClaimHeldError';
  constructor(
    readonly actionId: string,
    /** The run that holds it, and since when. */
    readonly holder: IntentHolder,
    options?: { cause?: unknown },
  ) {
    super(
      `run ${holder.runId} holds action ${actionId}: its intent (${holder.since}) has no outcome yet`,
      options,
    );
  }
}
