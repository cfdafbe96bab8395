/**
 * AWS's own pieces only: the managed Config rules ACCESS_KEYS_ROTATED and
 * IAM_USER_UNUSED_CREDENTIALS_CHECK; the unused credentials remediated automatically by the managed
 * runbook AWSConfigRemediation-RevokeUnusedIAMUserCredentials, with the role the runbook documents it
 * needs. The runbook remediates ACCESS_KEYS_ROTATED too only when asked (`revoke-unused-credentials`),
 * as the AWS-native articles pair them: it revokes, it never rotates.
 */
import { Aws, type CfnCondition, Token } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AccessKeysRotatedRemediation } from '../core/deployment.js';
import { acknowledgeWildcard } from './nag.js';

const REVOKE_RUNBOOK = 'AWSConfigRemediation-RevokeUnusedIAMUserCredentials';

/** The runbook's documented permissions (AWS Systems Manager Automation runbook reference). */
const REVOKE_RUNBOOK_IAM_ACTIONS = [
  'iam:DeleteAccessKey',
  'iam:DeleteLoginProfile',
  'iam:GetAccessKeyLastUsed',
  'iam:GetLoginProfile',
  'iam:GetUser',
  'iam:ListAccessKeys',
  'iam:UpdateAccessKey',
] as const;

export interface AwsNativeRulesProps {
  /** ACCESS_KEYS_ROTATED's maxAccessKeyAge, in days (a number or a parameter's value). */
  readonly maxAccessKeyAgeDays: string;
  /** IAM_USER_UNUSED_CREDENTIALS_CHECK's maxCredentialUsageAge, in days. */
  readonly maxCredentialUsageAgeDays: string;
  /** One of the Config frequencies, or a parameter's value. */
  readonly maximumExecutionFrequency: string;
  /** 1 to 25, or a parameter's value. */
  readonly maximumAutomaticAttempts: number;
  /** 1 to 2678000 seconds, or a parameter's value. */
  readonly retryAttemptSeconds: number;
  /** Deploy rules and remediations only where this holds. @default always */
  readonly condition?: CfnCondition;
  /**
   * `revoke-unused-credentials` also remediates ACCESS_KEYS_ROTATED with the revoke runbook (which
   * never rotates); `notify` leaves that rule to notices. @default 'notify'
   */
  readonly accessKeysRotatedRemediation?: AccessKeysRotatedRemediation;
}

export class AwsNativeRules extends Construct {
  readonly accessKeysRotated: config.CfnConfigRule;
  readonly unusedCredentials: config.CfnConfigRule;
  readonly automationRole: iam.Role;
  /** The runbook's remediation of ACCESS_KEYS_ROTATED; null unless `revoke-unused-credentials`. */
  readonly accessKeysRotatedRemediation: config.CfnRemediationConfiguration | null;

  constructor(scope: Construct, id: string, props: AwsNativeRulesProps) {
    super(scope, id);
    const days = (name: string, value: string) => {
      if (!Token.isUnresolved(value) && !/^[1-9]\d{0,4}$/.test(value)) {
        throw new Error(
          `AwsNativeRules ${id}: ${name} must be a whole number of days (got ${JSON.stringify(value)})`,
        );
      }
    };
    days('maxAccessKeyAgeDays', props.maxAccessKeyAgeDays);
    days('maxCredentialUsageAgeDays', props.maxCredentialUsageAgeDays);

    const managedRule = (
      constructId: string,
      identifier: string,
      inputParameters: Record<string, string>,
    ) => {
      const rule = new config.CfnConfigRule(this, constructId, {
        source: { owner: 'AWS', sourceIdentifier: identifier },
        inputParameters,
        maximumExecutionFrequency: props.maximumExecutionFrequency,
      });
      if (props.condition) rule.cfnOptions.condition = props.condition;
      return rule;
    };
    this.accessKeysRotated = managedRule('AccessKeysRotated', 'ACCESS_KEYS_ROTATED', {
      maxAccessKeyAge: props.maxAccessKeyAgeDays,
    });
    this.unusedCredentials = managedRule('UnusedCredentials', 'IAM_USER_UNUSED_CREDENTIALS_CHECK', {
      maxCredentialUsageAge: props.maxCredentialUsageAgeDays,
    });

    const userArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:user/*`;
    this.automationRole = new iam.Role(this, 'AutomationRole', {
      description: `Assumed by SSM Automation to run ${REVOKE_RUNBOOK} for AWS Config`,
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      inlinePolicies: {
        RevokeUnusedCredentials: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'IamUsers',
              actions: [...REVOKE_RUNBOOK_IAM_ACTIONS],
              resources: [userArn],
            }),
            new iam.PolicyStatement({
              sid: 'ConfigDiscoveredResources',
              actions: ['config:ListDiscoveredResources'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'RunbookExecution',
              actions: ['ssm:StartAutomationExecution', 'ssm:GetAutomationExecution'],
              resources: [
                `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-definition/${REVOKE_RUNBOOK}:*`,
                `arn:${Aws.PARTITION}:ssm:${Aws.REGION}:${Aws.ACCOUNT_ID}:automation-execution/*`,
              ],
            }),
          ],
        }),
      },
    });
    const ack = (resource: string, reason: string) =>
      acknowledgeWildcard(this.automationRole, resource, reason);
    ack(
      'arn:<AWS::Partition>:iam::<AWS::AccountId>:user/*',
      'The runbook revokes unused credentials of whichever IAM user AWS Config finds non-compliant.',
    );
    ack('*', 'config:ListDiscoveredResources supports no resource-level permissions.');
    ack(
      `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-definition/${REVOKE_RUNBOOK}:*`,
      'Any version of the one managed runbook.',
    );
    ack(
      'arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:automation-execution/*',
      'Execution ids are made at run time; GetAutomationExecution reads the runbook’s own executions.',
    );

    const remediate = (constructId: string, rule: config.CfnConfigRule, maxUsageAgeDays: string) => {
      const remediation = new config.CfnRemediationConfiguration(this, constructId, {
        configRuleName: rule.ref,
        targetType: 'SSM_DOCUMENT',
        targetId: REVOKE_RUNBOOK,
        resourceType: 'AWS::IAM::User',
        automatic: true,
        maximumAutomaticAttempts: props.maximumAutomaticAttempts,
        retryAttemptSeconds: props.retryAttemptSeconds,
        parameters: {
          AutomationAssumeRole: { StaticValue: { Values: [this.automationRole.roleArn] } },
          IAMResourceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
          MaxCredentialUsageAge: { StaticValue: { Values: [maxUsageAgeDays] } },
        },
      });
      if (props.condition) remediation.cfnOptions.condition = props.condition;
      return remediation;
    };
    remediate('UnusedCredentialsRemediation', this.unusedCredentials, props.maxCredentialUsageAgeDays);
    // Only when asked: the runbook never rotates a key (see REVOKE_RUNBOOK_PAIRING_WARNING). AWS's note
    // on the pairing: match MaxCredentialUsageAge to access-keys-rotated's maxAccessKeyAge.
    this.accessKeysRotatedRemediation =
      (props.accessKeysRotatedRemediation ?? 'notify') === 'revoke-unused-credentials'
        ? remediate('AccessKeysRotatedRemediation', this.accessKeysRotated, props.maxAccessKeyAgeDays)
        : null;
  }
}
