/**
 * SNS: one Publish per digest to the policy's topic, and the organization run's digest to its topic.
 * The topic may live in a central security account; the publish goes to its ARN with the caller's
 * credentials, so the topic policy must allow `sns:Publish` from the member accounts.
 */
import { createHash } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientConfig, observeCalls } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { callAws, errorLine } from '../sdk/errors.js';
import type { Digest } from './digest.js';
import type { DigestChannel, NotificationContext, NotificationDelivery } from './types.js';

/** SNS's limit is 256 KiB for the message and its attributes together; this leaves room. */
const MAX_MESSAGE_BYTES = 250_000;
const TOPIC_ARN = /^arn:[\w-]+:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

/** The region of a topic ARN, or null when `topicArn` is not one. */
export function topicRegion(topicArn: string): string | null {
  return TOPIC_ARN.exec(topicArn)?.[1] ?? null;
}

/**
 * Publishes one message to `topicArn`, in the topic's region, with the connection's credentials:
 * the organization run's digest. Returns SNS's message id; a failure throws, naming the topic.
 */
export async function publishToTopic(
  connection: AwsConnection,
  topicArn: string,
  message: { readonly subject: string; readonly text: string },
): Promise<string | null> {
  const region = topicRegion(topicArn);
  if (region === null) throw new Error(`not an SNS topic ARN (got ${JSON.stringify(topicArn)})`);
  const sns = observeCalls(new SNSClient({ ...clientConfig(connection), region }), connection);
  try {
    const out = await callAws('sns:Publish', `to ${topicArn}`, () =>
      sns.send(new PublishCommand({ TopicArn: topicArn, Subject: message.subject, Message: message.text })),
    );
    return out.MessageId ?? null;
  } finally {
    sns.destroy();
  }
}

export interface SnsChannelProps {
  readonly topicArn: string;
  /** Built on first use, so a notifier without actions never constructs it. */
  readonly client: () => SNSClient;
}

export function snsChannel(props: SnsChannelProps): DigestChannel {
  const fifo = props.topicArn.endsWith('.fifo');
  return {
    name: 'sns',
    async deliverAll(digests, context) {
      const deliveries: NotificationDelivery[] = [];
      for (const digest of digests) deliveries.push(await publish(props, fifo, digest, context));
      return deliveries;
    },
  };
}

async function publish(
  props: SnsChannelProps,
  fifo: boolean,
  digest: Digest,
  context: NotificationContext,
): Promise<NotificationDelivery> {
  const base = { actionIds: digest.actionIds, channel: 'sns', recipient: props.topicArn } as const;
  try {
    const out = await callAws('sns:Publish', `to ${props.topicArn}`, () =>
      props.client().send(
        new PublishCommand({
          TopicArn: props.topicArn,
          Subject: digest.subject,
          Message: truncateUtf8(digest.text, MAX_MESSAGE_BYTES),
          MessageAttributes: {
            recipient: { DataType: 'String', StringValue: digest.recipient },
            runId: { DataType: 'String', StringValue: context.runId },
          },
          // A FIFO topic needs a group; the deduplication id makes a retried run's publish a no-op.
          ...(fifo
            ? {
                MessageGroupId: 'keywarden',
                MessageDeduplicationId: createHash('sha256')
                  .update(`${context.runId}\n${digest.recipient}\n${digest.actionIds.join('\n')}`)
                  .digest('hex'),
              }
            : {}),
        }),
      ),
    );
    return { ...base, status: 'sent', messageId: out.MessageId ?? null, error: null };
  } catch (error) {
    return { ...base, status: 'failed', messageId: null, error: errorLine(error) };
  }
}

/** Cuts `text` to at most `maxBytes` of UTF-8 on a character boundary, saying that it did. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const note = '\n\n[Truncated: the digest is longer than SNS allows; the run journal lists every notice.]\n';
  const budget = maxBytes - Buffer.byteLength(note);
  let cut = Buffer.from(text).subarray(0, budget).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}${note}`;
}
