/**
 * `KeywardenAwsNative`: for teams that want only AWS's own pieces (managed rules, the managed
 * runbook, an EventBridge rule and an SNS topic), with Keywarden's thresholds as the parameters'
 * defaults. Unused credentials are revoked automatically; a key too old is notified, not revoked,
 * since the runbook never rotates (the revoke pairing is an explicit choice, with a warning). Deploy
 * it instead of, not beside, `KeywardenAccount`: both would remediate the same users.
 */
import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { type AccessKeysRotatedRemediation, REVOKE_RUNBOOK_PAIRING_WARNING } from '../core/deployment.js';
import type { Policy } from '../core/policy/types.js';
import { AwsNativeRules } from './aws-native-rules.js';
import { EncryptedTopic } from './encrypted-topic.js';
import {
  configRuleParameters,
  daysParameter,
  givenCondition,
  inGlobalResourcesRegion,
  optionalStringParameter,
} from './stack-parameters.js';

export interface KeywardenAwsNativeStackProps extends StackProps {
  /** The thresholds' defaults come from its KEY_ROTATION and UNUSED_CREDENTIALS rules. */
  readonly policy: Policy;
  /**
   * What ACCESS_KEYS_ROTATED's non-compliance does: `notify` publishes a notice to the stack's topic;
   * `revoke-unused-credentials` also runs the revoke runbook on the user, as the AWS-native articles
   * pair them (a synth warning says why not). @default 'notify'
   */
  readonly accessKeysRotatedRemediation?: AccessKeysRotatedRemediation;
}

export class KeywardenAwsNativeStack extends Stack {
  readonly rules: AwsNativeRules;
  /** Where the notices of keys too old go. */
  readonly notifications: EncryptedTopic;

  constructor(scope: Construct, id: string, props: KeywardenAwsNativeStackProps) {
    const remediation = props.accessKeysRotatedRemediation ?? 'notify';
    super(scope, id, {
      description:
        remediation === 'notify'
          ? 'Keywarden (AWS-native): managed Config rules ACCESS_KEYS_ROTATED (notified) and IAM_USER_UNUSED_CREDENTIALS_CHECK (the managed revoke runbook)'
          : 'Keywarden (AWS-native): managed Config rules ACCESS_KEYS_ROTATED and IAM_USER_UNUSED_CREDENTIALS_CHECK, both with the managed revoke runbook',
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
    const notificationEmail = optionalStringParameter(this, 'NotificationEmail', {
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      description: 'Optional: an email address subscribed to the topic that hears of access keys too old.',
    });
    const inGlobalRegion = inGlobalResourcesRegion(this, globalRegion);

    this.rules = new AwsNativeRules(this, 'Rules', {
      maxAccessKeyAgeDays: maxAccessKeyAge.valueAsString,
      maxCredentialUsageAgeDays: maxCredentialUsageAge.valueAsString,
      maximumExecutionFrequency: frequency.valueAsString,
      maximumAutomaticAttempts: maxAttempts.valueAsNumber,
      retryAttemptSeconds: retrySeconds.valueAsNumber,
      condition: inGlobalRegion,
      accessKeysRotatedRemediation: remediation,
    });

    // A key too old is someone's to rotate: AWS Config's compliance change, through EventBridge, to a topic.
    this.notifications = new EncryptedTopic(this, 'Notifications', {
      displayName: 'Keywarden access keys to rotate',
      keyDescription: 'Keywarden (AWS-native): encrypts the topic of access keys to rotate',
    });
    const subscription = new sns.CfnSubscription(this, 'NotificationEmailSubscription', {
      topicArn: this.notifications.topic.topicArn,
      protocol: 'email',
      endpoint: notificationEmail.valueAsString,
    });
    subscription.cfnOptions.condition = givenCondition(this, 'HasNotificationEmail', notificationEmail);
    const field = (path: string) => events.EventField.fromPath(path);
    const notice = new events.Rule(this, 'AccessKeysRotatedNotice', {
      description:
        'Keywarden (AWS-native): tells the topic of each IAM user ACCESS_KEYS_ROTATED finds non-compliant',
      eventPattern: {
        source: ['aws.config'],
        detailType: ['Config Rules Compliance Change'],
        detail: {
          configRuleName: [this.rules.accessKeysRotated.ref],
          newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
        },
      },
      targets: [
        new targets.SnsTopic(this.notifications.topic, {
          message: events.RuleTargetInput.fromText(
            `AWS Config: IAM user ${field('$.detail.resourceId')} (account ${field('$.detail.awsAccountId')}) ` +
              `is NON_COMPLIANT with ${field('$.detail.configRuleName')}: an active access key is older than ` +
              `${maxAccessKeyAge.valueAsString} days. Rotate it: create a second key, move every use to it, then ` +
              'deactivate and delete the old one.' +
              (remediation === 'notify'
                ? ' Nothing deactivates it automatically.'
                : ' The revoke runbook also runs on this user: it never makes a new key.'),
          ),
        }),
      ],
    });
    (notice.node.defaultChild as events.CfnRule).cfnOptions.condition = inGlobalRegion;
    new CfnOutput(this, 'NotificationTopicArn', {
      description: 'The topic that hears of each access key too old: subscribe to it.',
      value: this.notifications.topic.topicArn,
    });
    if (remediation === 'revoke-unused-credentials') {
      Annotations.of(this).addWarningV2('keywarden:revoke-runbook-pairing', REVOKE_RUNBOOK_PAIRING_WARNING);
    }
  }
}
