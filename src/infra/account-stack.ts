/**
 * `KeywardenAccount`: Keywarden running by itself inside one AWS account. The scheduled handler
 * audits, plans, applies and notifies daily; one AWS Config custom rule per enabled user rule
 * reports the same verdicts as `keywarden audit`, and its automatic remediation applies that user's
 * part of the plan. All of them read one policy (an SSM parameter) and share one DynamoDB journal.
 */
import { Aws, CfnOutput, CfnRule, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Permission } from '../core/permission.js';
import { enabledRuleIds, type Policy } from '../core/policy/types.js';
import { ConfigRemediation } from './config-remediation.js';
import { KeywardenConfigRules, userRuleIds } from './config-rules.js';
import { EncryptedTopic } from './encrypted-topic.js';
import { handlerFunction } from './handler-function.js';
import { HANDLER_NAMES, type HandlerName, handlerPermissions } from './handler-permissions.js';
import { JournalTable } from './journal-table.js';
import type { KeywardenFunction } from './keywarden-function.js';
import {
  allowStatements,
  exemptTagDeny,
  parameterArn,
  policyParameterNames,
  type ScopeResources,
  type StatementSpec,
  secretKeyStatement,
} from './permissions.js';
import { PolicyParameter } from './policy-parameter.js';
import {
  configRuleParameters,
  maxActionsParameter as declareMaxActions,
  givenCondition,
  givenExpression,
  inGlobalResourcesRegion,
  optionalStringParameter,
  scheduleExpressionParameter,
} from './stack-parameters.js';

export interface KeywardenAccountStackProps extends StackProps {
  /** The effective policy the handlers run; stored in the stack's SSM parameter. */
  readonly policy: Policy;
  /** Where the policy came from (a file name), for descriptions. @default 'the default policy' */
  readonly policySource?: string;
  /** Config rule names are `<prefix>-<rule>`, e.g. `keywarden-key-rotation`. @default 'keywarden' */
  readonly ruleNamePrefix?: string;
}

export class KeywardenAccountStack extends Stack {
  readonly journal: JournalTable;
  readonly notifications: EncryptedTopic;
  readonly policyParameter: PolicyParameter;
  readonly functions: Readonly<Record<HandlerName, KeywardenFunction>>;
  readonly configRules: KeywardenConfigRules;
  readonly remediation: ConfigRemediation;
  /** The statements each handler's role holds besides its logs, key and dead-letter queue. */
  readonly statements: Readonly<Record<HandlerName, readonly StatementSpec[]>>;

