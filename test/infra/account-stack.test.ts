import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/core/policy/resolve.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import { handlerPermissions } from '../../src/infra/handler-permissions.js';
import {
  ACCOUNT_PARAMETERS,
  actionsOf,
  type CfnResource,
  fastApp,
  functionStatements,
  policyFrom,
  resourceNamed,
  resourcesOf,
  type Statement,
} from './support.js';

const FUNCTIONS = {
  Scheduled: 'scheduled',
  ConfigRuleEvaluator: 'config-rule',
  Remediate: 'remediate',
} as const;
const { accountTemplate: template } = fastApp();

const ref = (logicalIdPrefix: string, type: string) => ({
  Ref: resourceNamed(template, type, logicalIdPrefix)[0],
});
const arnOf = (logicalIdPrefix: string, type: string) => ({
  'Fn::GetAtt': [resourceNamed(template, type, logicalIdPrefix)[0], 'Arn'],
});

describe('KeywardenAccount: resources', () => {
  it('has exactly the resources it promises', () => {
    const counts: Record<string, number> = {
      'AWS::Lambda::Function': 3,
      'AWS::SQS::Queue': 2,
      'AWS::CloudWatch::Alarm': 8,
      'AWS::Events::Rule': 1,
      'AWS::Config::ConfigRule': 4,
      'AWS::Config::RemediationConfiguration': 4,
      'AWS::SSM::Document': 1,
      'AWS::SSM::Parameter': 1,
      'AWS::DynamoDB::Table': 1,
      'AWS::SNS::Topic': 1,
      'AWS::KMS::Key': 1,
      'AWS::Logs::LogGroup': 3,
      'AWS::IAM::Role': 4,
    };
    for (const [type, count] of Object.entries(counts)) {
      expect({ type, count: Object.keys(resourcesOf(template, type)).length }).toEqual({ type, count });
    }
  });

  it('runs each handler on the newest Node.js runtime, arm64, with the environment contract', () => {
    const policyParameter = ref('PolicyParameter', 'AWS::SSM::Parameter');
    const journal = {
      'Fn::Join': ['', ['dynamodb://', ref('JournalTable', 'AWS::DynamoDB::Table')]],
    };
    // The central topic when the CentralTopicArn parameter is set, else the stack's own.
    const topic = {
      'Fn::If': ['HasCentralTopic', { Ref: 'CentralTopicArn' }, ref('NotificationsTopic', 'AWS::SNS::Topic')],
    };
    const expected = {
      Scheduled: {
        KEYWARDEN_POLICY_PARAMETER: policyParameter,
        KEYWARDEN_JOURNAL: journal,
        KEYWARDEN_NOTIFY_TOPIC_ARN: topic,
        KEYWARDEN_MAX_ACTIONS: { Ref: 'MaxActions' },
      },
      ConfigRuleEvaluator: { KEYWARDEN_POLICY_PARAMETER: policyParameter, KEYWARDEN_JOURNAL: journal },
      Remediate: {
        KEYWARDEN_POLICY_PARAMETER: policyParameter,
        KEYWARDEN_JOURNAL: journal,
        KEYWARDEN_NOTIFY_TOPIC_ARN: topic,
        KEYWARDEN_MAX_ACTIONS: { Ref: 'MaxActions' },
      },
    };
    for (const [id, variables] of Object.entries(expected)) {
      const [, fn] = resourceNamed(template, 'AWS::Lambda::Function', `${id}Function`);
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: { ...variables, POWERTOOLS_SERVICE_NAME: 'keywarden' } },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(`${id}Logs`, 'AWS::Logs::LogGroup') },
      });
    }
    const [, remediate] = resourceNamed(template, 'AWS::Lambda::Function', 'RemediateFunction');
    // aws:invokeLambdaFunction waits at most 300 s.
    expect(remediate.Properties.Timeout).toBeLessThan(300);
  });

  it('gives the asynchronously invoked handlers a dead-letter queue (encrypted, TLS only), not remediate', () => {
    for (const id of ['Scheduled', 'ConfigRuleEvaluator']) {
      const [, fn] = resourceNamed(template, 'AWS::Lambda::Function', `${id}Function`);
      expect(fn.Properties.DeadLetterConfig).toEqual({
        TargetArn: arnOf(`${id}DeadLetterQueue`, 'AWS::SQS::Queue'),
      });
    }
    const [, remediate] = resourceNamed(template, 'AWS::Lambda::Function', 'RemediateFunction');
    expect(remediate.Properties.DeadLetterConfig).toBeUndefined();
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    expect(Object.keys(resourcesOf(template, 'AWS::SQS::QueuePolicy'))).toHaveLength(2);
  });

  it('alarms on every function’s errors and throttles and on dead letters, notifying the topic', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const metrics = alarms.map((a) => `${a.Namespace}/${a.MetricName}`).sort();
    expect(metrics).toEqual([
      ...Array(3).fill('AWS/Lambda/Errors'),
      ...Array(3).fill('AWS/Lambda/Throttles'),
      ...Array(2).fill('AWS/SQS/ApproximateNumberOfMessagesVisible'),
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [ref('NotificationsTopic', 'AWS::SNS::Topic')],
      });
    }
  });

  it('runs the scheduled handler on the ScheduleExpression parameter, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: { Ref: 'ScheduleExpression' },
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: arnOf('ScheduledFunction', 'AWS::Lambda::Function'),
          DeadLetterConfig: { Arn: arnOf('ScheduledDeadLetterQueue', 'AWS::SQS::Queue') },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
  });

  it('keeps the journal in DynamoDB with the shared key schema, on demand, with PITR and TTL', () => {
    const [, table] = resourceNamed(template, 'AWS::DynamoDB::Table', 'JournalTable');
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('encrypts the notification topic with its own rotated key, TLS only, and lets only its own alarms in', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: arnOf('NotificationsKey', 'AWS::KMS::Key'),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Sid: 'AlarmsPublish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    const [, subscription] = resourceNamed(
      template,
      'AWS::SNS::Subscription',
      'NotificationEmailSubscription',
    );
    expect(subscription).toMatchObject({
      Condition: 'HasNotificationEmail',
      Properties: { Protocol: 'email', Endpoint: { Ref: 'NotificationEmail' } },
    });
  });

  it('stores the effective policy in /keywarden/policy as a policy file that reads back the same', () => {
    const [, parameter] = resourceNamed(template, 'AWS::SSM::Parameter', 'PolicyParameter');
    expect(parameter.Properties).toMatchObject({
      Name: '/keywarden/policy',
      Type: 'String',
      Tier: 'Standard',
    });
    expect(parsePolicy(parameter.Properties.Value as string, 'parameter').value).toEqual(DEFAULT_POLICY);
  });
});

