/**
 * `KeywardenAwsNative`: for teams that want only AWS's own pieces (managed rules and the managed
 * runbook), with Keywarden's thresholds as the parameters' defaults. Deploy it instead of, not
 * beside, `KeywardenAccount`: both would remediate the same users.
 */
import { Aws, CfnCondition, CfnParameter, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Policy } from '../core/policy/types.js';
import { AwsNativeRules } from './aws-native-rules.js';
import { CONFIG_FREQUENCIES } from './config-rules.js';

export interface KeywardenAwsNativeStackProps extends StackProps {
  /** The thresholds' defaults come from its KEY_ROTATION and UNUSED_CREDENTIALS rules. */
  readonly policy: Policy;
}

/** The stack's CloudFormation parameters, by name; docs/deploy.md documents each. */
export const AWS_NATIVE_PARAMETERS = [
  'MaxAccessKeyAge',
  'MaxCredentialUsageAge',
  'ConfigRuleFrequency',
  'RemediationMaxAttempts',
  'RemediationRetrySeconds',
  'GlobalResourcesRegion',
] as const;

export class KeywardenAwsNativeStack extends Stack {
  readonly rules: AwsNativeRules;

  constructor(scope: Construct, id: string, props: KeywardenAwsNativeStackProps) {
    super(scope, id, {
      description:
        'Keywarden (AWS-native): managed Config rules ACCESS_KEYS_ROTATED and IAM_USER_UNUSED_CREDENTIALS_CHECK with the managed revoke runbook',
      ...props,
    });
    const { rules } = props.policy;
    const maxAccessKeyAge = new CfnParameter(this, 'MaxAccessKeyAge', {
      type: 'Number',
      default: rules.KEY_ROTATION.maxKeyAgeDays,
      minValue: 1,
      description: 'ACCESS_KEYS_ROTATED maxAccessKeyAge: days before an active key must be rotated.',
    });
    const maxCredentialUsageAge = new CfnParameter(this, 'MaxCredentialUsageAge', {
      type: 'Number',
      default: rules.UNUSED_CREDENTIALS.unusedDays,
      minValue: 1,
      description:
        'IAM_USER_UNUSED_CREDENTIALS_CHECK maxCredentialUsageAge: days a credential may go unused.',
    });
    const frequency = new CfnParameter(this, 'ConfigRuleFrequency', {
      type: 'String',
      default: 'TwentyFour_Hours',
      allowedValues: [...CONFIG_FREQUENCIES],
      description: 'How often AWS Config evaluates the two managed rules.',
    });
    const maxAttempts = new CfnParameter(this, 'RemediationMaxAttempts', {
      type: 'Number',
      default: 5,
      minValue: 1,
      maxValue: 25,
      description: 'How many times AWS Config tries the runbook on a non-compliant user.',
    });
    const retrySeconds = new CfnParameter(this, 'RemediationRetrySeconds', {
      type: 'Number',
      default: 60,
      minValue: 1,
      maxValue: 2678000,
      description: 'Seconds between two remediation attempts.',
    });
    const globalRegion = new CfnParameter(this, 'GlobalResourcesRegion', {
      type: 'String',
      default: 'us-east-1',
      allowedPattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
      description:
        'The region whose AWS Config recorder records global resources (IAM); the rules deploy only there.',
    });
    const inGlobalRegion = new CfnCondition(this, 'InGlobalResourcesRegion', {
      expression: Fn.conditionEquals(Aws.REGION, globalRegion.valueAsString),
    });

    this.rules = new AwsNativeRules(this, 'Rules', {
      maxAccessKeyAgeDays: maxAccessKeyAge.valueAsString,
      maxCredentialUsageAgeDays: maxCredentialUsageAge.valueAsString,
      maximumExecutionFrequency: frequency.valueAsString,
      maximumAutomaticAttempts: maxAttempts.valueAsNumber,
      retryAttemptSeconds: retrySeconds.valueAsNumber,
      condition: inGlobalRegion,
    });
  }
}
