import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const ACCOUNT = '000000000000';

describe('emulator SES v2', () => {
  const emu = useEmulator();
  const ses = () => new SESv2Client(clientConfig(emu.current));

  it('sends a simple email and keeps it in the sender account', async () => {
    const out = await ses().send(
      new SendEmailCommand({
        FromEmailAddress: 'keywarden@corp.example',
        Destination: { ToAddresses: ['alice@corp.example'] },
        Content: {
          Simple: { Subject: { Data: 'Rotate your key' }, Body: { Text: { Data: 'AKIA1 is 95 days old.' } } },
        },
      }),
    );
    const admin = (await (await fetch(`${emu.current.url}/_keywarden/ses/emails`)).json()) as {
      emails: { messageId: string }[];
    };

    const sent = emu.current.state.accounts.get(ACCOUNT)!.ses.sent.find((e) => e.messageId === out.MessageId);
    expect(sent).toEqual({
      messageId: out.MessageId,
      from: 'keywarden@corp.example',
      to: ['alice@corp.example'],
      subject: 'Rotate your key',
      body: 'AKIA1 is 95 days old.',
      sentAt: FIXED_NOW,
    });
    expect(admin.emails.map((e) => e.messageId)).toContain(out.MessageId);
  });

  it('sends a raw MIME email, reading From and Subject from its headers', async () => {
    const mime =
      'From: keywarden@corp.example\r\nTo: bob@corp.example\r\nSubject: Key revoked\r\n\r\nAKIA2 was revoked.';

    const out = await ses().send(
      new SendEmailCommand({
        Destination: { ToAddresses: ['bob@corp.example'] },
        Content: { Raw: { Data: new TextEncoder().encode(mime) } },
      }),
    );

    const sent = emu.current.state.accounts.get(ACCOUNT)!.ses.sent.find((e) => e.messageId === out.MessageId);
    expect(sent).toMatchObject({
      from: 'keywarden@corp.example',
      subject: 'Key revoked',
      body: 'AKIA2 was revoked.',
    });
  });

  it('refuses an email without recipients with BadRequestException', async () => {
    const error = await rejection(
      ses().send(
        new SendEmailCommand({
          FromEmailAddress: 'keywarden@corp.example',
          Destination: { ToAddresses: [] },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } },
        }),
      ),
    );

    expect(error).toMatchObject({ name: 'BadRequestException', status: 400 });
  });

  it('answers NotFoundException for a template it does not have', async () => {
    const error = await rejection(
      ses().send(
        new SendEmailCommand({
          FromEmailAddress: 'keywarden@corp.example',
          Destination: { ToAddresses: ['alice@corp.example'] },
          Content: { Template: { TemplateName: 'key-expiry', TemplateData: '{}' } },
        }),
      ),
    );

    expect(error).toMatchObject({ name: 'NotFoundException', status: 404 });
  });
});
