/**
 * What the three handlers share: the environment contract (docs/lambda.md), the policy, the AWS
 * clients on the service's clock, the journal and the logger. "Inject or construct": a test or
 * `keywarden invoke` passes what it has (environment, connection, logger, clock), and the rest is
 * built the way it is in Lambda.
 */

import { readFile } from 'node:fs/promises';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { createNotifier } from '../channels/notifier.js';
import type { Notifier } from '../channels/types.js';
import { ENV } from '../core/deployment.js';
import { parsePolicyFile, resolvePolicy } from '../core/policy/resolve.js';
import type { PolicyInput } from '../core/policy/schema.js';
import type { Policy } from '../core/policy/types.js';
import {
  type ConnectedClients,
  type Connection,
  connectAccount,
  connectionFromEnv,
} from '../engine/connect.js';
import type { Clock } from '../engine/types.js';
import type { Journal } from '../journal/journal.js';
import { type JournalSpec, openJournal, parseJournalLocation } from '../journal/open.js';
import { type AwsConnection, clientConfig } from '../sdk/clients.js';
import { callAws } from '../sdk/errors.js';
import { createLogger, type HandlerLogger } from './logger.js';

/** The deployment is wrong (a variable, the policy): one line naming what to fix. Not retried usefully. */
export class HandlerConfigError extends Error {
  override readonly name = 'HandlerConfigError';
}

/** The invocation's payload is wrong: one line naming the field. */
export class HandlerEventError extends Error {
  override readonly name = 'HandlerEventError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The subset of the Lambda context the handlers use. */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly functionName?: string;
  /** Time left before Lambda stops the invocation; the scheduled run stops starting changes near it. */
  getRemainingTimeInMillis?(): number;
}

/** The account's clients, as the handlers use them. */
export type HandlerClients = ConnectedClients;