describe('KeywardenAccount: stable logical ids', () => {
  it('keeps the ids of the resources that hold state: a new id would replace them in deployed accounts', () => {
    // The journal, policy, key and log groups are retained on replacement: a changed id would orphan
    // them and start empty ones. Change a construct id only with a migration.
    const ids = Object.keys(template.toJSON().Resources as object);
    expect(ids).toEqual(
      expect.arrayContaining([
        'JournalTableE0A5D4A5',
        'PolicyParameter29F142FF',
        'NotificationsKeyADCFA950',
        'NotificationsTopicAE679CBD',
        'ScheduledLogs85578064',
        'ConfigRuleEvaluatorLogsF82EDDB5',
        'RemediateLogs4334CAD5',
        'ConfigRulesKeyRotationAC4CAC18',
      ]),
    );
  });
});

describe('KeywardenAccount: Config rules and remediation', () => {
  const rules = resourcesOf(template, 'AWS::Config::ConfigRule');

  it('has one custom rule per enabled user rule, periodic and on AWS::IAM::User changes, in the global region only', () => {
    const byName = Object.fromEntries(
      Object.values(rules).map((r) => [r.Properties.ConfigRuleName as string, r] as const),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'keywarden-exposed-access-key',
      'keywarden-key-rotation',
      'keywarden-multiple-active-keys',
      'keywarden-unused-credentials',
    ]);
    expect(byName['keywarden-key-rotation']).toMatchObject({
      Condition: 'InGlobalResourcesRegion',
      Properties: {
        InputParameters: { rule: 'KEY_ROTATION' },
        Scope: { ComplianceResourceTypes: ['AWS::IAM::User'] },
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: arnOf('ConfigRuleEvaluatorFunction', 'AWS::Lambda::Function'),
          SourceDetails: [
            { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
            { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
            {
              EventSource: 'aws.config',
              MessageType: 'ScheduledNotification',
              MaximumExecutionFrequency: { Ref: 'ConfigRuleFrequency' },
            },
          ],
        },
      },
    });
    template.hasCondition('InGlobalResourcesRegion', {
      'Fn::Equals': [{ Ref: 'AWS::Region' }, { Ref: 'GlobalResourcesRegion' }],
    });
  });

  it('lets AWS Config of this account invoke the evaluator', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf('ConfigRuleEvaluatorFunction', 'AWS::Lambda::Function'),
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('remediates every rule automatically with the SSM document, retries and interval as parameters', () => {
    const document = ref('RemediationDocument', 'AWS::SSM::Document');
    const role = arnOf('RemediationAutomationRole', 'AWS::IAM::Role');
    const remediations = Object.values(resourcesOf(template, 'AWS::Config::RemediationConfiguration'));
    expect(remediations.map((r) => (r.Properties.ConfigRuleName as { Ref: string }).Ref).sort()).toEqual(
      Object.keys(rules).sort(),
    );
    for (const remediation of remediations) {
      expect(remediation).toMatchObject({
        Condition: 'InGlobalResourcesRegion',
        Properties: {
          TargetType: 'SSM_DOCUMENT',
          TargetId: document,
          ResourceType: 'AWS::IAM::User',
          Automatic: true,
          MaximumAutomaticAttempts: { Ref: 'RemediationMaxAttempts' },
          RetryAttemptSeconds: { Ref: 'RemediationRetrySeconds' },
          Parameters: {
            ResourceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
            AutomationAssumeRole: { StaticValue: { Values: [role] } },
          },
        },
      });
    }
  });

  it('invokes the remediate handler from the Automation document with the resource id', () => {
    const [, document] = resourceNamed(template, 'AWS::SSM::Document', 'RemediationDocument');
    expect(document.Properties).toMatchObject({
      DocumentType: 'Automation',
      Content: {
        schemaVersion: '0.3',
        assumeRole: '{{ AutomationAssumeRole }}',
        parameters: { ResourceId: { type: 'String' }, AutomationAssumeRole: { type: 'String' } },
        mainSteps: [
          {
            action: 'aws:invokeLambdaFunction',
            timeoutSeconds: 300,
            inputs: {
              FunctionName: ref('RemediateFunction', 'AWS::Lambda::Function'),
              InvocationType: 'RequestResponse',
              InputPayload: { ResourceId: '{{ ResourceId }}' },
            },
          },
        ],
      },
    });
    const [, role] = resourceNamed(template, 'AWS::IAM::Role', 'RemediationAutomationRole');
    expect(role.Properties).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Principal: { Service: 'ssm.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      },
      Policies: [
        {
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: arnOf('RemediateFunction', 'AWS::Lambda::Function'),
              },
            ],
          },
        },
      ],
    });
  });

  it('documents the parameters with their defaults', () => {
    const parameters = template.toJSON().Parameters as Record<
      string,
      { Default?: unknown; Description?: string }
    >;
    for (const name of ACCOUNT_PARAMETERS) expect(parameters[name]?.Description, name).toMatch(/\w/);
    expect(parameters.ScheduleExpression?.Default).toBe('rate(1 day)');
    expect(parameters.MaxActions?.Default).toBe(DEFAULT_POLICY.remediation.maxActions);
    expect(parameters.ConfigRuleFrequency?.Default).toBe('TwentyFour_Hours');
    expect(parameters.RemediationMaxAttempts?.Default).toBe(5);
    expect(parameters.RemediationRetrySeconds?.Default).toBe(60);
    expect(parameters.GlobalResourcesRegion?.Default).toBe('us-east-1');
  });
});

