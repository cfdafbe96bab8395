/**
 * The organization run: an EventBridge schedule starts a Step Functions state machine that lists the
 * accounts (org-accounts), runs org-worker once per account in a Distributed Map (a failure is caught
 * per account), and writes the organization report (org-report). Declared in the stack's own scope,
 * so the logical ids (OrganizationRun…, StateMachineLogs…, Schedule…) are those they always had.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { OrgHandlerName } from './handler-permissions.js';
import type { KeywardenFunction } from './keywarden-function.js';
import { acknowledgeWildcard } from './nag.js';

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
const MAP_RESULTS_PREFIX = 'map-results';

export interface OrganizationRunProps {
  /** The hub's handlers, one per task. */
  readonly functions: Readonly<Record<OrgHandlerName, KeywardenFunction>>;
  /** The report bucket the Map's ResultWriter writes to. */
  readonly bucket: s3.Bucket;
  /** When the run starts: an EventBridge rate() or cron() expression (a parameter's token). */
  readonly scheduleExpression: string;
  /** Accounts worked on at once (a parameter's token). */
  readonly maxConcurrency: number;
  /** Percent of the Map's items that may fail before the run fails (a parameter's token). */
  readonly toleratedFailurePercentage: number;
}

/**
 * Declares the state machine `OrganizationRun`, its log group and its schedule in `scope` (the
 * stack): list → settings → one worker per account (Distributed Map) → report.
 */
export function organizationRun(scope: Construct, props: OrganizationRunProps): sfn.StateMachine {
  const { functions, bucket } = props;
  const stack = Stack.of(scope);
  const listAccounts = new tasks.LambdaInvoke(scope, ORGANIZATION_STATES.listAccounts, {
    lambdaFunction: functions['org-accounts'].function,
    payloadResponseOnly: true,
    comment: "Lists the organization's accounts with the CLI's filters; returns {runId, accounts, skipped}",
  });
  const worker = new tasks.LambdaInvoke(scope, ORGANIZATION_STATES.worker, {
    lambdaFunction: functions['org-worker'].function,
    payloadResponseOnly: true,
    retryOnServiceExceptions: true,
    comment: 'One account: assume KeywardenMemberRole, run the scheduled lifecycle, write the account report',
  });
  const accountFailed = new sfn.Pass(scope, ORGANIZATION_STATES.accountFailed, {
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
  const forEachAccount = new sfn.DistributedMap(scope, ORGANIZATION_STATES.forEachAccount, {
    comment: 'One worker per account; per-account failures are caught inside, so they never fail the run',
    itemsPath: '$.accounts',
    itemSelector: {
      'accountId.$': '$$.Map.Item.Value.accountId',
      'runId.$': '$.runId',
    },
    maxConcurrency: props.maxConcurrency,
    toleratedFailurePercentagePath: '$.settings.toleratedFailurePercentage',
    mapExecutionType: sfn.StateMachineType.STANDARD,
    resultWriterV2: new sfn.ResultWriterV2({ bucket, prefix: MAP_RESULTS_PREFIX }),
    // The account reports are in S3; the state keeps the account list for the report step.
    resultPath: sfn.JsonPath.DISCARD,
    label: 'Accounts',
  });
  forEachAccount.itemProcessor(worker);
  // The CDK checks a literal ToleratedFailurePercentage's range, which a parameter's value cannot
  // pass at synth time: the Map reads it from the state, where this Pass state puts the parameter.
  const settings = new sfn.Pass(scope, ORGANIZATION_STATES.settings, {
    comment: "The run's settings from the stack's parameters",
    result: sfn.Result.fromObject({ toleratedFailurePercentage: props.toleratedFailurePercentage }),
    resultPath: '$.settings',
  });
  const report = new tasks.LambdaInvoke(scope, ORGANIZATION_STATES.report, {
    lambdaFunction: functions['org-report'].function,
    payloadResponseOnly: true,
    comment: 'Reads the account reports one at a time; writes the organization report; publishes the digest',
  });
  const stateLogs = new logs.LogGroup(scope, 'StateMachineLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const stateMachine = new sfn.StateMachine(scope, 'OrganizationRun', {
    comment: 'Keywarden organization run',
    definitionBody: sfn.DefinitionBody.fromChainable(
      listAccounts.next(settings).next(forEachAccount).next(report),
    ),
    stateMachineType: sfn.StateMachineType.STANDARD,
    tracingEnabled: true,
    logs: { destination: stateLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    timeout: Duration.hours(24),
  });
  const bucketLogicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  const machineLogicalId = stack.getLogicalId(stateMachine.node.defaultChild as sfn.CfnStateMachine);
  const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineLogicalId}"}]}]}`;
  const machineReasons: [string, string][] = [
    [
      '*',
      'Step Functions delivers its logs to CloudWatch Logs (logs:*LogDelivery, PutResourcePolicy, Describe*) and its traces to X-Ray; AWS documents Resource "*" for these actions.',
    ],
    ...Object.values(functions).map((fn): [string, string] => [
      `<${stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*`,
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
  for (const [resource, reason] of machineReasons) acknowledgeWildcard(stateMachine, resource, reason);

  new events.Rule(scope, 'Schedule', {
    description: 'Keywarden: starts the organization run',
    schedule: events.Schedule.expression(props.scheduleExpression),
    targets: [
      new targets.SfnStateMachine(stateMachine, { retryAttempts: 2, maxEventAge: Duration.hours(2) }),
    ],
  });
  return stateMachine;
}