export interface RuntimeOptions {
  /** Default `process.env`, read at each invocation. */
  readonly env?: NodeJS.ProcessEnv;
  /** How to reach AWS; default: the SDK's chain, with AWS_REGION and AWS_ENDPOINT_URL from `env`. */
  readonly connection?: AwsConnection;
  /** Clients to use as given; the others are built from `connection`. */
  readonly clients?: Partial<HandlerClients>;
  readonly logger?: HandlerLogger;
  /** Default: the service's clock (the Date header of AWS's responses). */
  readonly clock?: Clock;
  /** Default: KEYWARDEN_JOURNAL. */
  readonly journal?: Journal;
  /** Waits (credential-report polls, PutEvaluations retries); default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The policy as deployed, before a Config rule's parameters are layered on it. */
export interface PolicySource {
  readonly file: PolicyInput | undefined;
  /** Names the source in messages: `ssm:NAME`, the file path, or `default policy`. */
  readonly name: string;
  readonly warnings: readonly string[];
}

/** Builds (or takes) the clients, each reporting the service's time to one clock. */
export function connectClients(options: RuntimeOptions, env: NodeJS.ProcessEnv): Connection {
  return connectAccount(options.connection ?? connectionFromEnv(env), {
    ...(options.clients ? { clients: options.clients } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/**
 * Reads the deployed policy: the SSM parameter KEYWARDEN_POLICY_PARAMETER (decrypted), else the
 * file KEYWARDEN_POLICY_FILE, else none (the defaults). Parsed by the same code as the CLI's.
 */
export async function loadPolicySource(env: NodeJS.ProcessEnv, ssm: SSMClient): Promise<PolicySource> {
  const parameter = env[ENV.policyParameter];
  const path = env[ENV.policyFile];
  let text: string;
  let name: string;
  if (parameter) {
    name = `ssm:${parameter}`;
    const out = await callAws('ssm:GetParameter', `${parameter} (${ENV.policyParameter})`, () =>
      ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true })),
    );
    text = out.Parameter?.Value ?? '';
  } else if (path) {
    name = path;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new HandlerConfigError(
        `${ENV.policyFile}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  } else {
    return { file: undefined, name: 'default policy', warnings: [] };
  }
  const parsed = parsePolicyFile(text, name);
  if (parsed.value === null)
    throw policyError(parsed.errors, parameter ? ENV.policyParameter : ENV.policyFile);
  return { file: parsed.value, name, warnings: parsed.warnings };
}

/** `errors` as one line: the first, and how many more. */
export function policyError(errors: readonly string[], variable: string): HandlerConfigError {
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
  return new HandlerConfigError(`${variable}: invalid policy: ${errors[0] ?? 'unknown error'}${more}`);
}

/** The deployed policy resolved as-is (the scheduled and remediate handlers). */
export function resolveSource(source: PolicySource): {
  readonly policy: Policy;
  readonly warnings: string[];
} {
  const resolved = resolvePolicy({ file: source.file, sourceName: source.name });
  if (resolved.value === null) throw policyError(resolved.errors, source.name);
  return { policy: resolved.value, warnings: [...source.warnings, ...resolved.warnings] };
}

/** The scheduled run's action cap: KEYWARDEN_MAX_ACTIONS, else the policy's remediation.maxActions. */
export function maxActionsFromEnv(env: NodeJS.ProcessEnv, policy: Policy): number {
  const raw = env[ENV.maxActions];
  if (raw === undefined || raw === '') return policy.remediation.maxActions;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) {
    throw new HandlerConfigError(
      `${ENV.maxActions}: must be an integer from 0 to 10000 (got ${JSON.stringify(raw)})`,
    );
  }
  return n;
}

/**
 * The journal KEYWARDEN_JOURNAL names: `dynamodb://TABLE` (the stack's shared journal, on the
 * invocation's connection; AWS_ENDPOINT_URL_DYNAMODB overrides its endpoint) or a file path. The
 * policy's `journal.leaseSeconds` sets how long a run holds the account.
 */
export function journalFromEnv(
  env: NodeJS.ProcessEnv,
  required: true,
  connection?: AwsConnection,
  policy?: Policy,
): Journal;
export function journalFromEnv(
  env: NodeJS.ProcessEnv,
  required: false,
  connection?: AwsConnection,
  policy?: Policy,
): Journal | undefined;
export function journalFromEnv(
  env: NodeJS.ProcessEnv,
  required: boolean,
  connection: AwsConnection = {},
  policy?: Policy,
): Journal | undefined {
  const raw = env[ENV.journal];
  if (raw === undefined || raw === '') {
    if (!required) return undefined;
    throw new HandlerConfigError(
      `${ENV.journal}: not set; the handler records every change in a journal (a file path, or dynamodb://TABLE)`,
    );
  }
  let spec: JournalSpec;
  try {
    spec = parseJournalLocation(raw, ENV.journal);
  } catch (error) {
    throw new HandlerConfigError(error instanceof Error ? error.message : String(error));
  }
  const config = clientConfig(connection);
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || ('endpoint' in config ? config.endpoint : undefined);
  return openJournal(spec, {
    clientConfig: { ...config, ...(endpoint ? { endpoint } : {}) },
    ...(policy ? { leaseSeconds: policy.journal.leaseSeconds } : {}),
  });
}

/** The notifier for the policy's channels; the Slack URL variable and clients come from `env`/`connection`. */
export function notifierFor(
  policy: Policy,
  env: NodeJS.ProcessEnv,
  connection: AwsConnection,
  clients: HandlerClients,
): Notifier {
  return createNotifier(policy.notifications, { env, connection, ssm: clients.ssm });
}

/** Everything one invocation starts from. */
export interface Invocation {
  readonly env: NodeJS.ProcessEnv;
  readonly connection: AwsConnection;
  readonly logger: HandlerLogger;
  readonly connected: Connection;
}

/**
 * Per handler instance (a Lambda container): clients are built once and reused across invocations;
 * the environment and the policy are read at each invocation.
 */
export function handlerRuntime(
  options: RuntimeOptions,
): (context: LambdaContext | undefined, name: string) => Invocation {
  let connected: Connection | null = null;
  let logger: HandlerLogger | null = null;
  return (context, name) => {
    const env = options.env ?? process.env;
    connected ??= connectClients(options, env);
    logger ??= options.logger ?? createLogger();
    logger.appendKeys({ handler: name });
    if (context !== undefined) logger.addContext(context as Parameters<HandlerLogger['addContext']>[0]);
    return { env, connection: options.connection ?? connectionFromEnv(env), logger, connected };
  };
}

/** The error as a log attribute: name and message only (an SDK error's request could hold a secret). */
export function errorFields(error: unknown): { readonly errorName: string; readonly errorMessage: string } {
  return error instanceof Error
    ? { errorName: error.name, errorMessage: error.message.split('\n')[0] ?? '' }
    : { errorName: 'Error', errorMessage: String(error) };
}
