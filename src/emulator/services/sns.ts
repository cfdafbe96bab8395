/**
 * SNS over the Query protocol: topics and Publish. Published messages are kept in the topic owner's
 * account, so a member account publishing to a central security topic lands in the central account,
 * where `GET /_keywarden/sns/messages` shows it.
 */
import { AwsServiceError } from '../errors.js';
import { decodePosition, encodePosition } from '../protocols/common.js';
import { requiredParam, structListParam } from '../protocols/query.js';
import { type AccountState, newUuid, type SnsTopic, type Tag } from '../state.js';
import type { QueryParams, QueryService, RequestContext, XmlObject } from './types.js';

const LIST_TOPICS_PAGE_SIZE = 100;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_TOPIC_NAME = /^[A-Za-z0-9_-]{1,251}\.fifo$/;
const TOPIC_ARN = /^arn:[\w-]+:sns:([\w-]+):(\d{12}):([A-Za-z0-9_.-]{1,256})$/;
const MAX_MESSAGE_BYTES = 256 * 1024;
const SUBJECT = /^[\x20-\x7e]{1,100}$/;

function invalidParameter(what: string): AwsServiceError {
  return new AwsServiceError('InvalidParameter', `Invalid parameter: ${what}`);
}

function topicNotFound(arn: string): AwsServiceError {
  return new AwsServiceError('NotFound', `Topic does not exist: ${arn}`, 404);
}

/** Topics are keyed by ARN; a lookup by value also finds topics another loader keyed differently. */
function findTopic(account: AccountState, arn: string): SnsTopic | undefined {
  return account.sns.topics.get(arn) ?? [...account.sns.topics.values()].find((t) => t.arn === arn);
}

function regionOf(arn: string): string | undefined {
  return TOPIC_ARN.exec(arn)?.[1];
}

function createTopic(ctx: RequestContext, params: QueryParams): XmlObject {
  const name = requiredParam(params, 'Name');
  const attributes: Record<string, string> = {};
  for (const entry of structListParam(params, 'Attributes', 'entry')) {
    if (entry.key !== undefined) attributes[entry.key] = entry.value ?? '';
  }
  const tags: Tag[] = structListParam(params, 'Tags').map((t) => ({
    Key: t.Key ?? '',
    Value: t.Value ?? '',
  }));
  const fifo = attributes.FifoTopic === 'true';
  if (fifo ? !FIFO_TOPIC_NAME.test(name) : !TOPIC_NAME.test(name)) {
    throw invalidParameter(
      `Topic Name '${name}': use 1-256 ASCII letters, digits, hyphens or underscores` +
        (fifo || name.endsWith('.fifo') ? '; a FIFO topic name ends with .fifo and sets FifoTopic=true' : ''),
    );
  }
  const arn = `arn:aws:sns:${ctx.region}:${ctx.account.accountId}:${name}`;
  const existing = findTopic(ctx.account, arn);
  if (existing) return { TopicArn: existing.arn };
  ctx.account.sns.topics.set(arn, { name, arn, attributes, tags });
  return { TopicArn: arn };
}

function listTopics(ctx: RequestContext, params: QueryParams): XmlObject {
  const topics = [...ctx.account.sns.topics.values()].filter((t) => regionOf(t.arn) === ctx.region);
  let start = 0;
  if (params.NextToken !== undefined) {
    const decoded = decodePosition(params.NextToken);
    if (decoded === null || decoded > topics.length)
      throw invalidParameter(`NextToken '${params.NextToken}'`);
    start = decoded;
  }
  const page = topics.slice(start, start + LIST_TOPICS_PAGE_SIZE);
  const next = start + page.length;
  return {
    Topics: page.map((t) => ({ TopicArn: t.arn })),
    NextToken: next < topics.length ? encodePosition(next) : undefined,
  };
}

/** Reads `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue,Value.BinaryValue}`. */
function messageAttributes(params: QueryParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of structListParam(params, 'MessageAttributes', 'entry')) {
    const name = entry.Name ?? '';
    if (!entry['Value.DataType']) {
      throw new AwsServiceError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    }
    const value = entry['Value.StringValue'] ?? entry['Value.BinaryValue'];
    if (value === undefined) {
      throw new AwsServiceError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${entry['Value.DataType']}'.`,
      );
    }
    attributes[name] = value;
  }
  return attributes;
}

function publish(ctx: RequestContext, params: QueryParams): XmlObject {
  const target = params.TopicArn || params.TargetArn;
  if (!target) {
    if (params.PhoneNumber) {
      throw invalidParameter('PhoneNumber: the keywarden emulator delivers only to topics');
    }
    throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
  }
  const message = params.Message;
  if (message === undefined) {
    throw new AwsServiceError(
      'ValidationError',
      "1 validation error detected: Value null at 'message' failed to satisfy constraint: Member must not be null",
    );
  }
  if (message === '') throw invalidParameter('Empty message');
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    throw invalidParameter(
      `Message too long: ${Buffer.byteLength(message)} bytes, at most ${MAX_MESSAGE_BYTES}`,
    );
  }
  const subject = params.Subject;
  if (subject !== undefined && !SUBJECT.test(subject)) {
    throw invalidParameter('Subject: use 1-100 printable ASCII characters without line breaks');
  }
  if (params.MessageStructure === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      typeof (parsed as Record<string, unknown>).default !== 'string'
    ) {
      throw invalidParameter('Message Structure - No default entry in JSON message body');
    }
  }
  const attributes = messageAttributes(params);

  const m = TOPIC_ARN.exec(target);
  if (!m) throw invalidParameter(`${params.TopicArn ? 'TopicArn' : 'TargetArn'} '${target}'`);
  // A topic of another account (a central security topic) is published into that account.
  const owner = ctx.state.accounts.get(m[2]!);
  const topic = owner ? findTopic(owner, target) : undefined;
  if (!owner || !topic) throw topicNotFound(target);
  if (topic.name.endsWith('.fifo') && !params.MessageGroupId) {
    throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
  }

  const messageId = newUuid(ctx.state);
  owner.sns.messages.push({
    messageId,
    topicArn: topic.arn,
    subject: subject ?? null,
    message,
    attributes,
    publishedAt: ctx.now,
  });
  return { MessageId: messageId };
}

export const snsService: QueryService = {
  protocol: 'query',
  signingName: 'sns',
  xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  operations: {
    CreateTopic: createTopic,
    ListTopics: listTopics,
    Publish: publish,
  },
};
