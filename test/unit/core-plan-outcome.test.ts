import { describe, expect, it } from 'vitest';
import { type DigestDelivery, noticeOutcome } from '../../src/core/plan/outcome.js';

const delivery = (o: Partial<DigestDelivery> = {}): DigestDelivery => ({
  actionIds: ['n1'],
  channel: 'sns',
  recipient: 'security-team',
  status: 'sent',
  messageId: 'm-1',
  error: null,
  ...o,
});

describe('noticeOutcome: a notice is done once one digest carrying it was sent', () => {
  it.each([
    { name: 'sent on its only channel', deliveries: [delivery()], status: 'done', reason: null },
    {
      name: 'sent on one channel, failed on another: the owner was told',
      deliveries: [
        delivery({
          channel: 'slack',
          recipient: 'slack',
          status: 'failed',
          messageId: null,
          error: 'HTTP 500',
        }),
        delivery(),
      ],
      status: 'done',
      reason: null,
    },
    {
      name: 'failed everywhere: each channel named with its error',
      deliveries: [
        delivery({ status: 'failed', messageId: null, error: 'AuthorizationError' }),
        delivery({
          channel: 'email',
          recipient: 'bob@example.com',
          status: 'failed',
          messageId: null,
          error: null,
        }),
      ],
      status: 'failed',
      reason: 'not delivered: sns to security-team: AuthorizationError; email to bob@example.com: failed',
    },
    {
      name: 'carried by no digest',
      deliveries: [delivery({ actionIds: ['other'] })],
      status: 'failed',
      reason: 'no delivery carried this notification',
    },
    {
      name: 'no deliveries at all',
      deliveries: [],
      status: 'failed',
      reason: 'no delivery carried this notification',
    },
  ] as const)('$name', ({ deliveries, status, reason }) => {
    // Act
    const got = noticeOutcome('n1', deliveries);

    // Assess
    expect(got.status).toBe(status);
    expect(got.reason).toBe(reason);
    expect(got.deliveries).toEqual(
      deliveries
        .filter((d) => d.actionIds.includes('n1'))
        .map((d) => ({
          channel: d.channel,
          recipient: d.recipient,
          status: d.status,
          messageId: d.messageId,
        })),
    );
  });
});
