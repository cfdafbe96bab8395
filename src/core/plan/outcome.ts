/** What an action produced: its journaled outcome, and the result the operator sees. */
import type { JournalDelivery, OutcomeRecord } from '../journal/records.js';
import type { LiveCheck } from './live-checks.js';

/** One action as the operator sees it (CLI table, JSON output, Lambda result); never a secret. */
export interface ActionResult {
  readonly actionId: string;
  readonly type: string;
  readonly accountId: string;
  readonly userName: string;
  /** The key the action is about (create/store: the key being replaced); null for a password. */
  readonly accessKeyId: string | null;
  readonly status: 'done' | 'skipped' | 'failed' | 'deferred';
  readonly reason: string | null;
  readonly newAccessKeyId?: string;
  readonly secretName?: string;
}

/** What one action's live check and change produced: the journal's outcome record, less its envelope. */
export type ActionOutcome = Omit<OutcomeRecord, 'v' | 'type' | 'runId' | 'at' | 'actionId'>;

export const skipped = (reason: string): ActionOutcome => ({ status: 'skipped', reason, requestId: null });
export const failed = (reason: string): ActionOutcome => ({ status: 'failed', reason, requestId: null });
export const done = (
  requestId: string | null | undefined,
  extra: Partial<ActionOutcome> = {},
): ActionOutcome => ({ status: 'done', reason: null, requestId: requestId ?? null, ...extra });

/** The outcome of a failed live check (skipped, with its reason); null when the change may go ahead. */
export function fromCheck(check: LiveCheck): ActionOutcome | null {
  return check.ok ? null : skipped(check.reason);
}

/** The journaled intent an action runs under. */
export interface IntentStamp {
  readonly at: Date;
  /** A create-key's deadline (see the recorder's `callWindowMs`); null for other actions. */
  readonly answerBy: Date | null;
}

/** One digest's delivery on one channel, as the notifier reports it. */
export interface DigestDelivery extends JournalDelivery {
  /** The notify actions the digest carried. */
  readonly actionIds: readonly string[];
  readonly status: 'sent' | 'failed';
  readonly error: string | null;
}

/**
 * A notice's outcome from its run's deliveries: done when at least one digest carrying it was sent
 * on some channel (the owner was told); failed otherwise, naming each channel's error.
 */
export function noticeOutcome(noticeId: string, deliveries: readonly DigestDelivery[]): ActionOutcome {
  const mine = deliveries.filter((d) => d.actionIds.includes(noticeId));
  const journaled = mine.map((d) => ({
    channel: d.channel,
    recipient: d.recipient,
    status: d.status,
    messageId: d.messageId,
  }));
  if (mine.some((d) => d.status === 'sent')) return { ...done(null), deliveries: journaled };
  const errors = mine.map((d) => `${d.channel} to ${d.recipient}: ${d.error ?? 'failed'}`);
  const reason =
    errors.length === 0 ? 'no delivery carried this notification' : `not delivered: ${errors.join('; ')}`;
  return { ...failed(reason), deliveries: journaled };
}
