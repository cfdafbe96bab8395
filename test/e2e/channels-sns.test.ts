import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_TEAM } from '../../src/channels/digest.js';
import { createNotifier } from '../../src/channels/notifier.js';
import { addAccessKey, addAccount, addUser } from '../../src/emulator/state.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';
import { NO_CHANNELS, notice } from './channels-support.js';

const MEMBER_ACCOUNT = '000000000000';
const CENTRAL_ACCOUNT = '333333333333';
const CONTEXT = { runId: 'run-sns', now: FIXED_NOW };

describe('SNS channel', () => {
  const emu = useEmulator();
  let centralTopicArn: string;
  let memberTopicArn: string;

  beforeAll(async () => {
    const state = emu.current.state;
    const central = addAccount(state, { accountId: CENTRAL_ACCOUNT, name: 'security' });
    const key = addAccessKey(state, central, addUser(state, central, { userName: 'topic-admin' }));
    const centralSns = new SNSClient(clientConfig(emu.current, key));
    centralTopicArn = (await centralSns.send(new CreateTopicCommand({ Name: 'keywarden-central' })))
      .TopicArn!;
    memberTopicArn = (await sns().send(new CreateTopicCommand({ Name: 'keywarden-local' }))).TopicArn!;
  });

  /** A member-account client: the default account of the emulator. */
  const sns = () => new SNSClient(clientConfig(emu.current));
  const messages = (accountId: string, runId: string) =>
    emu.current.state.accounts.get(accountId)!.sns.messages.filter((m) => m.attributes.runId === runId);

  it('publishes one message per recipient digest to a topic in another account', async () => {
    const notifier = createNotifier(
      { ...NO_CHANNELS, sns: { topicArn: centralTopicArn } },
      { env: {}, sns: sns() },
    );

    const deliveries = await notifier.deliver(
      [notice(), notice({ userName: 'bob', recipient: null }), notice({ userName: 'carol' })],
      CONTEXT,
    );

    expect(notifier.channels).toEqual(['sns']);
    expect(deliveries.map((d) => [d.status, d.recipient, d.actionIds.length])).toEqual([
      ['sent', centralTopicArn, 2],
      ['sent', centralTopicArn, 1],
    ]);
    const published = messages(CENTRAL_ACCOUNT, CONTEXT.runId);
    expect(published.map((m) => m.messageId)).toEqual(deliveries.map((d) => d.messageId));
    expect(published.map((m) => m.attributes.recipient)).toEqual(['alice@corp.example', SECURITY_TEAM]);
    expect(published[0]?.subject).toBe('Keywarden: 2 credential notices for 2 users, act by 2026-12-06');
    expect(published[0]?.message).toContain(
      'Account 123456789012, user carol, access key AKIAAAAAAAAAAAAAAAA1',
    );
    expect(messages(MEMBER_ACCOUNT, CONTEXT.runId)).toEqual([]);
  });

  it('builds its own client for the topic’s region from the connection when none is given', async () => {
    const { endpoint, credentials } = clientConfig(emu.current);
    const notifier = createNotifier(
      { ...NO_CHANNELS, sns: { topicArn: memberTopicArn } },
      { env: {}, connection: { endpoint, credentials, region: 'eu-west-1', maxAttempts: 1 } },
    );

    const [delivery] = await notifier.deliver([notice()], { ...CONTEXT, runId: 'run-built-client' });

    expect(delivery).toMatchObject({ status: 'sent', error: null });
    expect(messages(MEMBER_ACCOUNT, 'run-built-client')).toHaveLength(1);
  });

  it('reports a missing topic as a failed delivery with the AWS error, without throwing', async () => {
    const missing = `arn:aws:sns:us-east-1:${CENTRAL_ACCOUNT}:no-such-topic`;
    const notifier = createNotifier({ ...NO_CHANNELS, sns: { topicArn: missing } }, { env: {}, sns: sns() });

    const [delivery] = await notifier.deliver([notice()], CONTEXT);

    expect(delivery).toMatchObject({ status: 'failed', messageId: null, recipient: missing });
    expect(delivery?.error).toMatch(
      /^sns:Publish to arn:aws:sns:\S+ failed: NotFoundException: Topic does not exist/,
    );
    expect(delivery?.error).not.toContain('\n');
  });
});
