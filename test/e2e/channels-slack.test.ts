import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../src/channels/notifier.js';
import type { NotificationsConfig } from '../../src/core/policy/types.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';
import { NO_CHANNELS, notice, type SlackReceiver, startSlackReceiver } from './channels-support.js';

const CONTEXT = { runId: 'run-slack', now: FIXED_NOW };
const FROM_ENV: NotificationsConfig = {
  ...NO_CHANNELS,
  slack: { webhookUrlEnv: 'KEYWARDEN_SLACK_WEBHOOK_URL', webhookUrlSsmParameter: null },
};
const FROM_SSM: NotificationsConfig = {
  ...NO_CHANNELS,
  slack: { webhookUrlEnv: null, webhookUrlSsmParameter: '/keywarden/slack-webhook-url' },
};

interface SlackBody {
  text: string;
  blocks: { type: string; text?: { text: string } }[];
}

describe('Slack channel', () => {
  const emu = useEmulator();
  let receiver: SlackReceiver;
  const ssm = () => new SSMClient(clientConfig(emu.current));
  const envWithUrl = () => ({ KEYWARDEN_SLACK_WEBHOOK_URL: receiver.url });

  beforeAll(async () => {
    receiver = await startSlackReceiver();
  });
  afterEach(() => {
    receiver.requests.length = 0;
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('posts one JSON message per digest to the webhook URL read from the environment', async () => {
    const notifier = createNotifier(FROM_ENV, { env: envWithUrl() });

    const deliveries = await notifier.deliver(
      [notice(), notice({ userName: 'bob', recipient: null })],
      CONTEXT,
    );

    expect(notifier.channels).toEqual(['slack']);
    expect(deliveries.map((d) => [d.status, d.recipient, d.messageId, d.error])).toEqual([
      ['sent', 'slack', null, null],
      ['sent', 'slack', null, null],
    ]);
    expect(receiver.requests.map((r) => [r.method, r.path, r.headers['content-type']])).toEqual([
      ['POST', '/services/T0000/B0000/s3cretWebhookToken', 'application/json'],
      ['POST', '/services/T0000/B0000/s3cretWebhookToken', 'application/json'],
    ]);
    const [first, second] = receiver.requests.map((r) => r.body as SlackBody);
    expect(first?.text).toContain('for alice@corp.example');
    expect(second?.text).toContain('for the security team');
    const section = first?.blocks.find((b) => b.type === 'section')?.text?.text;
    expect(section).toContain('user alice, access key AKIAAAAAAAAAAAAAAAA1');
    expect(section).toContain('*Due:* 2026-12-06');
  });

  it('reads the webhook URL from an SSM SecureString parameter', async () => {
    await ssm().send(
      new PutParameterCommand({
        Name: '/keywarden/slack-webhook-url',
        Value: receiver.url,
        Type: 'SecureString',
      }),
    );
    const notifier = createNotifier(FROM_SSM, { env: {}, ssm: ssm() });

    const [delivery] = await notifier.deliver([notice()], CONTEXT);

    expect(delivery).toMatchObject({ status: 'sent', error: null });
    expect(receiver.requests).toHaveLength(1);
  });

  it('fails on a non-2xx answer without revealing the webhook URL', async () => {
    receiver.respondWith({ status: 500, body: `no_service at ${receiver.url}` });
    const notifier = createNotifier(FROM_ENV, { env: envWithUrl() });

    const [delivery] = await notifier.deliver([notice()], CONTEXT);

    expect(delivery).toMatchObject({ status: 'failed', messageId: null });
    expect(delivery?.error).toMatch(/^Slack webhook answered HTTP 500 Internal Server Error: no_service/);
    expect(delivery?.error).not.toContain('s3cretWebhookToken');
  });

  it('waits out a 429 as Slack’s Retry-After asks, then delivers', async () => {
    receiver.respondWith({ status: 429, body: 'rate_limited', headers: { 'retry-after': '0' } });
    const notifier = createNotifier(FROM_ENV, { env: envWithUrl() });

    const [delivery] = await notifier.deliver([notice()], CONTEXT);

    expect(delivery?.status).toBe('sent');
    expect(receiver.requests).toHaveLength(2);
  });

  it('fails when nothing answers, naming the cause but not the URL', async () => {
    const closed = await startSlackReceiver();
    await closed.close();
    const notifier = createNotifier(FROM_ENV, { env: { KEYWARDEN_SLACK_WEBHOOK_URL: closed.url } });

    const [delivery] = await notifier.deliver([notice()], CONTEXT);

    expect(delivery?.status).toBe('failed');
    expect(delivery?.error).toMatch(/^Slack webhook POST failed: .*ECONNREFUSED/);
    expect(delivery?.error).not.toContain('s3cretWebhookToken');
  });

  it.each([
    [
      'the environment variable is not set',
      FROM_ENV,
      {},
      /environment variable KEYWARDEN_SLACK_WEBHOOK_URL is not set/,
    ],
    [
      'the SSM parameter does not exist',
      { ...NO_CHANNELS, slack: { webhookUrlEnv: null, webhookUrlSsmParameter: '/keywarden/missing' } },
      {},
      /SSM parameter \/keywarden\/missing does not exist/,
    ],
    [
      'the value is not an https URL',
      FROM_ENV,
      { KEYWARDEN_SLACK_WEBHOOK_URL: 'http://hooks.example.com/services/s3cretWebhookToken' },
      /environment variable KEYWARDEN_SLACK_WEBHOOK_URL is not an https URL/,
    ],
  ])(
    'fails every Slack delivery when %s, saying where the URL should be',
    async (_case, config, env, expected) => {
      const notifier = createNotifier(config as NotificationsConfig, { env, ssm: ssm() });

      const deliveries = await notifier.deliver(
        [notice(), notice({ userName: 'bob', recipient: null })],
        CONTEXT,
      );

      expect(deliveries.map((d) => d.status)).toEqual(['failed', 'failed']);
      expect(deliveries[0]?.error).toMatch(expected);
      expect(deliveries[0]?.error).not.toContain('s3cretWebhookToken');
      expect(receiver.requests).toEqual([]);
    },
  );
});