describe('KeywardenAccount: IAM', () => {
  const userArn = {
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':user/*']],
  };

  it('gives each handler exactly the permissions its calls declare, and its own logs', () => {
    for (const [id, handler] of Object.entries(FUNCTIONS)) {
      const statements = functionStatements(template, id);
      const allowed = statements
        .filter((s) => s.Effect === 'Allow')
        .flatMap(actionsOf)
        .filter((a) => !a.startsWith('logs:') && !a.startsWith('kms:'));
      // Prepare: the declared permissions under the default policy (the topic only matters for SNS).
      const declared = handlerPermissions(handler, DEFAULT_POLICY, 'topic');
      expect(allowed.sort(), handler).toEqual([...declared].sort());
      expect(statements[0]).toMatchObject({
        Sid: 'OwnLogs',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnOf(`${id}Logs`, 'AWS::Logs::LogGroup'),
      });
    }
  });

  it('denies changes to users tagged keywarden:exempt for the roles that change users, not the Config rule', () => {
    const deny = (id: string) => functionStatements(template, id).find((s) => s.Effect === 'Deny');
    for (const id of ['Scheduled', 'Remediate']) {
      expect(deny(id), id).toEqual({
        Sid: 'DenyChangesToExemptUsers',
        Effect: 'Deny',
        Action: [
          'iam:CreateAccessKey',
          'iam:DeleteAccessKey',
          'iam:DeleteLoginProfile',
          'iam:UpdateAccessKey',
        ],
        Resource: userArn,
        Condition: { Null: { 'aws:ResourceTag/keywarden:exempt': 'false' } },
      });
    }
    expect(deny('ConfigRuleEvaluator')).toBeUndefined();
  });

  it('scopes each statement: users, secrets under the prefix, the journal table, the policy parameter, the topic', () => {
    const bySid = Object.fromEntries(
      functionStatements(template, 'Scheduled').map((s) => [s.Sid, s] as const),
    );
    expect(bySid.IamUsers?.Resource).toEqual(userArn);
    expect(bySid.AccountLevelReads?.Resource).toBe('*');
    expect(
      bySid.AccountLevelReads &&
        actionsOf(bySid.AccountLevelReads).filter((a) => !/:(Get|List|Generate)/.test(a)),
    ).toEqual([]);
    expect(JSON.stringify(bySid.ReplacementKeySecrets?.Resource)).toContain(':secret:keywarden/*');
    expect(bySid.JournalTable?.Resource).toEqual(arnOf('JournalTable', 'AWS::DynamoDB::Table'));
    expect(JSON.stringify(bySid.Parameters?.Resource)).toContain(':parameter/keywarden/policy');
    expect(bySid.NotificationTopics?.Resource).toEqual({
      'Fn::If': ['HasCentralTopic', { Ref: 'CentralTopicArn' }, ref('NotificationsTopic', 'AWS::SNS::Topic')],
    });
    expect(bySid.NotificationTopicKey).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: arnOf('NotificationsKey', 'AWS::KMS::Key'),
    });
  });

  it('attaches no managed policy and grants no wildcard action', () => {
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    const everyStatement = [
      ...Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
        (p: CfnResource) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
      ),
    ];
    expect(everyStatement.flatMap(actionsOf).filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('KeywardenAccount: the policy shapes the stack', () => {
  it('adds a Config rule for every enabled user rule, none for the account-level root rule', () => {
    const { accountTemplate } = fastApp(
      policyFrom(
        'version: 1\nrules:\n  CONSOLE_WITHOUT_MFA: { enabled: true }\n  ROOT_ACCESS_KEY: { enabled: true }\n',
      ),
    );
    const names = Object.values(resourcesOf(accountTemplate, 'AWS::Config::ConfigRule')).map(
      (r) => r.Properties.ConfigRuleName,
    );
    expect(names).toContain('keywarden-console-without-mfa');
    expect(names).not.toContain('keywarden-root-access-key');
    expect(Object.keys(resourcesOf(accountTemplate, 'AWS::Config::RemediationConfiguration'))).toHaveLength(
      names.length,
    );
  });

  it('grants the parameters, sender and secret prefix the policy names; the stack’s topic replaces the policy’s', () => {
    const { accountTemplate } = fastApp(
      policyFrom(`
version: 1
exemptions:
  ssmParameter: { name: /cleanup/excluded-users, reason: listed }
remediation: { secretNamePrefix: rotated-keys }
notifications:
  sns: { topicArn: "arn:aws:sns:eu-west-1:444455556666:security" }
  email: { from: "keywarden@example.com" }
`),
    );
    const bySid = Object.fromEntries(
      functionStatements(accountTemplate, 'Scheduled').map((s) => [s.Sid, s] as const),
    );
    expect(JSON.stringify(bySid.Parameters?.Resource)).toContain(':parameter/cleanup/excluded-users');
    expect(bySid.NotificationTopics?.Resource).toEqual({
      'Fn::If': [
        'HasCentralTopic',
        { Ref: 'CentralTopicArn' },
        { Ref: resourceNamed(accountTemplate, 'AWS::SNS::Topic', 'NotificationsTopic')[0] },
      ],
    });
    expect(JSON.stringify(bySid.EmailSender?.Resource)).toContain(':identity/keywarden@example.com');
    expect(JSON.stringify(bySid.ReplacementKeySecrets?.Resource)).toContain(':secret:rotated-keys/*');
    const evaluator = functionStatements(accountTemplate, 'ConfigRuleEvaluator').find(
      (s) => s.Sid === 'Parameters',
    );
    expect(JSON.stringify(evaluator?.Resource)).toContain(':parameter/cleanup/excluded-users');
  });

  it('lets the roles that store secrets use the policy’s secret key, and only them', () => {
    const { accountTemplate } = fastApp(
      policyFrom('version: 1\nremediation: { secretKmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" }\n'),
    );
    const keyStatement = (id: string) =>
      functionStatements(accountTemplate, id).find((s) => s.Sid === 'ReplacementKeySecretsKey');
    for (const id of ['Scheduled', 'Remediate']) {
      expect(JSON.stringify(keyStatement(id)?.Resource)).toContain(
        ':key/1234abcd-12ab-34cd-56ef-1234567890ab',
      );
    }
    expect(keyStatement('ConfigRuleEvaluator')).toBeUndefined();
  });

  it('puts the Deny on the policy’s own exemption tag, and none when tag exemptions are off', () => {
    const custom = fastApp(
      policyFrom('version: 1\nexemptions:\n  tag: { key: "sec:exempt" }\n'),
    ).accountTemplate;
    const deny = functionStatements(custom, 'Remediate').find((s) => s.Effect === 'Deny');
    expect(deny?.Condition).toEqual({ Null: { 'aws:ResourceTag/sec:exempt': 'false' } });

    const off = fastApp(policyFrom('version: 1\nexemptions:\n  tag: { enabled: false }\n')).accountTemplate;
    expect(functionStatements(off, 'Remediate').filter((s) => s.Effect === 'Deny')).toEqual([]);
  });

  it('refuses a policy with no rule a Config rule could report', () => {
    const policy = policyFrom(
      'version: 1\nrules:\n  KEY_ROTATION: { enabled: false }\n  UNUSED_CREDENTIALS: { enabled: false }\n  MULTIPLE_ACTIVE_KEYS: { enabled: false }\n  EXPOSED_ACCESS_KEY: { enabled: false }\n',
    );
    expect(() => fastApp(policy)).toThrow(/no enabled rule judges IAM users/);
  });
});

describe('KeywardenAccount: publishing to the organization’s central topic', () => {
  const TOPIC = 'arn:aws:sns:us-east-1:111122223333:KeywardenOrganization-CentralTopic';
  const KEY = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const json = template.toJSON() as {
    Parameters: Record<string, { Default?: unknown; AllowedPattern?: string }>;
    Conditions: Record<string, unknown>;
    Resources: Record<string, CfnResource>;
    Rules: Record<string, { RuleCondition: unknown; Assertions: { Assert: unknown }[] }>;
  };

  /** CloudFormation's evaluation of the few condition functions the stack uses, for given parameters. */
  const evaluate = (expression: unknown, parameters: Record<string, string>): unknown => {
    const e = expression as Record<string, unknown[]>;
    if (typeof expression === 'string') return expression;
    if ('Ref' in e)
      return parameters[e.Ref as unknown as string] ?? json.Parameters[e.Ref as unknown as string]?.Default;
    if ('Fn::Not' in e) return !evaluate(e['Fn::Not']![0], parameters);
    if ('Fn::Equals' in e) {
      const [a, b] = e['Fn::Equals']!;
      return evaluate(a, parameters) === evaluate(b, parameters);
    }
    if ('Condition' in e) return evaluate(json.Conditions[e.Condition as unknown as string], parameters);
    throw new Error(`not evaluated here: ${JSON.stringify(expression)}`);
  };
  /** The resources CloudFormation creates for these parameter values. */
  const created = (parameters: Record<string, string>) =>
    Object.entries(json.Resources)
      .filter(([, r]) => r.Condition === undefined || evaluate({ Condition: r.Condition }, parameters))
      .map(([id, r]) => [id, r] as const);
  const keyUse = (parameters: Record<string, string>) =>
    created(parameters).filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties.PolicyDocument).includes('"Ref":"CentralTopicKeyArn"'),
    );

  it('takes the central topic and its key as optional parameters that accept the organization stack’s outputs', () => {
    for (const [name, value] of [
      ['CentralTopicArn', TOPIC],
      ['CentralTopicKeyArn', KEY],
    ] as const) {
      const parameter = json.Parameters[name]!;
      expect(parameter.Default, name).toBe('');
      const pattern = new RegExp(parameter.AllowedPattern ?? '');
      expect(pattern.test(''), name).toBe(true);
      expect(pattern.test(value), name).toBe(true);
    }
    expect(new RegExp(json.Parameters.CentralTopicKeyArn!.AllowedPattern ?? '').test('alias/central')).toBe(
      false,
    );
  });

  it('grants the publishing roles kms:GenerateDataKey and kms:Decrypt on exactly that key, only when it is given', () => {
    expect(keyUse({})).toEqual([]);
    const granted = keyUse({ CentralTopicArn: TOPIC, CentralTopicKeyArn: KEY });
    expect(granted).toHaveLength(1);
    const [, policy] = granted[0]!;
    expect(policy.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CentralTopicKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: { Ref: 'CentralTopicKeyArn' },
        },
      ],
    });
    // The roles of the handlers that publish (scheduled, remediate), not the Config rule's.
    expect(policy.Properties.Roles).toEqual([
      ref('ScheduledRole', 'AWS::IAM::Role'),
      ref('RemediateRole', 'AWS::IAM::Role'),
    ]);
    expect(
      functionStatements(template, 'ConfigRuleEvaluator')
        .flatMap(actionsOf)
        .filter((a) => a === 'sns:Publish'),
    ).toEqual([]);
  });

  it('sends the digests to the central topic when given, and refuses a key without its topic', () => {
    const [, scheduled] = resourceNamed(template, 'AWS::Lambda::Function', 'ScheduledFunction');
    const variables = (scheduled.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const [condition, central, own] = (variables.KEYWARDEN_NOTIFY_TOPIC_ARN as { 'Fn::If': unknown[] })[
      'Fn::If'
    ];
    expect([central, own]).toEqual([
      { Ref: 'CentralTopicArn' },
      ref('NotificationsTopic', 'AWS::SNS::Topic'),
    ]);
    expect(evaluate({ Condition: condition }, { CentralTopicArn: TOPIC })).toBe(true);
    expect(evaluate({ Condition: condition }, {})).toBe(false);

    const rule = json.Rules.CentralTopicKeyNeedsTopic!;
    const holds = (parameters: Record<string, string>) =>
      !evaluate(rule.RuleCondition, parameters) ||
      rule.Assertions.every((a) => evaluate(a.Assert, parameters));
    expect(holds({ CentralTopicKeyArn: KEY })).toBe(false);
    expect(holds({ CentralTopicArn: TOPIC, CentralTopicKeyArn: KEY })).toBe(true);
    expect(holds({ CentralTopicArn: TOPIC })).toBe(true);
    expect(holds({})).toBe(true);
  });
});
