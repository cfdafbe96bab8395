/**
 * `KeywardenOrganization`: Keywarden across an AWS Organization, deployed once in the management
 * account or a delegated administrator account (the hub). An EventBridge schedule starts a Step
 * Functions state machine: org-accounts lists the accounts (the CLI's filters), a Distributed Map
 * runs org-worker once per account (it assumes KeywardenMemberRole there and runs the scheduled
 * lifecycle; a failure is caught per account), and org-report writes the organization report to the
 * report bucket and the digest to the central topic. StackSets install KeywardenMemberRole in the
 * member accounts; an AWS Config aggregator shows the organization's compliance in one place.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  CfnStackSet,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { DEFAULT_MEMBER_ROLE_NAME, ENV, ORG_ENV } from '../core/deployment.js';
import type { Policy } from '../core/policy/types.js';
import { EncryptedTopic } from './encrypted-topic.js';
import { PACKAGE_ROOT } from './entries.js';
import { handlerFunction } from './handler-function.js';
import type { OrgHandlerName } from './handler-permissions.js';
import { JournalTable } from './journal-table.js';
import type { KeywardenFunction } from './keywarden-function.js';
import { acknowledgeWildcard } from './nag.js';
import {
  MEMBER_TEMPLATE_PARAMETERS,
  type MemberTemplateOptions,
  memberRoleTemplate,
} from './organization-member-role.js';
import { orgHandlerPermissions } from './organization-permissions.js';
import {
  allowStatements,
  parameterArn,
  policyParameterNames,
  type ScopeResources,
  type StatementSpec,
} from './permissions.js';
import { PolicyParameter } from './policy-parameter.js';
import { maxActionsParameter, scheduleExpressionParameter } from './stack-parameters.js';

export interface KeywardenOrganizationStackProps extends StackProps {
  /** The policy every account is audited and remediated with; stored in the stack's SSM parameter. */
  readonly policy: Policy;
  /** Where the policy came from (a file name), for descriptions. @default 'the default policy' */
  readonly policySource?: string;
  /** How the member role's template is checked when it is synthesized. @default nag and validation on */
  readonly memberTemplate?: MemberTemplateOptions;
}

/** The stack's CloudFormation parameters, by name; docs/deploy.md documents each. */
export const ORGANIZATION_PARAMETERS = [
  'OrganizationId',
  'ScheduleExpression',
  'MaxConcurrency',
  'ToleratedFailurePercentage',
  'MaxActions',
  'AuditOrganizationalUnitIds',
  'IncludeAccountIds',
  'ExcludeAccountIds',
  'MemberOrganizationalUnitIds',
  'MemberAccountIds',
  'StackSetCallAs',
  'MemberExternalId',
  'ReportRetentionDays',
] as const;

/** The state machine's states, by name (the local tests replace the Lambda tasks by these names). */
export const ORGANIZATION_STATES = {
  listAccounts: 'ListAccounts',
  settings: 'RunSettings',
  forEachAccount: 'ForEachAccount',
  worker: 'AuditAndRemediateAccount',
  accountFailed: 'AccountFailed',
  report: 'WriteOrganizationReport',
} as const;

/** The prefix Step Functions writes the Map run's results under (real AWS only; see ResultWriter). */
export const MAP_RESULTS_PREFIX = 'map-results';

const IDS = '(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})';
const ACCOUNTS = '\\d{12}';
const list = (item: string) => `^$|^${item}(,${item})*$`;

