/**
 * Builds the {@link Notifier} the apply step uses: one digest per recipient, delivered on every
 * channel the policy configures. A channel that fails reports `failed` deliveries and the others
 * carry on; nothing here throws for a delivery failure.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { NotificationsConfig } from '../core/policy/types.js';
import { clientConfig, observeCalls } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { type Digest, renderDigests } from './digest.js';
import { emailChannel } from './email.js';
import { slackChannel } from './slack.js';
import { snsChannel, topicRegion } from './sns.js';
import type { DigestChannel, NotificationDelivery, Notifier } from './types.js';

export interface NotifierDeps {
  /** Used as given (its region must be the topic's); default: built for the topic ARN's region. */
  readonly sns?: SNSClient;
  /** Default: built from `connection`. */
  readonly sesv2?: SESv2Client;
  /** Reads the Slack webhook URL parameter; default: built from `connection`. */
  readonly ssm?: SSMClient;
  /** Where `notifications.slack.webhookUrlEnv` is looked up, normally `process.env`. */
  readonly env: NodeJS.ProcessEnv;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Builds the clients not given; default: the SDK's region and credential chain. */
  readonly connection?: AwsConnection;
}

/** The notifications configuration cannot work; the message shows the bad value. */
export class NotifierConfigError extends Error {
  override readonly name = 'NotifierConfigError';
}

/**
 * Clients are built lazily, only for the channels configured, so a run without notify actions
 * makes no AWS call. Deliveries come back channel by channel (sns, slack, email), each in digest
 * order; channels run concurrently.
 */
export function createNotifier(config: NotificationsConfig, deps: NotifierDeps): Notifier {
  const connection = deps.connection ?? {};
  const channels: DigestChannel[] = [];

  if (config.sns !== null) {
    const { topicArn } = config.sns;
    const region = topicRegion(topicArn);
    if (region === null) {
      throw new NotifierConfigError(
        `notifications.sns.topicArn ${JSON.stringify(topicArn)} is not an SNS topic ARN; ` +
          'use arn:aws:sns:REGION:ACCOUNT:NAME',
      );
    }
    // SNS only accepts a publish in the topic's own region, wherever the caller runs.
    const client = lazy(
      () => deps.sns ?? observeCalls(new SNSClient({ ...clientConfig(connection), region }), connection),
    );
    channels.push(snsChannel({ topicArn, client }));
  }

  if (config.slack !== null) {
    const { webhookUrlEnv, webhookUrlSsmParameter } = config.slack;
    if ((webhookUrlEnv === null) === (webhookUrlSsmParameter === null)) {
      throw new NotifierConfigError(
        'notifications.slack must set exactly one of webhookUrlEnv or webhookUrlSsmParameter; got ' +
          `${JSON.stringify({ webhookUrlEnv, webhookUrlSsmParameter })}`,
      );
    }
    channels.push(
      slackChannel({
        webhookUrlEnv,
        webhookUrlSsmParameter,
        env: deps.env,
        ssm: lazy(() => deps.ssm ?? observeCalls(new SSMClient(clientConfig(connection)), connection)),
        fetch: deps.fetch ?? globalThis.fetch,
      }),
    );
  }

  if (config.email !== null) {
    channels.push(
      emailChannel({
        from: config.email.from,
        securityTeamEmail: config.securityTeamEmail,
        client: lazy(() => deps.sesv2 ?? observeCalls(new SESv2Client(clientConfig(connection)), connection)),
      }),
    );
  }

  return {
    channels: channels.map((c) => c.name),
    async deliver(actions, context) {
      if (actions.length === 0 || channels.length === 0) return [];
      const digests = renderDigests(actions, {
        runId: context.runId,
        now: context.now,
        securityTeamEmail: config.securityTeamEmail,
      });
      const perChannel = await Promise.all(
        channels.map((channel) =>
          channel
            .deliverAll(digests, context)
            .catch((error: unknown) => unexpectedFailure(channel, digests, error)),
        ),
      );
      return perChannel.flat();
    },
  };
}

/** A channel bug must not cost the other channels their deliveries: record it against its digests. */
function unexpectedFailure(
  channel: DigestChannel,
  digests: readonly Digest[],
  error: unknown,
): NotificationDelivery[] {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  return digests.map((digest) => ({
    actionIds: digest.actionIds,
    channel: channel.name,
    recipient: digest.recipient,
    status: 'failed',
    messageId: null,
    error: `${channel.name} delivery failed unexpectedly: ${message}`,
  }));
}

function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}
