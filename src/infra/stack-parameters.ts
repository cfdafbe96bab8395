/**
 * The CloudFormation parameters more than one stack declares, declared once: the schedule, the
 * action cap, day thresholds, the Config rules' frequency and remediation retries, the region that
 * records global resources, and optional strings with the condition that says they were given.
 * Each stack passes its own descriptions; ids, types, defaults and bounds live here.
 */
import { Aws, CfnCondition, CfnParameter, Fn, type ICfnConditionExpression } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CONFIG_FREQUENCIES } from './config-rules.js';

/** `ScheduleExpression`: an EventBridge rate() or cron() expression, daily by default. */
export function scheduleExpressionParameter(scope: Construct, description: string): CfnParameter {
  return new CfnParameter(scope, 'ScheduleExpression', {
    type: 'String',
    default: 'rate(1 day)',
    allowedPattern: '^(rate|cron)\\(.+\\)$',
    description,
  });
}

/** `MaxActions`: the cap on changes per run (KEYWARDEN_MAX_ACTIONS); the policy's by default. */
export function maxActionsParameter(
  scope: Construct,
  policyMaxActions: number,
  description: string,
): CfnParameter {
  return new CfnParameter(scope, 'MaxActions', {
    type: 'Number',
    default: policyMaxActions,
    minValue: 0,
    description,
  });
}

/** A number of days, at least 1 (a rule's threshold). */
export function daysParameter(
  scope: Construct,
  id: string,
  defaultDays: number,
  description: string,
): CfnParameter {
  return new CfnParameter(scope, id, { type: 'Number', default: defaultDays, minValue: 1, description });
}

export interface ConfigRuleParameters {
  /** `ConfigRuleFrequency`: the periodic evaluation's MaximumExecutionFrequency. */
  readonly frequency: CfnParameter;
  /** `RemediationMaxAttempts`: 1 to 25, 5 by default. */
  readonly maxAttempts: CfnParameter;
  /** `RemediationRetrySeconds`: 60 by default. */
  readonly retrySeconds: CfnParameter;
  /** `GlobalResourcesRegion`: where AWS Config records IAM; us-east-1 by default. */
  readonly globalRegion: CfnParameter;
}

/**
 * The Config rules' and their remediation's parameters, in this order: ConfigRuleFrequency,
 * RemediationMaxAttempts, RemediationRetrySeconds, GlobalResourcesRegion.
 */
export function configRuleParameters(
  scope: Construct,
  descriptions: { readonly frequency: string; readonly maxAttempts: string; readonly globalRegion: string },
): ConfigRuleParameters {
  return {
    frequency: new CfnParameter(scope, 'ConfigRuleFrequency', {
      type: 'String',
      default: 'TwentyFour_Hours',
      allowedValues: [...CONFIG_FREQUENCIES],
      description: descriptions.frequency,
    }),
    maxAttempts: new CfnParameter(scope, 'RemediationMaxAttempts', {
      type: 'Number',
      default: 5,
      minValue: 1,
      maxValue: 25,
      description: descriptions.maxAttempts,
    }),
    retrySeconds: new CfnParameter(scope, 'RemediationRetrySeconds', {
      type: 'Number',
      default: 60,
      minValue: 1,
      maxValue: 2678000,
      description: 'Seconds between two remediation attempts.',
    }),
    globalRegion: new CfnParameter(scope, 'GlobalResourcesRegion', {
      type: 'String',
      default: 'us-east-1',
      allowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
      description: descriptions.globalRegion,
    }),
  };
}

/**
 * `InGlobalResourcesRegion`: true in the region that records global resources, where the IAM
 * Config rules and their remediation belong.
 */
export function inGlobalResourcesRegion(scope: Construct, globalRegion: CfnParameter): CfnCondition {
  return new CfnCondition(scope, 'InGlobalResourcesRegion', {
    expression: Fn.conditionEquals(Aws.REGION, globalRegion.valueAsString),
  });
}

/** An optional string parameter: empty by default, `allowedPattern` must accept the empty string. */
export function optionalStringParameter(
  scope: Construct,
  id: string,
  props: { readonly allowedPattern: string; readonly description: string },
): CfnParameter {
  if (!new RegExp(props.allowedPattern).test('')) {
    throw new Error(
      `optionalStringParameter ${id}: allowedPattern must accept the empty string (got ${props.allowedPattern}); start it with ^$|`,
    );
  }
  return new CfnParameter(scope, id, { type: 'String', default: '', ...props });
}

/** True when an optional parameter was given (is not empty); for rules, which cannot name conditions. */
export function givenExpression(parameter: CfnParameter): ICfnConditionExpression {
  return Fn.conditionNot(Fn.conditionEquals(parameter.valueAsString, ''));
}

/** A condition true when an optional parameter was given (is not empty). */
export function givenCondition(scope: Construct, id: string, parameter: CfnParameter): CfnCondition {
  return new CfnCondition(scope, id, { expression: givenExpression(parameter) });
}
