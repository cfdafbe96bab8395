import { describe, expect, it } from 'vitest';
import { AWS_NATIVE_PARAMETERS, fastApp, policyFrom, resourceNamed, resourcesOf } from './support.js';

/** AWS's managed runbook the Config rules' remediation runs. */
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
];

const { awsNativeTemplate: template } = fastApp();

const typesOf = (t: typeof template) =>
  Object.values(t.toJSON().Resources as Record<string, { Type: string }>)
    .map((r) => r.Type)
    .sort();

/** The seed's pairing, asked for explicitly. */
const paired = fastApp(undefined, { accessKeysRotatedRemediation: 'revoke-unused-credentials' });

describe('KeywardenAwsNative', () => {
  it('has the two managed rules, one automatic remediation, the runbook role and the notice of keys too old, nothing else', () => {
    expect(typesOf(template)).toEqual([
      'AWS::Config::ConfigRule',
      'AWS::Config::ConfigRule',
      'AWS::Config::RemediationConfiguration',
      'AWS::Events::Rule',
      'AWS::IAM::Role',
      'AWS::KMS::Key',
      'AWS::SNS::Subscription',
      'AWS::SNS::Topic',
      'AWS::SNS::TopicPolicy',
    ]);
  });

  it('by default remediates only the unused credentials with the runbook: ACCESS_KEYS_ROTATED gets none', () => {
    const remediations = Object.values(resourcesOf(template, 'AWS::Config::RemediationConfiguration'));
    expect(remediations.map((r) => r.Properties.ConfigRuleName)).toEqual([
      { Ref: resourceNamed(template, 'AWS::Config::ConfigRule', 'RulesUnusedCredentials')[0] },
    ]);
    const ids = Object.keys(resourcesOf(template, 'AWS::Config::RemediationConfiguration'));
    expect(ids.filter((id) => id.startsWith('RulesAccessKeysRotated'))).toEqual([]);
    expect(paired.awsNative.rules.accessKeysRotatedRemediation).not.toBeNull();
    expect(fastApp().awsNative.rules.accessKeysRotatedRemediation).toBeNull();
  });

  it('tells an encrypted topic of each user ACCESS_KEYS_ROTATED finds non-compliant, through EventBridge, in the global region', () => {
    const [, rule] = resourceNamed(template, 'AWS::Events::Rule', 'AccessKeysRotatedNotice');
    const topic = resourceNamed(template, 'AWS::SNS::Topic', 'NotificationsTopic')[0];
    expect(rule).toMatchObject({
      Condition: 'InGlobalResourcesRegion',
      Properties: {
        EventPattern: {
          source: ['aws.config'],
          'detail-type': ['Config Rules Compliance Change'],
          detail: {
            configRuleName: [
              { Ref: resourceNamed(template, 'AWS::Config::ConfigRule', 'RulesAccessKeysRotated')[0] },
            ],
            newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
          },
        },
        Targets: [
          {
            Arn: { Ref: topic },
            InputTransformer: {
              InputPathsMap: {
                'detail-resourceId': '$.detail.resourceId',
                'detail-awsAccountId': '$.detail.awsAccountId',
                'detail-configRuleName': '$.detail.configRuleName',
              },
            },
          },
        ],
      },
    });
    const text = JSON.stringify(rule.Properties.Targets);
    expect(text).toMatch(/IAM user <detail-resourceId>.*Rotate it.*Nothing deactivates it automatically/);
    const [, key] = resourceNamed(template, 'AWS::KMS::Key', 'NotificationsKey');
    expect(JSON.stringify(key.Properties.KeyPolicy)).toContain('events.amazonaws.com');
    const [, subscription] = resourceNamed(
      template,
      'AWS::SNS::Subscription',
      'NotificationEmailSubscription',
    );
    expect(subscription).toMatchObject({
      Condition: 'HasNotificationEmail',
      Properties: { Protocol: 'email', Endpoint: { Ref: 'NotificationEmail' } },
    });
    expect(template.toJSON().Outputs).toHaveProperty('NotificationTopicArn');
  });

  it('with revoke-unused-credentials also remediates ACCESS_KEYS_ROTATED with the runbook, still notifies, and warns', () => {
    const t = paired.awsNativeTemplate;
    expect(Object.keys(resourcesOf(t, 'AWS::Config::RemediationConfiguration'))).toHaveLength(2);
    expect(Object.keys(resourcesOf(t, 'AWS::Events::Rule'))).toHaveLength(1);
    const [, rule] = resourceNamed(t, 'AWS::Events::Rule', 'AccessKeysRotatedNotice');
    expect(JSON.stringify(rule.Properties.Targets)).toMatch(/The revoke runbook also runs on this user/);
    const warnings = paired.awsNative.node.metadata.filter((m) => m.type === 'aws:cdk:warning');
    expect(warnings.map((m) => String(m.data))).toEqual([
      expect.stringMatching(
        /^KeywardenAwsNative: ACCESS_KEYS_ROTATED is remediated by AWSConfigRemediation-RevokeUnusedIAMUserCredentials.*never rotates.*outage/,
      ),
    ]);
    expect(fastApp().awsNative.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
  });

  it('uses the managed rules with the thresholds and frequency as parameters, in the global region only', () => {
    const [, rotated] = resourceNamed(template, 'AWS::Config::ConfigRule', 'RulesAccessKeysRotated');
    expect(rotated).toMatchObject({
      Condition: 'InGlobalResourcesRegion',
      Properties: {
        Source: { Owner: 'AWS', SourceIdentifier: 'ACCESS_KEYS_ROTATED' },
        InputParameters: { maxAccessKeyAge: { Ref: 'MaxAccessKeyAge' } },
        MaximumExecutionFrequency: { Ref: 'ConfigRuleFrequency' },
      },
    });
    const [, unused] = resourceNamed(template, 'AWS::Config::ConfigRule', 'RulesUnusedCredentials');
    expect(unused.Properties).toMatchObject({
      Source: { Owner: 'AWS', SourceIdentifier: 'IAM_USER_UNUSED_CREDENTIALS_CHECK' },
      InputParameters: { maxCredentialUsageAge: { Ref: 'MaxCredentialUsageAge' } },
    });
  });

  it('remediates automatically with the managed revoke runbook and its own assume role (both rules when paired)', () => {
    const expected = {
      RulesAccessKeysRotatedRemediation: ['RulesAccessKeysRotated', 'MaxAccessKeyAge'],
      RulesUnusedCredentialsRemediation: ['RulesUnusedCredentials', 'MaxCredentialUsageAge'],
    };
    for (const [id, [rule, maxAge]] of Object.entries(expected)) {
      const t = paired.awsNativeTemplate;
      const role = { 'Fn::GetAtt': [resourceNamed(t, 'AWS::IAM::Role', 'RulesAutomationRole')[0], 'Arn'] };
      const [, remediation] = resourceNamed(t, 'AWS::Config::RemediationConfiguration', id);
      expect(remediation).toMatchObject({
        Condition: 'InGlobalResourcesRegion',
        Properties: {
          ConfigRuleName: { Ref: resourceNamed(t, 'AWS::Config::ConfigRule', `${rule}`)[0] },
          TargetType: 'SSM_DOCUMENT',
          TargetId: REVOKE_RUNBOOK,
          Automatic: true,
          MaximumAutomaticAttempts: { Ref: 'RemediationMaxAttempts' },
          RetryAttemptSeconds: { Ref: 'RemediationRetrySeconds' },
          Parameters: {
            AutomationAssumeRole: { StaticValue: { Values: [role] } },
            IAMResourceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
            MaxCredentialUsageAge: { StaticValue: { Values: [{ Ref: maxAge }] } },
          },
        },
      });
    }
  });

  it('gives the runbook’s role exactly the permissions AWS documents for it, assumable by SSM of this account', () => {
    const [, role] = resourceNamed(template, 'AWS::IAM::Role', 'RulesAutomationRole');
    expect(role.Properties).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Principal: { Service: 'ssm.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
    });
    const statements = (
      role.Properties.Policies as { PolicyDocument: { Statement: { Action: string | string[] }[] } }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(
      [
        ...REVOKE_RUNBOOK_IAM_ACTIONS,
        'config:ListDiscoveredResources',
        'ssm:GetAutomationExecution',
        'ssm:StartAutomationExecution',
      ].sort(),
    );
  });

  it('takes the thresholds’ defaults from the policy and documents every parameter', () => {
    const defaults = fastApp(
      policyFrom(
        'version: 1\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: 60 }\n  UNUSED_CREDENTIALS: { unusedDays: 45 }\n',
      ),
    ).awsNativeTemplate.toJSON().Parameters as Record<string, { Default?: unknown; Description?: string }>;
    expect(defaults.MaxAccessKeyAge?.Default).toBe(60);
    expect(defaults.MaxCredentialUsageAge?.Default).toBe(45);
    expect(defaults.RemediationMaxAttempts?.Default).toBe(5);
    expect(defaults.RemediationRetrySeconds?.Default).toBe(60);
    for (const name of AWS_NATIVE_PARAMETERS) expect(defaults[name]?.Description, name).toMatch(/\w/);
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))).toEqual([]);
  });
});
