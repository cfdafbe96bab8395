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
const arnOf = (prefix: string, type: string) => ({
  'Fn::GetAtt': [resourceNamed(template, type, prefix)[0], 'Arn'],
});

describe('KeywardenAwsNative', () => {
  it('has the two managed rules, two automatic remediations and the runbook role, nothing else', () => {
    const types = Object.values(template.toJSON().Resources as Record<string, { Type: string }>)
      .map((r) => r.Type)
      .sort();
    expect(types).toEqual([
      'AWS::Config::ConfigRule',
      'AWS::Config::ConfigRule',
      'AWS::Config::RemediationConfiguration',
      'AWS::Config::RemediationConfiguration',
      'AWS::IAM::Role',
    ]);
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

  it('remediates both automatically with the managed revoke runbook and its own assume role', () => {
    const expected = {
      RulesAccessKeysRotatedRemediation: ['RulesAccessKeysRotated', 'MaxAccessKeyAge'],
      RulesUnusedCredentialsRemediation: ['RulesUnusedCredentials', 'MaxCredentialUsageAge'],
    };
    for (const [id, [rule, maxAge]] of Object.entries(expected)) {
      const [, remediation] = resourceNamed(template, 'AWS::Config::RemediationConfiguration', id);
      expect(remediation).toMatchObject({
        Condition: 'InGlobalResourcesRegion',
        Properties: {
          ConfigRuleName: { Ref: resourceNamed(template, 'AWS::Config::ConfigRule', `${rule}`)[0] },
          TargetType: 'SSM_DOCUMENT',
          TargetId: REVOKE_RUNBOOK,
          Automatic: true,
          MaximumAutomaticAttempts: { Ref: 'RemediationMaxAttempts' },
          RetryAttemptSeconds: { Ref: 'RemediationRetrySeconds' },
          Parameters: {
            AutomationAssumeRole: {
              StaticValue: { Values: [arnOf('RulesAutomationRole', 'AWS::IAM::Role')] },
            },
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
