/**
 * One run in the journal: run-started … an intent before and an outcome after each action …
 * run-finished, and the results the operator sees. An intent is durable before its action touches
 * AWS; an action that throws is recorded as failed, never left without an outcome. With a shared
 * journal, the run claims each action before its intent: an action another run holds is skipped,
 * naming that run, and never attempted.
 */

import { type RemediationClients, UnsettledOutcomeError } from '../../aws/apply/types.js';
import { actionAccessKeyId } from '../../core/actions/registry.js';
import type { RunCommand } from '../../core/journal/records.js';
import {
  type ActionOutcome,
  type ActionResult,
  failed,
  type IntentStamp,
  skipped,
} from '../../core/plan/outcome.js';
import type { AnyAction } from '../../core/plan/types.js';
import { ClaimHeldError, type IntentHolder, type Journal } from '../../journal/journal.js';
import { DEFAULT_TIMEOUTS, type Timeouts } from '../../sdk/connection.js';
import { errorLine } from '../../sdk/errors.js';

export interface RecorderOptions {
  readonly journal: Journal;
  /** Stamps the journal's records. */
  readonly now: () => Date;
  /** The clients of the account an action is in (assumed roles, later). */
  readonly clientsFor: (accountId: string) => RemediationClients | Promise<RemediationClients>;
  /** Progress for the operator; never secrets. */
  readonly onResult?: (result: ActionResult) => void;
  /** The account the run acts in, recorded in its `run-started` when known (a run under a lease). */
  readonly accountId?: string | null;
  /**
   * Called before each change (not before the clean-up of the run's own keys): renews the run's
   * lease on the account, and throws when it was lost, which stops the run there.
   */
  readonly beforeChange?: () => Promise<void>;
  /**
   * How long a create-key may run from its intent, live re-check and call together; the call is
   * abandoned at its end. Journaled with the intent as `answerBy`, it bounds the window in which a
   * key the call made can be told from someone else's, even after a crash. Default
   * {@link callWindowMs} of the default timeouts.
   */
  readonly callWindowMs?: number;
}

/**
 * A create-key's window: room for the live re-check and one retry of a throttled call, each bounded
 * by the connect and request timeouts.
 */
export function callWindowMs(timeouts: Timeouts): number {
  return 2 * (timeouts.connectMs + timeouts.requestMs);
}

/** Why an action another run holds is not attempted. */
function heldElsewhere(holder: IntentHolder): string {
  return `run ${holder.runId} holds this action: its intent (${holder.since}) has no outcome yet, so this run leaves it alone`;
}

export class RunRecorder {
  private readonly counts = { done: 0, skipped: 0, failed: 0 };
  private readonly clients = new Map<string, Promise<RemediationClients>>();
  private resumeOf: string | null = null;

  constructor(
    private readonly options: RecorderOptions,
    readonly runId: string,
  ) {}

  /** The run's clock (the service's time). */
  now(): Date {
    return this.options.now();
  }

  private at(): string {
    return this.options.now().toISOString();
  }

  async start(
    command: RunCommand,
    resumeOf: string | null,
    planned: number,
    deferred: number,
  ): Promise<void> {
    this.resumeOf = resumeOf;
    const accountId = this.options.accountId ?? null;
    await this.options.journal.append({
      v: 1,
      type: 'run-started',
      runId: this.runId,
      at: this.at(),
      command,
      resumeOf,
      ...(accountId === null ? {} : { accountId }),
      planned,
      deferred,
    });
  }

  /**
   * Journals the action's intent; first, with `claim` and a journal that has claims, claims it.
   * Returns null, or the outcome to record instead of acting: skipped, because another run holds it.
   */
  async intent(
    action: AnyAction,
    options: { readonly claim: boolean } = { claim: true },
  ): Promise<ActionOutcome | null> {
    return (await this.stampedIntent(action, options)).refused;
  }

  private async stampedIntent(
    action: AnyAction,
    options: { readonly claim: boolean },
  ): Promise<{ readonly refused: ActionOutcome | null; readonly stamp: IntentStamp }> {
    const now = this.options.now();
    const at = now.toISOString();
    const answerBy =
      action.type === 'create-key'
        ? new Date(now.getTime() + (this.options.callWindowMs ?? callWindowMs(DEFAULT_TIMEOUTS)))
        : null;
    const holder = options.claim ? await this.claim(action, at) : null;
    await this.options.journal.append({
      v: 1,
      type: 'intent',
      runId: this.runId,
      at,
      actionId: action.id,
      action,
      ...(answerBy === null ? {} : { answerBy: answerBy.toISOString() }),
    });
    return { refused: holder === null ? null : skipped(heldElsewhere(holder)), stamp: { at: now, answerBy } };
  }

