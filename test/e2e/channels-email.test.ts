import { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/channels/notifier.js';
import type { NotificationsConfig } from '../../src/core/policy/types.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';
import { NO_CHANNELS, notice } from './channels-support.js';

const ACCOUNT = '000000000000';
const EMAIL: NotificationsConfig = {
  ...NO_CHANNELS,
  securityTeamEmail: 'security@corp.example',
  email: { from: 'keywarden@corp.example' },
};

describe('email channel', () => {
  const emu = useEmulator();
  const sesv2 = () => new SESv2Client(clientConfig(emu.current));
  const sent = (messageId: string | null | undefined) =>
    emu.current.state.accounts.get(ACCOUNT)!.ses.sent.find((e) => e.messageId === messageId);

  it('emails each owner one digest from the configured sender', async () => {
    const notifier = createNotifier(EMAIL, { env: {}, sesv2: sesv2() });

    const deliveries = await notifier.deliver(
      [notice(), notice({ userName: 'bob', recipient: 'bob@corp.example' }), notice({ userName: 'carol' })],
      { runId: 'run-email', now: FIXED_NOW },
    );

    expect(deliveries.map((d) => [d.channel, d.status, d.recipient, d.actionIds.length])).toEqual([
      ['email', 'sent', 'alice@corp.example', 2],
      ['email', 'sent', 'bob@corp.example', 1],
    ]);
    const alice = sent(deliveries[0]?.messageId);
    expect(alice).toMatchObject({ from: 'keywarden@corp.example', to: ['alice@corp.example'] });
    expect(alice?.subject).toBe('Keywarden: 2 credential notices for 2 users, act by 2026-12-06');
    expect(alice?.body).toContain(
      'aws secretsmanager get-secret-value --secret-id keywarden/123456789012/carol',
    );
  });

  it('sends notices without an owner email address to the security team', async () => {
    const notifier = createNotifier(EMAIL, { env: {}, sesv2: sesv2() });

    const [delivery] = await notifier.deliver(
      [notice({ recipient: null }), notice({ userName: 'bob', recipient: 'team payments' })],
      { runId: 'run-fallback', now: FIXED_NOW },
    );

    expect(delivery).toMatchObject({ status: 'sent', recipient: 'security@corp.example' });
    const email = sent(delivery?.messageId);
    expect(email?.to).toEqual(['security@corp.example']);
    expect(email?.body).toContain('owner tag "team payments" is not an email address');
  });

  it('fails the security team digest, saying what to set, when the policy has no security team address', async () => {
    const notifier = createNotifier({ ...EMAIL, securityTeamEmail: null }, { env: {}, sesv2: sesv2() });

    const deliveries = await notifier.deliver([notice(), notice({ userName: 'bob', recipient: null })], {
      runId: 'run-no-team',
      now: FIXED_NOW,
    });

    expect(deliveries.map((d) => [d.recipient, d.status])).toEqual([
      ['alice@corp.example', 'sent'],
      ['security-team', 'failed'],
    ]);
    expect(deliveries[1]?.error).toContain('set notifications.securityTeamEmail');
  });
});
