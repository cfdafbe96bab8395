/**
 * The event AWS Config sends a custom Lambda rule, read into plain data. Pure: no clock, no I/O.
 * `invokingEvent` and `ruleParameters` arrive as JSON strings; every problem is reported as one
 * line that names the field (`invokingEvent.configurationItem.resourceId: ...`), so a bad sample
 * event says what to fix.
 */
import { formatValue } from './policy-errors.js';

/** The resource type Keywarden's Config rule evaluates. */
export const IAM_USER_RESOURCE_TYPE = 'AWS::IAM::User';

/** The message types a Config rule's function is invoked with for changes and schedules. */
const CONFIG_MESSAGE_TYPES = [
  'ScheduledNotification',
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
] as const;
type ConfigMessageType = (typeof CONFIG_MESSAGE_TYPES)[number];

/** The result token that makes PutEvaluations a dry run (`TestMode`), as the AWS Config console uses it. */
const TEST_MODE_RESULT_TOKEN = 'TESTMODE';

/**
 * Configuration item statuses for which the resource is there to judge; any other status
 * (`ResourceDeleted`, `ResourceDeletedNotRecorded`, `ResourceNotRecorded`) makes it NOT_APPLICABLE.
 */
const PRESENT_STATUSES: readonly string[] = ['OK', 'ResourceDiscovered'];

/** A problem with the event: the field, and what is wrong with it. */
export class ConfigEventError extends Error {
  override readonly name = 'ConfigEventError';
  constructor(
    /** Dotted path of the field, e.g. `invokingEvent.messageType`. */
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The one resource a change notification is about. */
export interface ChangedResource {
  readonly resourceType: string;
  /** For an IAM user, its unique id (`AIDA...`): the ComplianceResourceId. */
  readonly resourceId: string;
  /** For an IAM user, its name; null when the item does not carry one. */
  readonly resourceName: string | null;
  readonly status: string;
  /** `configurationItemCaptureTime`: the OrderingTimestamp of the evaluation. */
  readonly capturedAt: Date;
}

/** What one invocation asks for, decided from the event alone. */
export type ConfigRuleTrigger =
  | {
      readonly kind: 'scheduled';
      /** `notificationCreationTime`: the OrderingTimestamp of every evaluation. */
      readonly notifiedAt: Date;
    }
  | {
      readonly kind: 'change';
      readonly messageType: Exclude<ConfigMessageType, 'ScheduledNotification'>;
      readonly resource: ChangedResource;
      /**
       * True when the resource is gone or out of the rule's scope (deleted, not recorded, or
       * `eventLeftScope`): it is NOT_APPLICABLE without reading anything.
       */
      readonly gone: boolean;
      /** Why it is gone, for the annotation; null when not gone. */
      readonly goneReason: string | null;
    };

export interface ConfigRuleEvent {
  readonly trigger: ConfigRuleTrigger;
  readonly resultToken: string;
  /** True for the `TESTMODE` result token: PutEvaluations validates and records nothing. */
  readonly testMode: boolean;
  /** `ruleParameters`, parsed but not yet validated (see config-rule.ts). */
  readonly ruleParameters: Readonly<Record<string, unknown>>;
  readonly configRuleName: string | null;
  readonly accountId: string | null;
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function object(value: unknown, field: string): Json {
  if (!isObject(value))
    throw new ConfigEventError(field, `must be a JSON object (got ${formatValue(value)})`);
  return value;
}

function text(parent: Json, key: string, at: string): string {
  const value = parent[key];
  if (typeof value !== 'string' || value === '') {
    throw new ConfigEventError(`${at}${key}`, `must be a non-empty string (got ${formatValue(value)})`);
  }
  return value;
}

function optionalText(parent: Json, key: string, at: string): string | null {
  const value = parent[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new ConfigEventError(`${at}${key}`, `must be a string (got ${formatValue(value)})`);
  }
  return value;
}

function time(parent: Json, key: string, at: string): Date {
  const value = text(parent, key, at);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new ConfigEventError(
      `${at}${key}`,
      `must be an ISO 8601 time such as 2026-11-22T12:00:00.000Z (got ${formatValue(value)})`,
    );
  }
  return new Date(ms);
}

/** A field that AWS Config sends as a string holding JSON (an object is accepted too, for hand-written events). */
function jsonString(parent: Json, key: string, required: boolean): Json {
  const value = parent[key];
  if (value === undefined || value === null || value === '') {
    if (required) throw new ConfigEventError(key, 'is missing; AWS Config sends it as a JSON string');
    return {};
  }
  if (isObject(value)) return value;
  if (typeof value !== 'string') {
    throw new ConfigEventError(key, `must be a string holding a JSON object (got ${formatValue(value)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new ConfigEventError(
      key,
      `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return object(parsed, key);
}

function changedResource(item: Json, at: string): ChangedResource {
  return {
    resourceType: text(item, 'resourceType', at),
    resourceId: text(item, 'resourceId', at),
    resourceName: optionalText(item, 'resourceName', at),
    status: text(item, 'configurationItemStatus', at),
    capturedAt: time(item, 'configurationItemCaptureTime', at),
  };
}

/**
 * Reads a Config rule invocation. Throws {@link ConfigEventError} naming the first bad field.
 * Shapes: https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 */
export function parseConfigRuleEvent(event: unknown): ConfigRuleEvent {
  const root = object(event, 'event');
  const invoking = jsonString(root, 'invokingEvent', true);
  const ruleParameters = jsonString(root, 'ruleParameters', false);
  const resultToken = text(root, 'resultToken', '');
  const leftScope = root.eventLeftScope;
  if (leftScope !== undefined && leftScope !== null && typeof leftScope !== 'boolean') {
    throw new ConfigEventError('eventLeftScope', `must be true or false (got ${formatValue(leftScope)})`);
  }
  const messageType = text(invoking, 'messageType', 'invokingEvent.');
  if (!(CONFIG_MESSAGE_TYPES as readonly string[]).includes(messageType)) {
    throw new ConfigEventError(
      'invokingEvent.messageType',
      `must be one of ${CONFIG_MESSAGE_TYPES.join(', ')} (got ${formatValue(messageType)})`,
    );
  }
  let trigger: ConfigRuleTrigger;
  const type = messageType as ConfigMessageType;
  switch (type) {
    case 'ScheduledNotification':
      trigger = {
        kind: 'scheduled',
        notifiedAt: time(invoking, 'notificationCreationTime', 'invokingEvent.'),
      };
      break;
    case 'ConfigurationItemChangeNotification':
    case 'OversizedConfigurationItemChangeNotification': {
      const key =
        type === 'ConfigurationItemChangeNotification' ? 'configurationItem' : 'configurationItemSummary';
      const at = `invokingEvent.${key}`;
      const resource = changedResource(object(invoking[key], at), `${at}.`);
      const deleted = !PRESENT_STATUSES.includes(resource.status);
      const gone = leftScope === true || deleted;
      trigger = {
        kind: 'change',
        messageType: type,
        resource,
        gone,
        goneReason: deleted
          ? `configuration item status ${resource.status}`
          : gone
            ? "the resource left the rule's scope"
            : null,
      };
      break;
    }
    default:
      return type satisfies never;
  }
  return {
    trigger,
    resultToken,
    testMode: resultToken === TEST_MODE_RESULT_TOKEN,
    ruleParameters,
    configRuleName: optionalText(root, 'configRuleName', ''),
    accountId:
      optionalText(root, 'accountId', '') ?? optionalText(invoking, 'awsAccountId', 'invokingEvent.'),
  };
}