  constructor(scope: Construct, id: string, props: KeywardenAccountStackProps) {
    super(scope, id, {
      description:
        'Keywarden: audits and remediates IAM user credentials on a schedule and as AWS Config rules with automatic remediation',
      ...props,
    });
    const { policy } = props;
    const maxActions = policy.remediation.maxActions;

    // Parameters: the knobs an operator may turn at deploy time without a new synth.
    const scheduleExpression = scheduleExpressionParameter(
      this,
      'When the scheduled handler audits and remediates: an EventBridge rate() or cron() expression.',
    );
    const maxActionsParameter = declareMaxActions(
      this,
      maxActions,
      'Changes one invocation of the scheduled or remediate handler applies at most (KEYWARDEN_MAX_ACTIONS); the rest waits for the next run.',
    );
    const { frequency, maxAttempts, retrySeconds, globalRegion } = configRuleParameters(this, {
      frequency: 'How often AWS Config runs the periodic evaluation of every Keywarden rule.',
      maxAttempts: 'How many times AWS Config tries the automatic remediation of a non-compliant user.',
      globalRegion:
        'The region whose AWS Config recorder records global resources (IAM); the Config rules and remediation deploy only there.',
    });
    const notificationEmail = optionalStringParameter(this, 'NotificationEmail', {
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      description: 'Optional: an email address subscribed to the notification topic (digests and alarms).',
    });
    const centralTopicArn = optionalStringParameter(this, 'CentralTopicArn', {
      allowedPattern: '^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$',
      description:
        "Optional: the organization's central topic (KeywardenOrganization's CentralTopicArn output). The handlers publish their digests there instead of to the stack's own topic.",
    });
    const centralTopicKeyArn = optionalStringParameter(this, 'CentralTopicKeyArn', {
      allowedPattern: '^$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+$',
      description:
        "Optional: the central topic's KMS key (KeywardenOrganization's CentralTopicKeyArn output). The publishing handlers may then use it to publish to the encrypted topic.",
    });
    const inGlobalRegion = inGlobalResourcesRegion(this, globalRegion);
    const hasEmail = givenCondition(this, 'HasNotificationEmail', notificationEmail);
    const hasCentralTopic = givenCondition(this, 'HasCentralTopic', centralTopicArn);
    const hasCentralTopicKey = givenCondition(this, 'HasCentralTopicKey', centralTopicKeyArn);
    // A key without its topic would grant a key nobody publishes with: refuse it at deploy time.
    new CfnRule(this, 'CentralTopicKeyNeedsTopic', {
      ruleCondition: givenExpression(centralTopicKeyArn),
      assertions: [
        {
          assert: givenExpression(centralTopicArn),
          assertDescription:
            'CentralTopicKeyArn is set: set CentralTopicArn too (the topic encrypted with it)',
        },
      ],
    });

    this.policyParameter = new PolicyParameter(this, 'Policy', {
      policy,
      ...(props.policySource === undefined ? {} : { source: props.policySource }),
    });
    this.journal = new JournalTable(this, 'Journal');
    // The handlers publish the security team's digests to it (KEYWARDEN_NOTIFY_TOPIC_ARN) and the alarms notify it.
    this.notifications = new EncryptedTopic(this, 'Notifications', {
      displayName: 'Keywarden notifications',
      keyDescription: 'Keywarden: encrypts the notification topic',
      publisherKeySid: 'NotificationTopicKey',
    });
    const topic = this.notifications.topic;
    // Where the handlers publish their digests: the central topic when given, else the stack's own.
    const digestTopicArn = Fn.conditionIf(
      hasCentralTopic.logicalId,
      centralTopicArn.valueAsString,
      topic.topicArn,
    ).toString();
    const subscription = new sns.CfnSubscription(this, 'NotificationEmailSubscription', {
      topicArn: topic.topicArn,
      protocol: 'email',
      endpoint: notificationEmail.valueAsString,
    });
    subscription.cfnOptions.condition = hasEmail;

    // Least privilege from the declared permissions: each handler gets the statements of its calls.
    const pseudo = { partition: Aws.PARTITION, accountId: Aws.ACCOUNT_ID, region: Aws.REGION };
    const scopeResources = (parameterArns: readonly string[]): ScopeResources => ({
      ...pseudo,
      secretNamePrefix: policy.remediation.secretNamePrefix,
      parameterArns,
      // The handlers publish to the digest topic only: it replaces the policy's (KEYWARDEN_NOTIFY_TOPIC_ARN).
      topicArns: [digestTopicArn],
      emailFrom: policy.notifications.email?.from ?? null,
      journalTableArn: this.journal.table.tableArn,
    });
    const resources = scopeResources([
      ...[this.policyParameter.parameterName, ...policyParameterNames(policy)].map((name) =>
        parameterArn(name, pseudo),
      ),
    ]);
    const statementsFor = (handler: HandlerName): StatementSpec[] => {
      const permissions: Permission[] = handlerPermissions(handler, policy, digestTopicArn);
      const allow = allowStatements(permissions, resources);
      // A customer managed key for the secrets: its use goes with the permission to store them.
      const secretKey = permissions.includes('secretsmanager:CreateSecret')
        ? secretKeyStatement(policy.remediation.secretKmsKeyId, pseudo)
        : null;
      const deny = policy.exemptions.tag.enabled
        ? exemptTagDeny(permissions, policy.exemptions.tag.key, pseudo)
        : null;
      return [...allow, ...(secretKey ? [secretKey] : []), ...(deny ? [deny] : [])];
    };
    this.statements = {
      scheduled: statementsFor('scheduled'),
      'config-rule': statementsFor('config-rule'),
      remediate: statementsFor('remediate'),
    };

    // The environment contract of docs/lambda.md; the Config rule reads the journal only.
    const environment = {
      KEYWARDEN_POLICY_PARAMETER: this.policyParameter.parameter.parameterName,
      KEYWARDEN_JOURNAL: this.journal.spec,
      POWERTOOLS_SERVICE_NAME: 'keywarden',
    };
    const remediating = {
      KEYWARDEN_NOTIFY_TOPIC_ARN: digestTopicArn,
      KEYWARDEN_MAX_ACTIONS: maxActionsParameter.valueAsString,
    };
    const build = (
      constructId: string,
      handler: HandlerName,
      options: {
        description: string;
        asyncInvoked: boolean;
        timeout: Duration;
        environment: Record<string, string>;
      },
    ) =>
      handlerFunction(this, constructId, {
        handler,
        ...options,
        environment: { ...environment, ...options.environment },
        specs: this.statements[handler],
        topic: this.notifications,
        secretNamePrefix: policy.remediation.secretNamePrefix,
      });
    this.functions = {
      scheduled: build('Scheduled', 'scheduled', {
        description: 'Keywarden scheduled run: audit, plan, apply within the cap, notify',
        asyncInvoked: true,
        timeout: Duration.minutes(15),
        environment: remediating,
      }),
      'config-rule': build('ConfigRuleEvaluator', 'config-rule', {
        description: 'Keywarden AWS Config custom rule: one evaluation per IAM user',
        asyncInvoked: true,
        timeout: Duration.minutes(5),
        environment: {},
      }),
      remediate: build('Remediate', 'remediate', {
        description: 'Keywarden Config remediation: applies one user’s part of the plan',
        asyncInvoked: false,
        // Within the 300 s the SSM Automation step waits for it.
        timeout: Duration.minutes(4),
        environment: remediating,
      }),
    };

    // Publishing to an SSE-KMS topic of another account needs the key in the publisher's IAM policy
    // too (the organization's key policy already admits principals of the organization).
    const publishers = HANDLER_NAMES.filter((handler) =>
      this.statements[handler].some((s) => s.actions.includes('sns:Publish')),
    ).map((handler) => this.functions[handler]);
    const centralKeyUse = new iam.Policy(this, 'CentralTopicKeyUse', {
      statements: [
        new iam.PolicyStatement({
          sid: 'CentralTopicKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [centralTopicKeyArn.valueAsString],
        }),
      ],
      roles: publishers.map((fn) => fn.role),
    });
    (centralKeyUse.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = hasCentralTopicKey;

    const scheduled = this.functions.scheduled;
    new events.Rule(this, 'Schedule', {
      description: 'Keywarden: runs the scheduled handler',
      schedule: events.Schedule.expression(scheduleExpression.valueAsString),
      targets: [
        new targets.LambdaFunction(scheduled.function, {
          ...(scheduled.deadLetterQueue ? { deadLetterQueue: scheduled.deadLetterQueue } : {}),
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    this.configRules = new KeywardenConfigRules(this, 'ConfigRules', {
      ruleIds: enabledRuleIds(policy),
      evaluator: this.functions['config-rule'].function,
      maximumExecutionFrequency: frequency.valueAsString,
      condition: inGlobalRegion,
      ...(props.ruleNamePrefix === undefined ? {} : { ruleNamePrefix: props.ruleNamePrefix }),
    });
    this.remediation = new ConfigRemediation(this, 'Remediation', {
      rules: this.configRules.rules,
      remediateFunction: this.functions.remediate.function,
      maximumAutomaticAttempts: maxAttempts.valueAsNumber,
      retryAttemptSeconds: retrySeconds.valueAsNumber,
      condition: inGlobalRegion,
    });

    new CfnOutput(this, 'NotificationTopicArn', { value: topic.topicArn });
    new CfnOutput(this, 'JournalSpec', {
      value: this.journal.spec,
      description: 'The journal spec: keywarden history --journal <this>',
    });
    new CfnOutput(this, 'PolicyParameterName', { value: this.policyParameter.parameter.parameterName });
    for (const [handler, fn] of Object.entries(this.functions)) {
      new CfnOutput(this, `${fn.node.id}FunctionName`, {
        value: fn.function.functionName,
        description: `The ${handler} handler`,
      });
    }
    new CfnOutput(this, 'ConfigRuleNames', {
      value: userRuleIds(enabledRuleIds(policy))
        .map((ruleId) => this.configRules.rules.get(ruleId)?.configRuleName ?? '')
        .join(','),
      description: 'The AWS Config rules (in the GlobalResourcesRegion only)',
    });
  }
}
