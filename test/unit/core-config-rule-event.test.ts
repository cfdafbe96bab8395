import { describe, expect, it } from 'vitest';
import { ConfigEventError, parseConfigRuleEvent } from '../../src/core/config-rule-event.js';

const AT = '2026-11-22T11:45:00.000Z';

function changeEvent(item: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    invokingEvent: JSON.stringify({
      configurationItem: item,
      messageType: 'ConfigurationItemChangeNotification',
    }),
    ruleParameters: '{"rule":"KEY_ROTATION"}',
    resultToken: 'token',
    eventLeftScope: false,
    configRuleName: 'keywarden',
    ...extra,
  };
}

const ITEM = {
  configurationItemCaptureTime: AT,
  configurationItemStatus: 'OK',
  resourceType: 'AWS::IAM::User',
  resourceId: 'AIDAALICE',
  resourceName: 'alice',
};

describe('parseConfigRuleEvent', () => {
  it('reads a scheduled notification: every user, at notificationCreationTime', () => {
    const event = parseConfigRuleEvent({
      invokingEvent: JSON.stringify({
        messageType: 'ScheduledNotification',
        notificationCreationTime: AT,
        awsAccountId: '111111111111',
      }),
      resultToken: 'TESTMODE',
    });

    expect(event).toEqual({
      trigger: { kind: 'scheduled', notifiedAt: new Date(AT) },
      resultToken: 'TESTMODE',
      testMode: true,
      ruleParameters: {},
      configRuleName: null,
      accountId: '111111111111',
    });
  });

  it('reads a change: the item, its capture time and the rule parameters', () => {
    const event = parseConfigRuleEvent(changeEvent(ITEM));

    expect(event.trigger).toEqual({
      kind: 'change',
      messageType: 'ConfigurationItemChangeNotification',
      resource: {
        resourceType: 'AWS::IAM::User',
        resourceId: 'AIDAALICE',
        resourceName: 'alice',
        status: 'OK',
        capturedAt: new Date(AT),
      },
      gone: false,
      goneReason: null,
    });
    expect(event.ruleParameters).toEqual({ rule: 'KEY_ROTATION' });
    expect(event.testMode).toBe(false);
  });

  it('reads an oversized change from its summary', () => {
    const event = parseConfigRuleEvent({
      invokingEvent: JSON.stringify({
        configurationItemSummary: { ...ITEM, resourceName: null },
        messageType: 'OversizedConfigurationItemChangeNotification',
      }),
      resultToken: 't',
    });

    expect(event.trigger).toMatchObject({
      kind: 'change',
      resource: { resourceName: null, resourceId: 'AIDAALICE' },
    });
  });

  it.each([
    ['OK', false],
    ['ResourceDiscovered', false],
    ['ResourceDeleted', true],
    ['ResourceDeletedNotRecorded', true],
    ['ResourceNotRecorded', true],
  ])('takes status %s as gone: %s', (status, gone) => {
    expect(
      parseConfigRuleEvent(changeEvent({ ...ITEM, configurationItemStatus: status })).trigger,
    ).toMatchObject({ gone });
  });

  it('takes eventLeftScope as gone', () => {
    expect(parseConfigRuleEvent(changeEvent(ITEM, { eventLeftScope: true })).trigger).toMatchObject({
      gone: true,
      goneReason: "the resource left the rule's scope",
    });
  });

  it('accepts invokingEvent written as an object, for hand-written events', () => {
    const event = parseConfigRuleEvent({
      invokingEvent: { messageType: 'ScheduledNotification', notificationCreationTime: AT },
      resultToken: 't',
    });

    expect(event.trigger.kind).toBe('scheduled');
  });

  it.each([
    [null, 'event'],
    [{ resultToken: 't' }, 'invokingEvent'],
    [{ invokingEvent: '[1]', resultToken: 't' }, 'invokingEvent'],
    [
      { invokingEvent: '{"messageType":"ConfigurationSnapshotDeliveryCompleted"}', resultToken: 't' },
      'invokingEvent.messageType',
    ],
    [
      { invokingEvent: '{"messageType":"ScheduledNotification"}', resultToken: 't' },
      'invokingEvent.notificationCreationTime',
    ],
    [changeEvent(ITEM, { resultToken: '' }), 'resultToken'],
    [changeEvent(ITEM, { ruleParameters: 'rule=KEY_ROTATION' }), 'ruleParameters'],
    [changeEvent(ITEM, { eventLeftScope: 'yes' }), 'eventLeftScope'],
    [changeEvent({ ...ITEM, resourceId: undefined }), 'invokingEvent.configurationItem.resourceId'],
    [
      changeEvent({ ...ITEM, configurationItemCaptureTime: 'today' }),
      'invokingEvent.configurationItem.configurationItemCaptureTime',
    ],
  ])('refuses a bad event (%#) naming %s', (event, field) => {
    let error: unknown;
    try {
      parseConfigRuleEvent(event);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ConfigEventError);
    expect((error as ConfigEventError).field).toBe(field);
    expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
  });
});
