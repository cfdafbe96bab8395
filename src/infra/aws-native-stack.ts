/**
 * `KeywardenAwsNative`: for teams that want only AWS's own pieces (managed rules and the managed
 * runbook), with Keywarden's thresholds as the parameters' defaults. Deploy it instead of, not
 * beside, `KeywardenAccount`: both would remediate the same users.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Policy } from '../core/policy/types.js';
import { AwsNativeRules } from './aws-native-rules.js';
import { configRuleParameters, daysParameter, inGlobalResourcesRegion } from './stack-parameters.js';

export interface KeywardenAwsNativeStackProps extends StackProps {
  /** The thresholds' defaults come from its KEY_ROTATION and UNUSED_CREDENTIALS rules. */
  readonly policy: Policy;
}

export class KeywardenAwsNativeStack extends Stack {
  readonly rules: AwsNativeRules;

  constructor(scope: Construct, id: string, props: KeywardenAwsNativeStackProps) {
    super(scope, id, {
      description:
        'Keywarden (AWS-native): managed Config rules ACCESS_KEYS_ROTATED and IAM_USER_UNUSED_CREDENTIALS_CHECK with the managed revoke runbook',
      ...props,
    });
    const { rules } = props.policy;
    const maxAccessKeyAge = daysParameter(
      this,
      'MaxAccessKeyAge',
      rules.KEY_ROTATION.maxKeyAgeDays,
      'ACCESS_KEYS_ROTATED maxAccessKeyAge: days before an active key must be rotated.',
    );
    const maxCredentialUsageAge = daysParameter(
      this,
      'MaxCredentialUsageAge',
      rules.UNUSED_CREDENTIALS.unusedDays,
      'IAM_USER_UNUSED_CREDENTIALS_CHECK maxCredentialUsageAge: days a credential may go unused.',
    );
    const { frequency, maxAttempts, retrySeconds, globalRegion } = configRuleParameters(this, {
      frequency: 'How often AWS Config evaluates the two managed rules.',
      maxAttempts: 'How many times AWS Config tries the runbook on a non-compliant user.',
      globalRegion:
        'The region whose AWS Config recorder records global resources (IAM); the rules deploy only there.',
    });
    const inGlobalRegion = inGlobalResourcesRegion(this, globalRegion);

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