/** The version of the package synthesizing the stack, for the reports' `tool`. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export class KeywardenOrganizationStack extends Stack {
  readonly journal: JournalTable;
  readonly topic: EncryptedTopic;
  readonly bucket: s3.Bucket;
  readonly policyParameter: PolicyParameter;
  readonly functions: Readonly<Record<OrgHandlerName, KeywardenFunction>>;
  /** The statements each handler's role holds besides its logs and the topic's key. */
  readonly statements: Readonly<Record<OrgHandlerName, readonly StatementSpec[]>>;
  readonly stateMachine: sfn.StateMachine;
  readonly memberTemplate: string;
  readonly serviceManagedStackSet: CfnStackSet;
  readonly selfManagedStackSet: CfnStackSet;
  readonly aggregator: config.CfnConfigurationAggregator;

  constructor(scope: Construct, id: string, props: KeywardenOrganizationStackProps) {
    super(scope, id, {
      description:
        'Keywarden organization hub: audits and remediates IAM user credentials in every account of the organization (Step Functions fan-out), member roles by StackSet, central topic, Config aggregator',
      ...props,
    });
    const { policy } = props;
    // The Map's ResultWriter (ResultWriterV2) is written only under this feature flag.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    // Server access logs are delivered under a bucket policy, not the legacy log-delivery ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    // Parameters.
    const organizationId = new CfnParameter(this, 'OrganizationId', {
      type: 'String',
      allowedPattern: '^o-[a-z0-9]{10,32}$',
      description:
        'The organization id (o-…): only principals of this organization may publish to the central topic.',
    });
    const scheduleExpression = scheduleExpressionParameter(
      this,
      'When the organization run starts: an EventBridge rate() or cron() expression.',
    );
    const maxConcurrency = new CfnParameter(this, 'MaxConcurrency', {
      type: 'Number',
      default: 10,
      minValue: 1,
      maxValue: 10000,
      description: "Accounts worked on at once (the Distributed Map's MaxConcurrency).",
    });
    const toleratedFailurePercentage = new CfnParameter(this, 'ToleratedFailurePercentage', {
      type: 'Number',
      default: 10,
      minValue: 0,
      maxValue: 100,
      description:
        "Percent of the Map's items that may fail before the run fails. A failure in an account is caught and reported, so only a failure of the Map machinery itself counts.",
    });
    const maxActions = maxActionsParameter(
      this,
      policy.remediation.maxActions,
      'Changes one run applies at most in each account (KEYWARDEN_MAX_ACTIONS); the rest waits.',
    );
    const auditOus = new CfnParameter(this, 'AuditOrganizationalUnitIds', {
      type: 'String',
      default: '',
      allowedPattern: list(IDS),
      description:
        'Optional: only accounts under these OUs or roots (comma-separated; child OUs included), as --ous. Empty: every account.',
    });
    const includeAccounts = new CfnParameter(this, 'IncludeAccountIds', {
      type: 'String',
      default: '',
      allowedPattern: list(ACCOUNTS),
      description: 'Optional: only these account ids (comma-separated), as --include-accounts.',
    });
    const excludeAccounts = new CfnParameter(this, 'ExcludeAccountIds', {
      type: 'String',
      default: '',
      allowedPattern: list(ACCOUNTS),
      description: 'Optional: leave these account ids out (comma-separated), as --exclude-accounts.',
    });
    const memberOus = new CfnParameter(this, 'MemberOrganizationalUnitIds', {
      type: 'CommaDelimitedList',
      default: '',
      description:
        'OUs (or the root) whose accounts get KeywardenMemberRole from a service-managed StackSet, with automatic deployment to accounts that join later. Empty: no service-managed StackSet.',
    });
    const memberAccounts = new CfnParameter(this, 'MemberAccountIds', {
      type: 'CommaDelimitedList',
      default: '',
      description:
        'Accounts that get KeywardenMemberRole from a self-managed StackSet (needs AWSCloudFormationStackSetAdministrationRole here and AWSCloudFormationStackSetExecutionRole in each account). Empty: none. Use it for the management account, which a service-managed StackSet never deploys to.',
    });
    const callAs = new CfnParameter(this, 'StackSetCallAs', {
      type: 'String',
      default: 'SELF',
      allowedValues: ['SELF', 'DELEGATED_ADMIN'],
      description:
        'SELF in the management account; DELEGATED_ADMIN in a delegated administrator account for StackSets.',
    });
    const externalId = new CfnParameter(this, 'MemberExternalId', {
      type: 'String',
      default: '',
      allowedPattern: '^$|^[\\w+=,.@:/-]{2,1224}$',
      description: "Optional: the external id KeywardenMemberRole's trust requires (sts:ExternalId).",
      noEcho: false,
    });
    const retentionDays = new CfnParameter(this, 'ReportRetentionDays', {
      type: 'Number',
      default: 365,
      minValue: 1,
      description: 'Days the reports stay in the report bucket before they expire.',
    });
    const hasMemberOus = new CfnCondition(this, 'HasMemberOrganizationalUnits', {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join('', memberOus.valueAsList), '')),
    });
    const hasMemberAccounts = new CfnCondition(this, 'HasMemberAccounts', {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join('', memberAccounts.valueAsList), '')),
    });

    // Storage and notifications.
    this.policyParameter = new PolicyParameter(this, 'Policy', {
      policy,
      parameterName: '/keywarden/organization/policy',
      ...(props.policySource === undefined ? {} : { source: props.policySource }),
    });
    this.journal = new JournalTable(this, 'Journal');
    // The organization run's digest, the workers' notices, the hub's alarms, and the digests of
    // accounts that run KeywardenAccount and publish here.
    this.topic = new EncryptedTopic(this, 'CentralTopic', {
      displayName: 'Keywarden organization',
      keyDescription: "Keywarden: encrypts the organization's central topic",
      publishersFromOrganization: organizationId.valueAsString,
      publisherKeySid: 'CentralTopicKey',
    });
    const topicArn = this.topic.topic.topicArn;
    const accessLogs = new s3.Bucket(this, 'ReportsAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(retentionDays.valueAsNumber) }],
    });
    this.bucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [{ expiration: Duration.days(retentionDays.valueAsNumber) }],
    });

    // The handlers: least privilege from the declared permissions.
    const pseudo = { partition: Aws.PARTITION, accountId: Aws.ACCOUNT_ID, region: Aws.REGION };
    const resources: ScopeResources = {
      ...pseudo,
      secretNamePrefix: policy.remediation.secretNamePrefix,
      parameterArns: [this.policyParameter.parameterName, ...policyParameterNames(policy)].map((name) =>
        parameterArn(name, pseudo),
      ),
      topicArns: [topicArn, ...(policy.notifications.sns ? [policy.notifications.sns.topicArn] : [])],
      emailFrom: policy.notifications.email?.from ?? null,
      journalTableArn: this.journal.table.tableArn,
      memberRoleArn: `arn:${Aws.PARTITION}:iam::*:role/${DEFAULT_MEMBER_ROLE_NAME}`,
      reportBucketArn: this.bucket.bucketArn,
    };
    const statementsFor = (handler: OrgHandlerName) =>
      allowStatements(orgHandlerPermissions(handler, policy, topicArn), resources);
    this.statements = {
      'org-accounts': statementsFor('org-accounts'),
      'org-worker': statementsFor('org-worker'),
      'org-report': statementsFor('org-report'),
    };
    const common = {
      POWERTOOLS_SERVICE_NAME: 'keywarden',
      [ORG_ENV.version]: packageVersion(),
    };
    const policied = {
      [ENV.policyParameter]: this.policyParameter.parameter.parameterName,
      [ENV.notifyTopicArn]: topicArn,
      [ORG_ENV.reportBucket]: this.bucket.bucketName,
    };
    const bucketLogicalId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    const build = (
      constructId: string,
      handler: OrgHandlerName,
      options: {
        description: string;
        timeout: Duration;
        memorySize: number;
        environment: Record<string, string>;
      },
    ) => {
      const specs = this.statements[handler];
      const fn = handlerFunction(this, constructId, {
        handler,
        ...options,
        // Step Functions invokes them synchronously and retries: no dead-letter queue.
        asyncInvoked: false,
        retryAttempts: 0,
        environment: { ...common, ...options.environment },
        specs,
        topic: this.topic,
        secretNamePrefix: policy.remediation.secretNamePrefix,
      });
      for (const spec of specs) {
        if (spec.resources.some((r) => r.endsWith(`:role/${DEFAULT_MEMBER_ROLE_NAME}`))) {
          acknowledgeWildcard(
            fn.permissions,
            `arn:<AWS::Partition>:iam::*:role/${DEFAULT_MEMBER_ROLE_NAME}`,
            'The worker assumes KeywardenMemberRole in every account of the organization, which the run lists at run time; the member role trusts only this worker role.',
          );
        }
        if (spec.sid === 'ReportObjects') {
          acknowledgeWildcard(
            fn.permissions,
            `<${bucketLogicalId}.Arn>/runs/*`,
            "Each run writes its reports under runs/<runId>/ of the stack's own report bucket; the run id is made at run time.",
          );
        }
      }
      return fn;
    };
    this.functions = {
      'org-accounts': build('OrgAccounts', 'org-accounts', {
        description: "Keywarden organization run: lists the organization's accounts with the CLI's filters",
        timeout: Duration.minutes(5),
        memorySize: 512,
        environment: {
          [ORG_ENV.ous]: auditOus.valueAsString,
          [ORG_ENV.includeAccounts]: includeAccounts.valueAsString,
          [ORG_ENV.excludeAccounts]: excludeAccounts.valueAsString,
        },
      }),
      'org-worker': build('OrgWorker', 'org-worker', {
        description:
          'Keywarden organization run: audits and remediates one account through KeywardenMemberRole',
        timeout: Duration.minutes(15),
        memorySize: 1024,
        environment: {
          ...policied,
          [ENV.journal]: this.journal.spec,
          [ENV.maxActions]: maxActions.valueAsString,
          [ORG_ENV.memberRoleName]: DEFAULT_MEMBER_ROLE_NAME,
          [ORG_ENV.memberExternalId]: externalId.valueAsString,
        },
      }),
      'org-report': build('OrgReport', 'org-report', {
        description: 'Keywarden organization run: the organization report and the digest',
        timeout: Duration.minutes(15),
        memorySize: 1024,
        environment: policied,
      }),
    };

    // The state machine: list → one worker per account (Distributed Map) → report.
    const listAccounts = new tasks.LambdaInvoke(this, ORGANIZATION_STATES.listAccounts, {
      lambdaFunction: this.functions['org-accounts'].function,
      payloadResponseOnly: true,
      comment: "Lists the organization's accounts with the CLI's filters; returns {runId, accounts, skipped}",
    });
    const worker = new tasks.LambdaInvoke(this, ORGANIZATION_STATES.worker, {
      lambdaFunction: this.functions['org-worker'].function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      comment:
        'One account: assume KeywardenMemberRole, run the scheduled lifecycle, write the account report',
    });
    const accountFailed = new sfn.Pass(this, ORGANIZATION_STATES.accountFailed, {
      comment:
        "The worker's Lambda failed (timeout, crash): the account is reported as failed, the run goes on",
      parameters: {
        'accountId.$': '$.accountId',
        status: 'error',
        'error.$': '$.failure.Error',
        'cause.$': '$.failure.Cause',
      },
    });
    worker.addCatch(accountFailed, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    const forEachAccount = new sfn.DistributedMap(this, ORGANIZATION_STATES.forEachAccount, {
      comment: 'One worker per account; per-account failures are caught inside, so they never fail the run',
      itemsPath: '$.accounts',
      itemSelector: {
        'accountId.$': '$$.Map.Item.Value.accountId',
        'runId.$': '$.runId',
      },
      maxConcurrency: maxConcurrency.valueAsNumber,
      toleratedFailurePercentagePath: '$.settings.toleratedFailurePercentage',
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultWriterV2: new sfn.ResultWriterV2({ bucket: this.bucket, prefix: MAP_RESULTS_PREFIX }),
      // The account reports are in S3; the state keeps the account list for the report step.
      resultPath: sfn.JsonPath.DISCARD,
      label: 'Accounts',
    });
    forEachAccount.itemProcessor(worker);
    // The CDK checks a literal ToleratedFailurePercentage's range, which a parameter's value cannot
    // pass at synth time: the Map reads it from the state, where this Pass state puts the parameter.
    const settings = new sfn.Pass(this, ORGANIZATION_STATES.settings, {
      comment: "The run's settings from the stack's parameters",
      result: sfn.Result.fromObject({ toleratedFailurePercentage: toleratedFailurePercentage.valueAsNumber }),
      resultPath: '$.settings',
    });
    const report = new tasks.LambdaInvoke(this, ORGANIZATION_STATES.report, {
      lambdaFunction: this.functions['org-report'].function,
      payloadResponseOnly: true,
      comment:
        'Reads the account reports one at a time; writes the organization report; publishes the digest',
    });
    const stateLogs = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'OrganizationRun', {
      comment: 'Keywarden organization run',
      definitionBody: sfn.DefinitionBody.fromChainable(
        listAccounts.next(settings).next(forEachAccount).next(report),
      ),
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: stateLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.hours(24),
    });
    const machineLogicalId = this.getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineLogicalId}"}]}]}`;
    const machineReasons: [string, string][] = [
      [
        '*',
        'Step Functions delivers its logs to CloudWatch Logs (logs:*LogDelivery, PutResourcePolicy, Describe*) and its traces to X-Ray; AWS documents Resource "*" for these actions.',
      ],
      ...Object.values(this.functions).map((fn): [string, string] => [
        `<${this.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*`,
        'The state machine invokes its own function; the CDK grants its versions and aliases too (<function>:*).',
      ]),
      [
        `arn:<AWS::Partition>:s3:::<${bucketLogicalId}>/*`,
        "The Distributed Map's ResultWriter writes the Map run's results to the stack's own report bucket (the CDK grants the bucket's objects).",
      ],
      [
        `${executions}:*`,
        "The Distributed Map describes and stops the child executions it starts; their names are made at run time under this state machine's own execution ARNs.",
      ],
      [
        `${executions}/Accounts:*`,
        "The Distributed Map may redrive its own Map runs (label Accounts) under this state machine's own execution ARNs.",
      ],
    ];
    for (const [resource, reason] of machineReasons) acknowledgeWildcard(this.stateMachine, resource, reason);

    new events.Rule(this, 'Schedule', {
      description: 'Keywarden: starts the organization run',
      schedule: events.Schedule.expression(scheduleExpression.valueAsString),
      targets: [
        new targets.SfnStateMachine(this.stateMachine, { retryAttempts: 2, maxEventAge: Duration.hours(2) }),
      ],
    });

    // Member roles: a service-managed StackSet for OUs, a self-managed one for listed accounts.
    this.memberTemplate = memberRoleTemplate(policy, props.memberTemplate);
    const workerRoleArn = this.functions['org-worker'].role.roleArn;
    const memberParameters = [
      { parameterKey: MEMBER_TEMPLATE_PARAMETERS.hubWorkerRoleArn, parameterValue: workerRoleArn },
      { parameterKey: MEMBER_TEMPLATE_PARAMETERS.externalId, parameterValue: externalId.valueAsString },
    ];
    const operationPreferences = {
      failureTolerancePercentage: 10,
      maxConcurrentPercentage: 25,
      regionConcurrencyType: 'PARALLEL',
    };
    this.serviceManagedStackSet = new CfnStackSet(this, 'MemberRoles', {
      stackSetName: `${Aws.STACK_NAME}-member-role`,
      description: 'Keywarden: KeywardenMemberRole in the accounts of the chosen OUs (automatic deployment)',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      callAs: callAs.valueAsString,
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences,
      parameters: memberParameters,
      // IAM is global: one stack instance per account, in the hub's region.
      stackInstancesGroup: [
        { deploymentTargets: { organizationalUnitIds: memberOus.valueAsList }, regions: [Aws.REGION] },
      ],
      templateBody: this.memberTemplate,
    });
    this.serviceManagedStackSet.cfnOptions.condition = hasMemberOus;
    this.selfManagedStackSet = new CfnStackSet(this, 'MemberRolesSelfManaged', {
      stackSetName: `${Aws.STACK_NAME}-member-role-self-managed`,
      description: 'Keywarden: KeywardenMemberRole in the listed accounts (self-managed StackSet)',
      permissionModel: 'SELF_MANAGED',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences,
      parameters: memberParameters,
      stackInstancesGroup: [
        { deploymentTargets: { accounts: memberAccounts.valueAsList }, regions: [Aws.REGION] },
      ],
      templateBody: this.memberTemplate,
    });
    this.selfManagedStackSet.cfnOptions.condition = hasMemberAccounts;

    // AWS Config: the organization's compliance (the Keywarden Config rules of every account) in one place.
    const aggregatorRole = new iam.Role(this, 'ConfigAggregatorRole', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
      description: "Keywarden: lets AWS Config read the organization's accounts for the aggregator",
      inlinePolicies: {
        organization: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadOrganization',
              actions: [
                'organizations:DescribeOrganization',
                'organizations:ListAccounts',
                'organizations:ListAWSServiceAccessForOrganization',
                'organizations:ListDelegatedAdministrators',
              ],
              resources: ['*'],
            }),
          ],
        }),
      },
    });
    acknowledgeWildcard(
      aggregatorRole,
      '*',
      "The organization aggregator's role reads the organization (what AWS's AWSConfigRoleForOrganizations grants); these Organizations actions support no resource-level permissions.",
    );
    this.aggregator = new config.CfnConfigurationAggregator(this, 'ConfigAggregator', {
      organizationAggregationSource: { roleArn: aggregatorRole.roleArn, allAwsRegions: true },
    });

    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ReportBucketName', {
      value: this.bucket.bucketName,
      description: 'Reports: s3://<this>/runs/<runId>/organization.json (and .html, accounts/<id>.json)',
    });
    new CfnOutput(this, 'CentralTopicArn', {
      value: topicArn,
      description:
        'The central topic; KeywardenAccount stacks publish here with it as their CentralTopicArn parameter',
    });
    new CfnOutput(this, 'CentralTopicKeyArn', {
      value: this.topic.key.keyArn,
      description:
        "Publishers in other accounts need kms:GenerateDataKey and kms:Decrypt on this key: KeywardenAccount's CentralTopicKeyArn parameter",
    });
    new CfnOutput(this, 'WorkerRoleArn', {
      value: workerRoleArn,
      description: 'The only principal KeywardenMemberRole trusts',
    });
    new CfnOutput(this, 'JournalSpec', {
      value: this.journal.spec,
      description: 'The journal spec: keywarden history --journal <this>',
    });
  }
}
