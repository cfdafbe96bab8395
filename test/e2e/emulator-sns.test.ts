import {
  CreateTopicCommand,
  ListTopicsCommand,
  PublishCommand,
  paginateListTopics,
  SNSClient,
} from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { addAccessKey, addAccount, addUser } from '../../src/emulator/state.js';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const ACCOUNT = '000000000000';
const SECURITY_ACCOUNT = '333333333333';

describe('emulator SNS', () => {
  const emu = useEmulator();
  let securityKey: { accessKeyId: string; secretAccessKey: string };

  beforeAll(() => {
    const state = emu.current.state;
    const security = addAccount(state, { accountId: SECURITY_ACCOUNT, name: 'security' });
    const key = addAccessKey(state, security, addUser(state, security, { userName: 'notifier' }));
    securityKey = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  });

  const sns = (options: Parameters<typeof clientConfig>[1] = {}) =>
    new SNSClient(clientConfig(emu.current, options));

  it('creates a topic idempotently', async () => {
    const first = await sns().send(new CreateTopicCommand({ Name: 'keywarden-alerts' }));
    const again = await sns().send(new CreateTopicCommand({ Name: 'keywarden-alerts' }));

    expect(first.TopicArn).toBe(`arn:aws:sns:us-east-1:${ACCOUNT}:keywarden-alerts`);
    expect(again.TopicArn).toBe(first.TopicArn);
  });

  it('refuses a topic name with invalid characters', async () => {
    const error = await rejection(sns().send(new CreateTopicCommand({ Name: 'bad name!' })));

    expect(error).toMatchObject({ name: 'InvalidParameterException', code: 'InvalidParameter', status: 400 });
  });

  it('lists topics 100 a page with NextToken', async () => {
    const client = sns({ region: 'eu-west-1' });
    for (let i = 0; i < 150; i++) {
      await client.send(new CreateTopicCommand({ Name: `topic-${String(i).padStart(3, '0')}` }));
    }

    const first = await client.send(new ListTopicsCommand({}));
    const all: string[] = [];
    for await (const page of paginateListTopics({ client }, {})) {
      all.push(...(page.Topics ?? []).map((t) => t.TopicArn!));
    }

    expect(first.Topics).toHaveLength(100);
    expect(first.NextToken).toBeDefined();
    expect(all).toHaveLength(150);
    expect(new Set(all).size).toBe(150);
    expect(all[149]).toBe(`arn:aws:sns:eu-west-1:${ACCOUNT}:topic-149`);
  });

  it('publishes with subject and attributes and keeps the message', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'keywarden-publish' }));

    const out = await sns().send(
      new PublishCommand({
        TopicArn,
        Subject: 'Key rotated',
        Message: '{"user":"alice"}',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'HIGH' } },
      }),
    );
    const admin = (await (await fetch(`${emu.current.url}/_keywarden/sns/messages`)).json()) as {
      messages: { messageId: string }[];
    };

    const stored = emu.current.state.accounts
      .get(ACCOUNT)!
      .sns.messages.find((m) => m.messageId === out.MessageId);
    expect(stored).toMatchObject({
      topicArn: TopicArn,
      subject: 'Key rotated',
      message: '{"user":"alice"}',
      attributes: { severity: 'HIGH' },
      publishedAt: FIXED_NOW,
    });
    expect(admin.messages.map((m) => m.messageId)).toContain(out.MessageId);
  });

  it('publishes by TargetArn', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'keywarden-target' }));

    const out = await sns().send(new PublishCommand({ TargetArn: TopicArn, Message: 'hello' }));

    expect(emu.current.state.accounts.get(ACCOUNT)!.sns.messages.map((m) => m.messageId)).toContain(
      out.MessageId,
    );
  });

  it('publishes into another account’s topic, where the message is kept', async () => {
    const { TopicArn } = await sns(securityKey).send(new CreateTopicCommand({ Name: 'central-security' }));

    const out = await sns().send(new PublishCommand({ TopicArn, Message: 'key exposed' }));

    expect(TopicArn).toBe(`arn:aws:sns:us-east-1:${SECURITY_ACCOUNT}:central-security`);
    const central = emu.current.state.accounts.get(SECURITY_ACCOUNT)!.sns.messages;
    expect(central.find((m) => m.messageId === out.MessageId)?.message).toBe('key exposed');
    expect(emu.current.state.accounts.get(ACCOUNT)!.sns.messages.map((m) => m.messageId)).not.toContain(
      out.MessageId,
    );
  });

  it.each([
    ['an unknown topic', `arn:aws:sns:us-east-1:${ACCOUNT}:no-such-topic`],
    ['a topic of an account the world does not have', 'arn:aws:sns:us-east-1:999999999999:central-security'],
  ])('answers NotFound for %s', async (_case, topicArn) => {
    const error = await rejection(sns().send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })));

    expect(error).toMatchObject({ name: 'NotFoundException', code: 'NotFound', status: 404 });
  });

  it('refuses an empty message with InvalidParameter', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'keywarden-empty' }));

    const error = await rejection(sns().send(new PublishCommand({ TopicArn, Message: '' })));

    expect(error).toMatchObject({ name: 'InvalidParameterException', code: 'InvalidParameter', status: 400 });
  });

  it('refuses a message attribute without a data type with ParameterValueInvalid', async () => {
    const { TopicArn } = await sns().send(new CreateTopicCommand({ Name: 'keywarden-attrs' }));

    const error = await rejection(
      sns().send(
        new PublishCommand({
          TopicArn,
          Message: 'x',
          MessageAttributes: { severity: { DataType: '', StringValue: 'HIGH' } },
        }),
      ),
    );

    expect(error).toMatchObject({
      name: 'InvalidParameterValueException',
      code: 'ParameterValueInvalid',
      status: 400,
    });
  });
});
