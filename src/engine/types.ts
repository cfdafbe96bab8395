/**
 * What every use case of the engine is given: the account's clients, the journal, the notifier and
 * the clock. The CLI, the demo and the tests put these together from the engine's pieces (the
 * clients and clock of connectAccount, the journal, the notifier); the Lambda handlers get them from
 * src/engine/handler-deps.ts. None of them repeats the sequence a use case runs.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Notifier } from '../channels/types.js';
import type { ActionResult } from '../core/plan/outcome.js';
import type { Journal } from '../journal/journal.js';
import type { AwsClients } from '../sdk/clients.js';
import type { Timeouts } from '../sdk/connection.js';

/** The clients of the account a use case works in. */
export interface AccountClients extends AwsClients {
  readonly secretsManager: SecretsManagerClient;
}

/** "Now" for every decision, and for the journal's timestamps. */
export type Clock = () => Date;

/**
 * Calls `beat` every `intervalMs` until the returned function is called: how a run renews its
 * account's lease while it holds it (src/engine/lease.ts). Tests pass one they drive by hand.
 */
export type HeartbeatTimer = (intervalMs: number, beat: () => Promise<void>) => () => void;

/** What an audit needs: read-only. */
export interface AuditDeps {
  readonly clients: AwsClients;
  readonly clock: Clock;
  /** Progress for a terminal; never secrets. */
  readonly onProgress?: (message: string) => void;
  /** How long to wait between credential-report polls (tests and the demo pass a no-op). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What remediation needs besides the audit's: somewhere to record, someone to tell. */
export interface RemediationDeps extends AuditDeps {
  readonly clients: AccountClients;
  readonly journal: Journal;
  readonly notifier: Notifier | null;
  /** Each action's result as it happens; never secrets. */
  readonly onResult?: (result: ActionResult) => void;
  /**
   * The account the clients work in, when the caller already knows it (a multi-account run): runs
   * are then journaled with it, and only its own interrupted runs count, even without leases.
   */
  readonly accountId?: string;
  /** Asked before each change: true stops the run after the action in flight (Ctrl-C, SIGTERM). */
  readonly shouldStop?: () => boolean;
  /** The clients' timeouts (default: DEFAULT_TIMEOUTS): they bound a create-key's call window. */
  readonly timeouts?: Timeouts;
  /** Renews the account's lease while a run holds it; default: every third of the lease, unref'd. */
  readonly heartbeat?: HeartbeatTimer;
}
