/**
 * One place that builds AWS SDK v3 clients, "inject or construct": callers pass clients they already
 * have (tests, Lambda), otherwise clients are built from `AwsConnection`. The SDK's own credential
 * chain, endpoint variables (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_IAM`, ...) and adaptive retry apply.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';
import { renewExpiredSessions } from './session-credentials.js';

export interface AwsConnection {
  readonly region?: string;
  /** Overrides every service's endpoint (the emulator, LocalStack, a VPC endpoint). */
  readonly endpoint?: string;
  /** A named profile from ~/.aws/config; otherwise the default credential chain. */
  readonly profile?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per call, including the first (Keywarden's default 5). */
  readonly maxAttempts?: number;
  /**
   * `adaptive` (default): the SDK also slows its own sending rate after a throttle, right for AWS,
   * which throttles above a rate; `standard`: back off and retry only (see docs/benchmarks.md).
   */
  readonly retryMode?: 'adaptive' | 'standard';
  /** How long a call may take; default {@link DEFAULT_TIMEOUTS}. */
  readonly timeouts?: Timeouts;
}

/**
 * Every call is bounded, so a service that accepts connections and never answers cannot hang a
 * run. A timed-out read is retried like any transient failure; a timed-out write that AWS does not
 * make idempotent is an unknown outcome, settled from live state (src/aws/errors.ts).
 */
export interface Timeouts {
  /** To open a connection. */
  readonly connectMs: number;
  /** For the whole request and its answer, once connected. */
  readonly requestMs: number;
}

/** `KEYWARDEN_CONNECT_TIMEOUT` / `KEYWARDEN_REQUEST_TIMEOUT` (seconds) and `--connect-timeout` / `--request-timeout` change them. */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, requestMs: 30_000 };

/** Where each timeout can be set, for messages: its variable and, in the CLI, its flag. */
export const TIMEOUT_SETTINGS = {
  connectMs: { variable: 'KEYWARDEN_CONNECT_TIMEOUT', flag: '--connect-timeout' },
  requestMs: { variable: 'KEYWARDEN_REQUEST_TIMEOUT', flag: '--request-timeout' },
} as const;

/**
 * The timeouts from flags (seconds, first) and the environment (seconds), over the defaults; or
 * the one-line reason a value is not a number of seconds from 0.1 to 3600, naming where it came from.
 */
export function timeoutsFrom(
  flags: { readonly connectTimeout?: string; readonly requestTimeout?: string },
  env: NodeJS.ProcessEnv,
): { readonly timeouts: Timeouts } | { readonly error: string } {
  const read = (key: keyof Timeouts, flag: string | undefined): number | string => {
    const setting = TIMEOUT_SETTINGS[key];
    const [raw, name] = flag !== undefined ? [flag, setting.flag] : [env[setting.variable], setting.variable];
    if (raw === undefined || raw === '') return DEFAULT_TIMEOUTS[key];
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) {
      return `${name}: a number of seconds from 0.1 to 3600 (got ${JSON.stringify(raw)})`;
    }
    return Math.round(seconds * 1000);
  };
  const connectMs = read('connectMs', flags.connectTimeout);
  const requestMs = read('requestMs', flags.requestTimeout);
  if (typeof connectMs === 'string') return { error: connectMs };
  if (typeof requestMs === 'string') return { error: requestMs };
  return { timeouts: { connectMs, requestMs } };
}

const RETRY_MODES = ['adaptive', 'standard'] as const;

/**
 * `AWS_MAX_ATTEMPTS` (1 to 20 attempts per call, the first included) and `AWS_RETRY_MODE`
 * (`adaptive` or `standard`), the SDKs' standard variables; unset: Keywarden's defaults (5,
 * adaptive). Or the one-line reason a value is wrong, naming the variable.
 */
export function retryFrom(
  env: NodeJS.ProcessEnv,
): { readonly retry: Pick<AwsConnection, 'maxAttempts' | 'retryMode'> } | { readonly error: string } {
  const attempts = env.AWS_MAX_ATTEMPTS;
  const mode = env.AWS_RETRY_MODE;
  let maxAttempts: number | undefined;
  if (attempts !== undefined && attempts !== '') {
    maxAttempts = Number(attempts);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
      return { error: `AWS_MAX_ATTEMPTS: a whole number from 1 to 20 (got ${JSON.stringify(attempts)})` };
    }
  }
  let retryMode: (typeof RETRY_MODES)[number] | undefined;
  if (mode !== undefined && mode !== '') {
    retryMode = RETRY_MODES.find((m) => m === mode);
    if (retryMode === undefined) {
      return { error: `AWS_RETRY_MODE: adaptive or standard (got ${JSON.stringify(mode)})` };
    }
  }
  return {
    retry: {
      ...(maxAttempts === undefined ? {} : { maxAttempts }),
      ...(retryMode === undefined ? {} : { retryMode }),
    },
  };
}

export interface AwsClients {
  readonly iam: IAMClient;
  readonly sts: STSClient;
  readonly ssm: SSMClient;
}

/** IAM is global: signed for us-east-1 unless the user points elsewhere. */
export const DEFAULT_REGION = 'us-east-1';

export function clientConfig(connection: AwsConnection) {
  const timeouts = connection.timeouts ?? DEFAULT_TIMEOUTS;
  return {
    region: connection.region ?? DEFAULT_REGION,
    retryMode: connection.retryMode ?? 'adaptive',
    maxAttempts: connection.maxAttempts ?? 5,
    requestHandler: {
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.requestMs,
      // Without it the SDK only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.credentials
      ? { credentials: connection.credentials }
      : connection.profile
        ? { credentials: fromIni({ profile: connection.profile }) }
        : {}),
  };
}

/**
 * Takes the SDK's logger middleware out of a client Keywarden built. Keywarden gives the SDK no
 * logger, yet the middleware still copies every response through the operation's sensitive-data
 * filter before handing it to the no-op logger: on a 1,000-user GetAccountAuthorizationDetails page
 * that is 25-50 ms of CPU on the audit's critical path (measured; see docs/benchmarks.md).
 */
export function withoutSdkLogger<C extends { readonly middlewareStack: { remove(name: string): boolean } }>(
  client: C,
): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * A client Keywarden built for `connection`, made ready: no SDK logger middleware, and a session of
 * an assumed role that the service refuses as expired is renewed and the request sent again
 * (src/aws/session-credentials.ts).
 */
export function prepareClient<
  I extends object,
  O extends MetadataBearer,
  C extends {
    readonly middlewareStack: { remove(name: string): boolean; use(pluggable: Pluggable<I, O>): void };
  },
>(client: C, connection: AwsConnection): C {
  renewExpiredSessions(withoutSdkLogger(client), connection.credentials);
  return client;
}

export function createClients(connection: AwsConnection, given: Partial<AwsClients> = {}): AwsClients {
  const config = clientConfig(connection);
  return {
    iam: given.iam ?? prepareClient(new IAMClient(config), connection),
    sts: given.sts ?? prepareClient(new STSClient(config), connection),
    ssm: given.ssm ?? prepareClient(new SSMClient(config), connection),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
