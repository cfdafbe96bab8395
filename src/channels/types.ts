/**
 * The seam between the apply step and the notification channels: the executor hands over the
 * run's notify actions, the notifier groups them into one digest per recipient and delivers each
 * digest on every configured channel.
 */

import type { NotifyAction } from '../core/plan/types.js';
import type { Digest } from './digest.js';

type ChannelName = 'sns' | 'slack' | 'email';

/** One digest delivered (or not) on one channel. */
export interface NotificationDelivery {
  /** The notify actions the digest carried. */
  readonly actionIds: readonly string[];
  readonly channel: ChannelName;
  /** Email address, `security-team`, topic ARN or `slack`, for the record. */
  readonly recipient: string;
  readonly status: 'sent' | 'failed';
  /** SNS MessageId, SES MessageId; null for Slack (the webhook returns none) and failures. */
  readonly messageId: string | null;
  /** One line, never a secret (the Slack URL is redacted). */
  readonly error: string | null;
}

export interface NotificationContext {
  readonly runId: string;
  readonly now: Date;
}

export interface Notifier {
  /** The channels this notifier will use; empty when the policy configures none. */
  readonly channels: readonly ChannelName[];
  deliver(
    actions: readonly NotifyAction[],
    context: NotificationContext,
  ): Promise<readonly NotificationDelivery[]>;
}

/** One channel's delivery of a run's digests, in digest order. Must not throw for a failed send. */
export interface DigestChannel {
  readonly name: ChannelName;
  deliverAll(
    digests: readonly Digest[],
    context: NotificationContext,
  ): Promise<readonly NotificationDelivery[]>;
}
