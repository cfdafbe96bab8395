import { SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier, NotifierConfigError } from '../../src/channels/notifier.js';
import type { NotificationsConfig } from '../../src/core/policy/types.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';
import { NO_CHANNELS, notice, type SlackReceiver, startSlackReceiver } from './channels-support.js';

const ACCOUNT = '000000000000';
const CONTEXT = { runId: 'run-all', now: FIXED_NOW };

describe('notifier', () => {
  const emu = useEmulator();
  let receiver: SlackReceiver;
  let topicArn: string;
  const deps = () => ({
    env: { SLACK_URL: receiver.url },
    sns: new SNSClient(clientConfig(emu.current)),
    sesv2: new SESv2Client(clientConfig(emu.current)),
  });
  const allChannels = (): NotificationsConfig => ({
    securityTeamEmail: 'security@corp.example',
    sns: { topicArn },
    slack: { webhookUrlEnv: 'SLACK_URL', webhookUrlSsmParameter: null },
    email: { from: 'keywarden@corp.example' },
  });

  beforeAll(async () => {
    receiver = await startSlackReceiver();
    const sns = new SNSClient(clientConfig(emu.current));
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'keywarden-all' }))).TopicArn!;
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('delivers every digest on every configured channel, channel by channel', async () => {
    const notifier = createNotifier(allChannels(), deps());

    const deliveries = await notifier.deliver(
      [notice(), notice({ userName: 'bob', recipient: null })],
      CONTEXT,
    );

    expect(notifier.channels).toEqual(['sns', 'slack', 'email']);
    expect(deliveries.map((d) => [d.channel, d.status, d.recipient])).toEqual([
      ['sns', 'sent', topicArn],
      ['sns', 'sent', topicArn],
      ['slack', 'sent', 'slack'],
      ['slack', 'sent', 'slack'],
      ['email', 'sent', 'alice@corp.example'],
      ['email', 'sent', 'security@corp.example'],
    ]);
  });

  it('keeps delivering on the other channels when one fails', async () => {
    receiver.respondWith({ status: 500 }, { status: 500 });
    const missingTopic = `arn:aws:sns:us-east-1:${ACCOUNT}:deleted-topic`;
    const notifier = createNotifier({ ...allChannels(), sns: { topicArn: missingTopic } }, deps());
    const sentBefore = emu.current.state.accounts.get(ACCOUNT)!.ses.sent.length;

    const deliveries = await notifier.deliver(
      [notice(), notice({ userName: 'bob', recipient: null })],
      CONTEXT,
    );

    expect(deliveries.map((d) => [d.channel, d.status])).toEqual([
      ['sns', 'failed'],
      ['sns', 'failed'],
      ['slack', 'failed'],
      ['slack', 'failed'],
      ['email', 'sent'],
      ['email', 'sent'],
    ]);
    expect(emu.current.state.accounts.get(ACCOUNT)!.ses.sent.length).toBe(sentBefore + 2);
  });

  it('makes no call when there is nothing to say or nowhere to say it', async () => {
    const requestsBefore = receiver.requests.length;

    const none = await createNotifier(allChannels(), deps()).deliver([], CONTEXT);
    const nowhere = createNotifier(NO_CHANNELS, { env: {} });

    expect(none).toEqual([]);
    expect(nowhere.channels).toEqual([]);
    expect(await nowhere.deliver([notice()], CONTEXT)).toEqual([]);
    expect(receiver.requests.length).toBe(requestsBefore);
  });

  it.each([
    [
      'a topic ARN that is not one',
      { ...NO_CHANNELS, sns: { topicArn: 'keywarden-alerts' } },
      /"keywarden-alerts" is not an SNS topic ARN/,
    ],
    [
      'Slack with both URL sources',
      { ...NO_CHANNELS, slack: { webhookUrlEnv: 'A', webhookUrlSsmParameter: '/b' } },
      /exactly one of webhookUrlEnv or webhookUrlSsmParameter/,
    ],
  ])('refuses %s when it is built', (_case, config, expected) => {
    expect(() => createNotifier(config, { env: {} })).toThrow(NotifierConfigError);
    expect(() => createNotifier(config, { env: {} })).toThrow(expected);
  });
});
