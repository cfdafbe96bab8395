/**
 * `keywarden invoke <handler> --event FILE`: runs a Lambda handler in this process, the way
 * `sam local invoke` does, against whatever endpoint the AWS flags name (the sandbox, moto, or AWS),
 * and prints the handler's result as JSON. The handler reads the same environment it reads in
 * Lambda (docs/lambda.md); --config and --journal are shorthands for two of its variables.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Argument, type Command } from 'commander';
import { ENV, LAMBDA_HANDLER_NAMES } from '../../core/deployment.js';
import { HandlerConfigError } from '../../engine/errors.js';
import { RunFailedError } from '../../engine/handler-deps.js';
import { createConfigRuleHandler } from '../../lambda/config-rule.js';
import { HandlerEventError, type LambdaContext, type RuntimeOptions } from '../../lambda/define-handler.js';
import { createLogger } from '../../lambda/logger.js';
import { createOrgAccountsHandler } from '../../lambda/org-accounts.js';
import { createOrgReportHandler } from '../../lambda/org-report.js';
import { createOrgWorkerHandler } from '../../lambda/org-worker.js';
import { createRemediateHandler } from '../../lambda/remediate.js';
import { createScheduledHandler } from '../../lambda/scheduled.js';
import { type AwsFlags, addAwsOptions, connectionFrom } from '../connection.js';
import { CliError } from '../errors.js';
import type { CliIO } from '../io.js';
import { logOf } from '../log.js';
import { DEFAULT_POLICY_FILES } from '../policy-loader.js';
import { journalSpec } from '../remediation.js';
import type { Session } from '../session.js';

const HANDLERS = LAMBDA_HANDLER_NAMES;
type HandlerName = (typeof HANDLERS)[number];

interface InvokeFlags extends AwsFlags {
  readonly event: string;
  readonly config?: string;
  readonly journal?: string;
}

type Handler = (event: unknown, context?: LambdaContext) => Promise<unknown>;

function createHandler(name: HandlerName, options: RuntimeOptions): Handler {
  switch (name) {
    case 'scheduled':
      return createScheduledHandler(options);
    case 'config-rule':
      return createConfigRuleHandler(options);
    case 'remediate':
      return createRemediateHandler(options);
    case 'org-accounts':
      return createOrgAccountsHandler(options);
    case 'org-worker':
      return createOrgWorkerHandler(options);
    case 'org-report':
      return createOrgReportHandler(options);
    default:
      return name satisfies never;
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}

/** The event file (`-`: stdin) as JSON, or one line naming --event. */
async function readEvent(path: string, io: CliIO): Promise<unknown> {
  let text: string;
  if (path === '-') {
    text = io.stdin === undefined ? '' : await readStream(io.stdin);
  } else {
    try {
      text = await readFile(resolve(io.cwd, path), 'utf8');
    } catch (error) {
      throw new CliError(
        `--event: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }
  const shown = path === '-' ? 'standard input' : path;
  if (text.trim() === '') throw new CliError(`--event: ${shown} is empty; it must hold the event as JSON`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(
      `--event: ${shown} is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * The handler's environment: the caller's, with --config and --journal as the variables the
 * handler reads. Without either, a ./keywarden.yaml is used as by every command, and the handlers
 * that change IAM (scheduled, remediate, org-worker) use the CLI's journal (the others read one only
 * when named).
 */
function handlerEnv(name: HandlerName, flags: InvokeFlags, io: CliIO): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...io.env };
  if (flags.config !== undefined) {
    const path = resolve(io.cwd, flags.config);
    if (!existsSync(path)) throw new CliError(`--config: policy file not found: ${flags.config}`);
    env[ENV.policyFile] = path;
    delete env[ENV.policyParameter];
  } else if (!env[ENV.policyParameter] && !env[ENV.policyFile]) {
    const found = DEFAULT_POLICY_FILES.map((f) => resolve(io.cwd, f)).find((p) => existsSync(p));
    if (found !== undefined) env[ENV.policyFile] = found;
  }
  const keepsJournal = name === 'scheduled' || name === 'remediate' || name === 'org-worker';
  if (keepsJournal || flags.journal !== undefined || env[ENV.journal]) {
    const spec = journalSpec(flags.journal, io);
    env[ENV.journal] = spec.kind === 'dynamodb' ? `dynamodb://${spec.tableName}` : spec.path;
  }
  return env;
}

export function registerInvoke(
  program: Command,
  io: CliIO,
  session: Session,
  setExitCode: (code: number) => void,
): void {
  const command = program
    .command('invoke')
    .description("Run a Lambda handler locally on an event and print its result (like 'sam local invoke')")
    .addArgument(new Argument('<handler>', 'the handler to run').choices(HANDLERS))
    .requiredOption('--event <file>', 'the event, as JSON (- reads standard input); samples in docs/events/')
    .option('--config <file>', `policy file (sets ${ENV.policyFile}; default: ./keywarden.yaml if present)`)
    .option(
      '--journal <file>',
      `journal (sets ${ENV.journal}; default: it, else the CLI's journal for scheduled, remediate and org-worker)`,
    );
  addAwsOptions(command).addHelpText(
    'after',
    `
The handler reads the environment it reads in Lambda (${ENV.policyParameter}, ${ENV.policyFile},
${ENV.journal}, ${ENV.maxActions}, ${ENV.notifyTopicArn}, and the organization handlers'
KEYWARDEN_REPORT_BUCKET, KEYWARDEN_MEMBER_ROLE_NAME...; see docs/lambda.md). Its result is
printed on stdout as JSON and its structured log lines go to stderr.
Exit codes: 0 the handler returned, 1 the handler failed (its error printed as JSON, as Lambda reports
it), 2 a bad event, flag, policy or credentials.

Examples:
  $ keywarden sandbox &                     # the emulator on 127.0.0.1:4566
  $ keywarden invoke config-rule --event docs/events/config-rule-scheduled.json --endpoint-url http://127.0.0.1:4566
  $ keywarden invoke remediate --event docs/events/remediate.json --endpoint-url http://127.0.0.1:4566
  $ keywarden invoke scheduled --event docs/events/scheduled.json --journal /tmp/journal.jsonl
  $ keywarden invoke org-accounts --event docs/events/org-accounts.json --endpoint-url http://127.0.0.1:4566
  $ KEYWARDEN_REPORT_BUCKET=reports AWS_ENDPOINT_URL_S3=http://127.0.0.1:5000 \
      keywarden invoke org-worker --event docs/events/org-worker.json --endpoint-url http://127.0.0.1:4566
  $ echo '{"ResourceId": "AIDAEXAMPLEUSERID0001"}' | keywarden invoke remediate --event - --profile prod`,
  );
  command.action(async (name: HandlerName, flags: InvokeFlags) => {
    const env = handlerEnv(name, flags, io);
    const connection = connectionFrom(flags, io);
    const event = await readEvent(flags.event, io);
    session.connection = connection;
    const handler = createHandler(name, {
      env,
      connection,
      logger: createLogger({ stream: io.stderr, localColdStart: true }),
    });
    const context: LambdaContext = { awsRequestId: randomUUID(), functionName: `keywarden-${name}` };
    let result: unknown;
    try {
      result = await handler(event, context);
    } catch (error) {
      if (error instanceof HandlerEventError)
        throw new CliError(`--event: ${error.message}`, 2, { cause: error });
      if (error instanceof HandlerConfigError) throw new CliError(error.message, 2, { cause: error });
      if (error instanceof RunFailedError) {
        // What Lambda returns for a function error; the one line on stderr says it failed.
        io.stdout.write(
          `${JSON.stringify({ errorType: error.name, errorMessage: error.message }, null, 2)}\n`,
        );
        logOf(io).error(`${name} failed: ${error.message}`);
        setExitCode(1);
        return;
      }
      throw error;
    }
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  });
}
