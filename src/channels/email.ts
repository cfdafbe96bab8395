/**
 * Email: one SES v2 SendEmail per digest, to the owner's address or, for the security team's
 * digest, to `notifications.securityTeamEmail`. Replies go to the security team when it has an
 * address, so an owner's question does not land in an unread sender mailbox.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { callAws, errorLine } from '../sdk/errors.js';
import { type Digest, SECURITY_TEAM } from './digest.js';
import type { DigestChannel, NotificationDelivery } from './types.js';

export interface EmailChannelProps {
  /** A verified SES identity. */
  readonly from: string;
  /** Where the security team's digest goes; null = that digest cannot be emailed. */
  readonly securityTeamEmail: string | null;
  /** Built on first use. */
  readonly client: () => SESv2Client;
}

export function emailChannel(props: EmailChannelProps): DigestChannel {
  return {
    name: 'email',
    async deliverAll(digests) {
      const deliveries: NotificationDelivery[] = [];
      for (const digest of digests) deliveries.push(await send(props, digest));
      return deliveries;
    },
  };
}

async function send(props: EmailChannelProps, digest: Digest): Promise<NotificationDelivery> {
  const securityTeam = props.securityTeamEmail?.trim() || null;
  const to = digest.recipient === SECURITY_TEAM ? securityTeam : digest.recipient;
  const base = { actionIds: digest.actionIds, channel: 'email', recipient: to ?? SECURITY_TEAM } as const;
  if (to === null) {
    return {
      ...base,
      status: 'failed',
      messageId: null,
      error:
        'no email address for the security team, who receive notices for credentials without an owner ' +
        'email: set notifications.securityTeamEmail in the policy',
    };
  }
  try {
    const out = await callAws('ses:SendEmail', `from ${props.from} to ${to}`, () =>
      props.client().send(
        new SendEmailCommand({
          FromEmailAddress: props.from,
          Destination: { ToAddresses: [to] },
          ...(securityTeam !== null && securityTeam !== to ? { ReplyToAddresses: [securityTeam] } : {}),
          Content: {
            Simple: {
              Subject: { Data: digest.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: digest.text, Charset: 'UTF-8' } },
            },
          },
        }),
      ),
    );
    return { ...base, status: 'sent', messageId: out.MessageId ?? null, error: null };
  } catch (error) {
    return { ...base, status: 'failed', messageId: null, error: errorLine(error) };
  }
}
