/**
 * `KeywardenAccount`: Keywarden running by itself inside one AWS account. The scheduled handler
 * audits, plans, applies and notifies daily; one AWS Config custom rule per enabled user rule
 * reports the same verdicts as `keywarden audit`, and its automatic remediation applies that user's
 * part of the plan. All of them read one policy (an SSM parameter) and share one DynamoDB journal.
 */
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CfnRule,
  Duration,
  Fn,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { Permission } from '../aws/errors.js';
import { enabledRuleIds, type Policy } from '../core/policy/types.js';
import { ConfigRemediation } from './config-remediation.js';
import { CONFIG_FREQUENCIES, KeywardenConfigRules, userRuleIds } from './config-rules.js';
import { EncryptedTopic } from './encrypted-topic.js';
import { HANDLER_NAMES, type HandlerName, handlerPermissions } from './handler-permissions.js';
import { JournalTable } from './journal-table.js';
import { KeywardenFunction } from './keywarden-function.js';
import { acknowledgeWildcardResources } from './nag.js';
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

export interface KeywardenAccountStackProps extends StackProps {
  /** The effective policy the handlers run; stored in the stack's SSM parameter. */
  readonly policy: Policy;
  /** Where the policy came from (a file name), for descriptions. @default 'the default policy' */
  readonly policySource?: string;
  /** Config rule names are `<prefix>-<rule>`, e.g. `keywarden-key-rotation`. @default 'keywarden' */
  readonly ruleNamePrefix?: string;
}

/** The stack's CloudFormation parameters, by name; docs/deploy.md documents each. */
export const ACCOUNT_PARAMETERS = [
  'ScheduleExpression',
  'MaxActions',
  'ConfigRuleFrequency',
  'RemediationMaxAttempts',
  'RemediationRetrySeconds',
  'GlobalResourcesRegion',
  'NotificationEmail',
  'CentralTopicArn',
  'CentralTopicKeyArn',
] as const;

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
    const scheduleExpression = new CfnParameter(this, 'ScheduleExpression', {
      type: 'String',
      default: 'rate(1 day)',
      description:
        'When the scheduled handler audits and remediates: an EventBridge rate() or cron() expression.',
      allowedPattern: '^(rate|cron)\\(.+\\)$',
    });
    const maxActionsParameter = new CfnParameter(this, 'MaxActions', {
      type: 'Number',
      default: maxActions,
      minValue: 0,
      description:
        'Changes one invocation of the scheduled or remediate handler applies at most (KEYWARDEN_MAX_ACTIONS); the rest waits for the next run.',
    });
    const frequency = new CfnParameter(this, 'ConfigRuleFrequency', {
      type: 'String',
      default: 'TwentyFour_Hours',
      allowedValues: [...CONFIG_FREQUENCIES],
      description: 'How often AWS Config runs the periodic evaluation of every Keywarden rule.',
    });
    const maxAttempts = new CfnParameter(this, 'RemediationMaxAttempts', {
      type: 'Number',
      default: 5,
      minValue: 1,
      maxValue: 25,
      description: 'How many times AWS Config tries the automatic remediation of a non-compliant user.',
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
        'The region whose AWS Config recorder records global resources (IAM); the Config rules and remediation deploy only there.',
    });
    const notificationEmail = new CfnParameter(this, 'NotificationEmail', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^[^@\\s]+@[^@\\s]+$',
      description: 'Optional: an email address subscribed to the notification topic (digests and alarms).',
    });
    const centralTopicArn = new CfnParameter(this, 'CentralTopicArn', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$',
      description:
        "Optional: the organization's central topic (KeywardenOrganization's CentralTopicArn output). The handlers publish their digests there instead of to the stack's own topic.",
    });
    const centralTopicKeyArn = new CfnParameter(this, 'CentralTopicKeyArn', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+$',
      description:
        "Optional: the central topic's KMS key (KeywardenOrganization's CentralTopicKeyArn output). The publishing handlers may then use it to publish to the encrypted topic.",
    });
    const inGlobalRegion = new CfnCondition(this, 'InGlobalResourcesRegion', {
      expression: Fn.conditionEquals(Aws.REGION, globalRegion.valueAsString),
    });
    const hasEmail = new CfnCondition(this, 'HasNotificationEmail', {
      expression: Fn.conditionNot(Fn.conditionEquals(notificationEmail.valueAsString, '')),
    });
    const hasCentralTopic = new CfnCondition(this, 'HasCentralTopic', {
      expression: Fn.conditionNot(Fn.conditionEquals(centralTopicArn.valueAsString, '')),
    });
    const hasCentralTopicKey = new CfnCondition(this, 'HasCentralTopicKey', {
      expression: Fn.conditionNot(Fn.conditionEquals(centralTopicKeyArn.valueAsString, '')),
    });
    // A key without its topic would grant a key nobody publishes with: refuse it at deploy time.
    new CfnRule(this, 'CentralTopicKeyNeedsTopic', {
      ruleCondition: Fn.conditionNot(Fn.conditionEquals(centralTopicKeyArn.valueAsString, '')),
      assertions: [
        {
          assert: Fn.conditionNot(Fn.conditionEquals(centralTopicArn.valueAsString, '')),
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
    ) => {
      const specs = this.statements[handler];
      const publishes = specs.some((s) => s.actions.includes('sns:Publish'));
      const fn = new KeywardenFunction(this, constructId, {
        handler,
        description: options.description,
        asyncInvoked: options.asyncInvoked,
        timeout: options.timeout,
        alarmTopic: topic,
        environment: { ...environment, ...options.environment },
        statements: [
          ...specs.map(toPolicyStatement),
          ...(publishes ? [this.notifications.publisherKeyStatement()] : []),
        ],
      });
      acknowledgeWildcardResources(fn.permissions, specs, policy.remediation.secretNamePrefix);
      return fn;
    };
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