  /** Claims the action when the journal has claims: null when this run holds it, else the run that does. */
  private async claim(action: AnyAction, at: string): Promise<IntentHolder | null> {
    const claims = this.options.journal.intents;
    if (claims === undefined) return null;
    try {
      await claims.claim({
        actionId: action.id,
        accountId: action.accountId,
        runId: this.runId,
        resumeOf: this.resumeOf,
        at,
      });
      return null;
    } catch (error) {
      if (error instanceof ClaimHeldError) return error.holder;
      throw error;
    }
  }

  async outcome(action: AnyAction, outcome: ActionOutcome): Promise<ActionResult> {
    await this.options.journal.append({
      v: 1,
      type: 'outcome',
      runId: this.runId,
      at: this.at(),
      actionId: action.id,
      status: outcome.status,
      reason: outcome.reason,
      requestId: outcome.requestId,
      ...(outcome.newAccessKeyId === undefined ? {} : { newAccessKeyId: outcome.newAccessKeyId }),
      ...(outcome.secretArn === undefined ? {} : { secretArn: outcome.secretArn }),
      ...(outcome.deliveries === undefined ? {} : { deliveries: outcome.deliveries }),
    });
    this.counts[outcome.status] += 1;
    return this.report(resultOf(action, outcome.status, outcome.reason, outcome.newAccessKeyId));
  }

  /**
   * The lease kept (unless `keepLease` is false), the intent, then `run` (which checks live state
   * and acts), then the outcome; `run` may throw. An action another run holds is not run.
   */
  async record(
    action: AnyAction,
    run: (clients: RemediationClients, intent: IntentStamp) => Promise<ActionOutcome>,
    options: { readonly keepLease: boolean } = { keepLease: true },
  ): Promise<ActionResult> {
    if (options.keepLease) await this.options.beforeChange?.();
    const { refused, stamp } = await this.stampedIntent(action, { claim: true });
    if (refused !== null) return this.outcome(action, refused);
    let outcome: ActionOutcome;
    try {
      outcome = await run(await this.clientsFor(action.accountId), stamp);
    } catch (error) {
      // An outcome nobody could settle is left without one, as a crash would leave it: a resume
      // settles it from live state.
      if (error instanceof UnsettledOutcomeError) throw error;
      outcome = failed(errorLine(error));
    }
    return this.outcome(action, outcome);
  }

  /** A result that is not journaled: a deferred action, or a recovery step that found nothing to do. */
  unjournaled(result: ActionResult): ActionResult {
    return this.report(result);
  }

  async finish(deferred: number): Promise<void> {
    await this.options.journal.append({
      v: 1,
      type: 'run-finished',
      runId: this.runId,
      at: this.at(),
      ...this.counts,
      deferred,
    });
  }

  clientsFor(accountId: string): Promise<RemediationClients> {
    let clients = this.clients.get(accountId);
    if (clients === undefined) {
      clients = Promise.resolve()
        .then(() => this.options.clientsFor(accountId))
        .catch((error: unknown) => {
          throw new Error(`cannot get AWS clients for account ${accountId}: ${errorLine(error)}`, {
            cause: error,
          });
        });
      this.clients.set(accountId, clients);
    }
    return clients;
  }

  private report(result: ActionResult): ActionResult {
    this.options.onResult?.(result);
    return result;
  }
}

/** The operator's view of an action's outcome. */
export function resultOf(
  action: AnyAction,
  status: ActionResult['status'],
  reason: string | null,
  newAccessKeyId: string | undefined,
): ActionResult {
  const secretName =
    action.type === 'create-key' || action.type === 'store-secret'
      ? action.secretName
      : action.type === 'notify' && action.secretName !== null
        ? action.secretName
        : undefined;
  return {
    actionId: action.id,
    type: action.type,
    accountId: action.accountId,
    userName: action.userName,
    accessKeyId: actionAccessKeyId(action),
    status,
    reason,
    ...(newAccessKeyId === undefined ? {} : { newAccessKeyId }),
    ...(secretName === undefined ? {} : { secretName }),
  };
}
