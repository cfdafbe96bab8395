/**
 * What a Lambda handler's invocation starts from, "inject or construct": a test or `keywarden
 * invoke` passes what it has (environment, connection, clients, clock), and the rest is built the
 * way it is in Lambda. The environment contract is docs/lambda.md. One {@link handlerInstance} per
 * Lambda container: the clients and the policy cache are built once and reused across warm
 * invocations; the environment is read at each invocation.
 */
import { createNotifier } from '../channels/notifier.js';
import type { Notifier } from '../channels/types.js';
import { ENV } from '../core/deployment.js';
import type { Policy } from '../core/policy/types.js';
import type { Journal } from '../journal/journal.js';
import { type JournalSpec, openJournal, parseJournalLocation } from '../journal/open.js';
import { clientConfig } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { type ConnectedClients, type Connection, connectAccount, connectionFromEnv } from './connect.js';
import { type DeployedPolicy, deployedPolicy } from './deployed-policy.js';
import { HandlerConfigError } from './errors.js';
import type { Clock } from './types.js';

/**
 * The run finished and has logged why it failed; the invocation fails so that Lambda's error metric
 * (and AWS Config's retry) sees it. Entry points do not log it again.
 */
export abstract class RunFailedError extends Error {}

/** A log line's attributes: ids and counts, never a secret. */
type LogAttributes = { [key: string]: unknown };

/** Structured log lines (Powertools' Logger is one). */
export interface RunLog {
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
  /** Adds attributes to every later line (the user, the account, the run). */
  appendKeys(attributes: LogAttributes): void;
}

export interface HandlerOptions {
  /** Default `process.env`, read at each invocation. */
  readonly env?: NodeJS.ProcessEnv;
  /** How to reach AWS; default: the SDK's chain, with AWS_REGION, AWS_ENDPOINT_URL and the retry settings from `env`. */
  readonly connection?: AwsConnection;
  /** Clients to use as given; the others are built from `connection`. */
  readonly clients?: Partial<ConnectedClients>;
  /** Default: the service's clock (the Date header of AWS's responses). */
  readonly clock?: Clock;
  /** Waits (credential-report polls, PutEvaluations retries); default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Everything one invocation's use case starts from. */
export interface HandlerDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly connection: AwsConnection;
  /** The account's clients (the container's), on one clock. */
  readonly connected: Connection;
  /** The deployed policy, cached across warm invocations. */
  readonly policy: DeployedPolicy;
  readonly log: RunLog;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Time left before Lambda stops the invocation; absent: no limit. */
  readonly remainingMs?: () => number;
}

/** What the entry point knows of one invocation. */
export interface InvocationContext {
  readonly log: RunLog;
  readonly remainingMs?: () => number;
}

/** A handler's state for the life of its container; call it once per invocation. */
export function handlerInstance(options: HandlerOptions): (invocation: InvocationContext) => HandlerDeps {
  let container: { readonly connected: Connection; readonly policy: DeployedPolicy } | null = null;
  return (invocation) => {
    const env = options.env ?? process.env;
    const connection = options.connection ?? handlerConnection(env);
    if (container === null) {
      const connected = connectAccount(connection, {
        ...(options.clients ? { clients: options.clients } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      });
      container = { connected, policy: deployedPolicy(connected.clients.ssm) };
    }
    return {
      env,
      connection,
      ...container,
      log: invocation.log,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(invocation.remainingMs ? { remainingMs: invocation.remainingMs } : {}),
    };
  };
}

/** The connection the environment describes; a bad setting is the deployment's mistake. */
function handlerConnection(env: NodeJS.ProcessEnv): AwsConnection {
  try {
    return connectionFromEnv(env);
  } catch (error) {
    throw new HandlerConfigError(error instanceof Error ? error.message : String(error));
  }
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
export function journalFromEnv(deps: HandlerDeps, required: true, policy?: Policy): Journal;
export function journalFromEnv(deps: HandlerDeps, required: false, policy?: Policy): Journal | undefined;
export function journalFromEnv(deps: HandlerDeps, required: boolean, policy?: Policy): Journal | undefined {
  const { env, connection } = deps;
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

/** The notifier for the policy's channels, with the invocation's own credentials and SSM client. */
export function notifierFor(deps: HandlerDeps, policy: Policy): Notifier {
  return createNotifier(policy.notifications, {
    env: deps.env,
    connection: deps.connection,
    ssm: deps.connected.clients.ssm,
  });
}

/** The error as a log attribute: name and message only (an SDK error's request could hold a secret). */
export function errorFields(error: unknown): { readonly errorName: string; readonly errorMessage: string } {
  return error instanceof Error
    ? { errorName: error.name, errorMessage: error.message.split('\n')[0] ?? '' }
    : { errorName: 'Error', errorMessage: String(error) };
}
