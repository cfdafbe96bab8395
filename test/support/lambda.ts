/**
 * Test support for the Lambda handlers: AWS Config's event shapes (JSON strings inside JSON, as
 * Config sends them), handler options pointed at an emulator, and the handler's log lines captured.
 */
import { PassThrough } from 'node:stream';
import type { Emulator } from '../../src/emulator/server.js';
import type { RuntimeOptions } from '../../src/lambda/define-handler.js';
import { createLogger } from '../../src/lambda/logger.js';

export const RESULT_TOKEN = 'eyJyZXN1bHRUb2tlbiI6InRlc3QifQ==';

interface EventCommon {
  readonly ruleParameters?: Readonly<Record<string, string>>;
  readonly resultToken?: string;
  readonly eventLeftScope?: boolean;
  readonly accountId?: string;
}

function envelope(invokingEvent: unknown, common: EventCommon) {
  return {
    version: '1.0',
    invokingEvent: JSON.stringify(invokingEvent),
    ruleParameters: JSON.stringify(common.ruleParameters ?? {}),
    resultToken: common.resultToken ?? RESULT_TOKEN,
    eventLeftScope: common.eventLeftScope ?? false,
    executionRoleArn: 'arn:aws:iam::111111111111:role/config-role',
    configRuleArn: 'arn:aws:config:us-east-1:111111111111:config-rule/config-rule-kw0001',
    configRuleName: 'keywarden-iam-users',
    configRuleId: 'config-rule-kw0001',
    accountId: common.accountId ?? '111111111111',
  };
}

/** A periodic invocation (MessageType ScheduledNotification). */
export function scheduledEvent(notifiedAt: Date, common: EventCommon = {}) {
  return envelope(
    {
      awsAccountId: common.accountId ?? '111111111111',
      notificationCreationTime: notifiedAt.toISOString(),
      messageType: 'ScheduledNotification',
      recordVersion: '1.0',
    },
    common,
  );
}

export interface ItemFields {
  readonly userId: string;
  readonly userName: string | null;
  readonly capturedAt: Date;
  readonly status?: string;
  readonly resourceType?: string;
}

function item(fields: ItemFields, accountId: string) {
  return {
    configurationItemCaptureTime: fields.capturedAt.toISOString(),
    awsAccountId: accountId,
    configurationItemStatus: fields.status ?? 'OK',
    resourceType: fields.resourceType ?? 'AWS::IAM::User',
    resourceId: fields.userId,
    resourceName: fields.userName,
    ARN: `arn:aws:iam::${accountId}:user/${fields.userName ?? 'unknown'}`,
    awsRegion: 'global',
    availabilityZone: 'Not Applicable',
    configurationStateId: 1700000000000,
  };
}

/** A configuration change of one IAM user (MessageType ConfigurationItemChangeNotification). */
export function changeEvent(fields: ItemFields, common: EventCommon = {}) {
  const accountId = common.accountId ?? '111111111111';
  return envelope(
    {
      configurationItemDiff: null,
      configurationItem: { ...item(fields, accountId), tags: {}, relationships: [], configuration: {} },
      notificationCreationTime: fields.capturedAt.toISOString(),
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    },
    common,
  );
}

/** A change whose item was too large for SNS: only its summary (OversizedConfigurationItemChangeNotification). */
export function oversizedEvent(fields: ItemFields, common: EventCommon = {}) {
  const accountId = common.accountId ?? '111111111111';
  return envelope(
    {
      configurationItemSummary: {
        changeType: 'UPDATE',
        configurationItemVersion: '1.3',
        ...item(fields, accountId),
      },
      s3DeliverySummary: {
        s3BucketLocation: 'config-bucket/AWSLogs/item.json.gz',
        errorCode: null,
        errorMessage: null,
      },
      notificationCreationTime: fields.capturedAt.toISOString(),
      messageType: 'OversizedConfigurationItemChangeNotification',
      recordVersion: '1.0',
    },
    common,
  );
}

/** An EventBridge scheduled event, as the `scheduled` handler receives it. */
export function eventBridgeScheduledEvent(at: Date) {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '111111111111',
    time: at.toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:111111111111:rule/keywarden-daily'],
    detail: {},
  };
}

/** Captured log lines, each parsed as the JSON object Powertools writes. */
export interface LogCapture {
  readonly stream: PassThrough;
  text(): string;
  lines(): Record<string, unknown>[];
}

export function captureLogs(): LogCapture {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Handler options for an emulator: its endpoint, one attempt per call, no waiting, logs captured. */
export function emulatorRuntime(
  emu: Emulator,
  logs: LogCapture,
  extra: Partial<RuntimeOptions> = {},
): RuntimeOptions {
  return {
    env: {},
    connection: {
      endpoint: emu.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDLAMBDAROLE', secretAccessKey: 'lambda-secret' },
    },
    logger: createLogger({ stream: logs.stream }),
    sleep: async () => {},
    ...extra,
  };
}
