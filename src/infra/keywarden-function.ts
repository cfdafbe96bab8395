/**
 * One Keywarden Lambda handler with everything it needs to run unattended: its own role holding
 * only the statements it is given (no managed policy), its own log group, a dead-letter queue when
 * it is invoked asynchronously, and alarms on errors, throttles and dead letters.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { handlerEntry } from './entries.js';
import type { AnyHandlerName } from './handler-permissions.js';

/** The Lambda runtime: the newest Node.js (cfn-lint refuses nodejs20.x, cdk-nag wants the latest). */
const HANDLER_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface KeywardenFunctionProps {
  /** Which handler of src/lambda this function runs. */
  readonly handler: AnyHandlerName;
  readonly description: string;
  /** The function's only permissions besides writing its own logs (and its dead-letter queue). */
  readonly statements: readonly iam.PolicyStatement[];
  readonly environment: Readonly<Record<string, string>>;
  /** Invoked asynchronously (EventBridge, AWS Config): failed events go to a dead-letter queue. */
  readonly asyncInvoked: boolean;
  /** Where the alarms notify. */
  readonly alarmTopic: sns.ITopic;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * When an invoking service retries: how many times Lambda retries an asynchronous event before
   * it goes to the dead-letter queue. @default 2
   */
  readonly retryAttempts?: number;
}

export class KeywardenFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  /** The role's only policy: own logs plus the statements given. */
  readonly permissions: iam.Policy;
  readonly logGroup: logs.LogGroup;
  readonly deadLetterQueue: sqs.Queue | null;

  constructor(scope: Construct, id: string, props: KeywardenFunctionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);
    const memorySize = props.memorySize ?? 512;
    const retryAttempts = props.retryAttempts ?? 2;
    if (timeout.toSeconds() < 1 || timeout.toSeconds() > 900) {
      throw new Error(
        `KeywardenFunction ${id}: timeout must be 1 to 900 seconds (got ${timeout.toSeconds()})`,
      );
    }
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
      throw new Error(`KeywardenFunction ${id}: memorySize must be 128 to 10240 MB (got ${memorySize})`);
    }
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 2) {
      throw new Error(`KeywardenFunction ${id}: retryAttempts must be 0, 1 or 2 (got ${retryAttempts})`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Keywarden ${props.handler} handler: only the permissions its calls declare`,
    });
    this.permissions = new iam.Policy(this, 'Permissions', {
      statements: [
        new iam.PolicyStatement({
          sid: 'OwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
        ...props.statements,
      ],
    });
    this.permissions.attachToRole(this.role);

    this.deadLetterQueue = props.asyncInvoked
      ? new sqs.Queue(this, 'DeadLetterQueue', {
          encryption: sqs.QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        })
      : null;

    const entry = handlerEntry(props.handler);
    this.function = new NodejsFunction(this, 'Function', {
      ...entry,
      description: props.description,
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      handler: 'handler',
      timeout,
      memorySize,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: { ...props.environment },
      ...(this.deadLetterQueue ? { deadLetterQueue: this.deadLetterQueue, retryAttempts } : {}),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        // The AWS SDK is bundled: the handlers run the versions they were tested with, not the runtime's.
        externalModules: [],
        minify: true,
        logLevel: LogLevel.WARNING,
        // Bundling runs the local esbuild through npx; npm's update check would be the synth's only
        // network call.
        environment: { npm_config_update_notifier: 'false' },
        sourceMap: true,
        // Some bundled CommonJS packages call require(); ESM has none of its own. An alias, so the
        // banner cannot clash with an import of createRequire inside the bundle.
        banner:
          "import { createRequire as __kwCreateRequire } from 'node:module'; const require = __kwCreateRequire(import.meta.url);",
      },
    });
    // The role's policy must exist before the function can run with it.
    this.function.node.addDependency(this.permissions);

    const action = new cloudwatchActions.SnsAction(props.alarmTopic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      return created;
    };
    const period = Duration.minutes(5);
    alarm(
      'ErrorsAlarm',
      this.function.metricErrors({ period, statistic: 'Sum' }),
      `Keywarden ${props.handler}: the function failed`,
    );
    alarm(
      'ThrottlesAlarm',
      this.function.metricThrottles({ period, statistic: 'Sum' }),
      `Keywarden ${props.handler}: the function was throttled`,
    );
    if (this.deadLetterQueue) {
      alarm(
        'DeadLettersAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        `Keywarden ${props.handler}: an event could not be processed and waits in the dead-letter queue`,
      );
    }
  }
}
