/**
 * How Keywarden reaches AWS, as data: the connection (region, endpoint, profile, credentials,
 * retries, timeouts) and where each setting comes from. Client construction is in clients.ts; the
 * error line (errors.ts) names these settings, so this module imports nothing of them.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

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
  /**
   * The account these credentials reach, when known without a call (a member account's assumed
   * role). Unset: learnt from the first sts:GetCallerIdentity answer, else reported as unknown.
   */
  readonly accountId?: string;
  /** Told of every call the clients built from this connection make (`keywarden --verbose`). */
  readonly onCall?: CallObserver;
}

/**
 * One AWS call once it has finished, retries included: what it was and how it went, never its
 * parameters or its answer (either may hold a secret: CreateAccessKey's answer does).
 */
export interface AwsCallRecord {
  /** The IAM action prefix: `iam`, `sts`, `secretsmanager`, ... */
  readonly service: string;
  /** The API operation: `ListUsers`. */
  readonly operation: string;
  /** null: not known without asking STS. */
  readonly accountId: string | null;
  readonly region: string;
  /** From the first attempt sent to the last answer, back-off included. */
  readonly durationMs: number;
  /** The SDK's `$metadata.attempts`: 1 when the first attempt answered. */
  readonly attempts: number;
  /** The SDK's `$metadata.totalRetryDelay`: time spent backing off between attempts. */
  readonly totalRetryDelayMs: number;
  /** The error code of a call that failed (`Throttling`, `NoSuchEntity`, `TimeoutError`); null if it succeeded. */
  readonly errorCode: string | null;
}

export type CallObserver = (call: AwsCallRecord) => void;

/**
 * Every call is bounded, so a service that accepts connections and never answers cannot hang a
 * run. A timed-out read is retried like any transient failure; a timed-out write that AWS does not
 * make idempotent is an unknown outcome, settled from live state (src/sdk/errors.ts).
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
