/**
 * A handler's function wired the way every Keywarden stack wires it: a KeywardenFunction (own role,
 * log group, alarms, dead-letter queue when asynchronous) holding the statements derived from the
 * handler's declared permissions, the topic's key when it publishes, alarms on that topic, and
 * cdk-nag's acknowledgement of each wildcard resource those statements need.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { EncryptedTopic } from './encrypted-topic.js';
import { KeywardenFunction, type KeywardenFunctionProps } from './keywarden-function.js';
import { acknowledgeWildcardResources } from './nag.js';
import type { StatementSpec } from './permissions.js';

/** A CDK StatementSpec as a PolicyStatement. */
export function toPolicyStatement(spec: StatementSpec): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: spec.sid,
    effect: spec.effect === 'Allow' ? iam.Effect.ALLOW : iam.Effect.DENY,
    actions: [...spec.actions],
    resources: [...spec.resources],
    ...(spec.conditions ? { conditions: spec.conditions } : {}),
  });
}

export interface HandlerFunctionProps extends Omit<KeywardenFunctionProps, 'statements' | 'alarmTopic'> {
  /** The handler's statements (src/infra/permissions.ts), besides its logs and the topic's key. */
  readonly specs: readonly StatementSpec[];
  /** The stack's topic: the alarms notify it; a handler that may sns:Publish gets its key. */
  readonly topic: EncryptedTopic;
  /** The policy's `remediation.secretNamePrefix`, which the secrets' wildcard resource names. */
  readonly secretNamePrefix: string;
}

/** One handler's function, its permissions and their nag acknowledgements. */
export function handlerFunction(
  scope: Construct,
  id: string,
  props: HandlerFunctionProps,
): KeywardenFunction {
  const { specs, topic, secretNamePrefix, ...functionProps } = props;
  const publishes = specs.some((s) => s.actions.includes('sns:Publish'));
  const fn = new KeywardenFunction(scope, id, {
    ...functionProps,
    alarmTopic: topic.topic,
    statements: [...specs.map(toPolicyStatement), ...(publishes ? [topic.publisherKeyStatement()] : [])],
  });
  acknowledgeWildcardResources(fn.permissions, specs, secretNamePrefix);
  return fn;
}
