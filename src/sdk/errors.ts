/**
 * The one way Keywarden calls AWS, and the one place that names AWS errors. Every call goes through
 * {@link callAws} with the IAM permission it needs, so a failure reads `iam:ListAccessKeys for alice
 * failed: Throttling: Rate exceeded` and carries the AWS error code for the few callers that react
 * to one (a missing login profile is an answer, not a failure). {@link errorLine} is the one
 * function that turns any error into the user's one line.
 */

import type { Permission } from '../core/permission.js';
import { type AwsConnection, DEFAULT_TIMEOUTS, TIMEOUT_SETTINGS } from './connection.js';

/** AWS error codes Keywarden reacts to, by their AWS names. */
export const AwsErrorCode = {
  NoSuchEntity: 'NoSuchEntityException',
  ParameterNotFound: 'ParameterNotFound',
  ResourceExists: 'ResourceExistsException',
  ResourceNotFound: 'ResourceNotFoundException',
  LimitExceeded: 'LimitExceededException',
  /** The Query protocol's spelling of LimitExceededException in some SDK versions. */
  LimitExceededShort: 'LimitExceeded',
  ReportNotPresent: 'CredentialReportNotPresentException',
  ReportExpired: 'CredentialReportExpiredException',
  ReportNotReady: 'CredentialReportNotReadyException',
  CredentialsProvider: 'CredentialsProviderError',
  /** The Query-protocol services (IAM, STS, SNS...): the request's session credentials have expired. */
  ExpiredToken: 'ExpiredToken',
  /** The JSON-protocol services' (and STS's modeled) spelling of ExpiredToken. */
  ExpiredTokenException: 'ExpiredTokenException',
  /** DynamoDB: a conditional write whose condition did not hold. */
  ConditionalCheckFailed: 'ConditionalCheckFailedException',
  /** DynamoDB: a transaction none of whose writes happened (`CancellationReasons` says why). */
  TransactionCanceled: 'TransactionCanceledException',
  /** DynamoDB: CreateTable of a table that exists. */
  ResourceInUse: 'ResourceInUseException',
  /** DynamoDB: point-in-time recovery cannot be turned on yet (a table just created). */
  ContinuousBackupsUnavailable: 'ContinuousBackupsUnavailableException',
  /** S3: GetObject of a key that does not exist (AccessDenied instead without s3:ListBucket). */
  NoSuchKey: 'NoSuchKey',
} as const;
export type AwsErrorCode = (typeof AwsErrorCode)[keyof typeof AwsErrorCode];

/**
 * How a failed call ended. `refused`: AWS answered with a 4xx, or the request never left (no
 * connection, no credentials): nothing was changed. `unknown`: the answer did not come (a timeout,
 * a reset connection, a 5xx): AWS may have acted, and only live state can tell.
 */
export type FailureOutcome = 'refused' | 'unknown';

/** An AWS call that failed after the SDK's retries, wrapped once with what we were doing. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    message: string,
    /** The AWS error code (`AccessDenied`, `Throttling`...) or the network error code. */
    readonly code: string,
    options?: { cause?: unknown },
    /** Whether AWS may have acted on the call before it failed. */
    readonly outcome: FailureOutcome = 'unknown',
  ) {
    super(message, options);
  }
}

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Network errors raised before a request was sent: the service never saw it. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether AWS may have acted on a call that failed with `error`: only a 4xx answer, or a request
 * that never left this machine, proves it did not.
 */
export function failureOutcome(error: unknown): FailureOutcome {
  if (error instanceof AwsCallError) return error.outcome;
  if (error instanceof OutcomeUnknownError) return 'unknown';
  const e = (error ?? {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500) return 'refused';
  if (e.code !== undefined && NOT_SENT_CODES.has(e.code)) return 'refused';
  if (e.name === AwsErrorCode.CredentialsProvider) return 'refused';
  return 'unknown';
}

/**
 * A write that failed after AWS may have acted on it. Thrown in place of the SDK's error so that
 * the SDK's retry does not send the write again (it retries neither this name nor its status); the
 * original error is kept as `original`, not `cause`, which the SDK would inspect.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  constructor(readonly original: unknown) {
    const { code, message } = describeAwsError(original);
    super(`${code}: ${message}; the answer did not come, so AWS may have acted on it`);
  }
}

interface RetriableCommand {
  readonly middlewareStack: {
    addRelativeTo(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { relation: 'after'; toMiddleware: string; name: string },
    ): void;
  };
}

/**
 * Makes a write that AWS does not make idempotent (CreateAccessKey) never go out twice blindly: the
 * SDK still retries a refusal (a throttle, a refused connection: AWS did nothing), but a failure
 * after which AWS may have acted (a timeout, a reset connection, a 5xx) ends the call at once as an
 * {@link OutcomeUnknownError}, for the caller to settle from live state. Sits just inside the
 * SDK's retry, so it sees every attempt.
 */
export function withoutBlindRetry<C>(command: C): C {
  (command as unknown as RetriableCommand).middlewareStack.addRelativeTo(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (failureOutcome(error) === 'refused') throw error;
        throw new OutcomeUnknownError(error);
      }
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'keywardenWithoutBlindRetry' },
  );
  return command;
}

/** The code and first line of an SDK or network error (or of anything else thrown). */
function describeAwsError(error: unknown): { code: string; message: string } {
  if (error instanceof AwsCallError) return { code: error.code, message: error.message };
  if (error instanceof OutcomeUnknownError) {
    const { code } = describeAwsError(error.original);
    return { code, message: error.message.slice(code.length + 2) };
  }
  const e = (error ?? {}) as SdkErrorLike;
  if (e.name === 'TimeoutError') {
    // The SDK's own words carry its package name and log level.
    const text = (e.message ?? '').replace(/^@smithy\/[\w-]+ - \[\w+\] /, '').replace(/\.$/, '');
    return { code: 'TimeoutError', message: text.split('\n')[0] ?? '' };
  }
  const code = e.code && /^E[A-Z]+$/.test(e.code) ? e.code : (e.name ?? 'Error');
  const text = (e.message ?? String(error)).split('\n')[0] ?? '';
  return { code, message: text };
}

/** The AWS (or network) error code of what a call threw, wrapped or not. */
export function awsErrorCode(error: unknown): string | undefined {
  if (error instanceof AwsCallError) return error.code;
  if (error instanceof OutcomeUnknownError) return awsErrorCode(error.original);
  const e = error as SdkErrorLike | undefined;
  return e?.code !== undefined && /^E[A-Z]+$/.test(e.code) ? e.code : e?.name;
}

/** True when `error` is one of these AWS errors. */
export function isAwsError(error: unknown, ...codes: readonly AwsErrorCode[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && (codes as readonly string[]).includes(code);
}

/** True for the SDK's "nothing answered" network errors. */
export function isNetworkError(error: unknown): boolean {
  const cause = error instanceof AwsCallError ? error.cause : error;
  const code = (cause as SdkErrorLike | undefined)?.code ?? '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code);
}

export interface CallOptions {
  /** Masks anything in the error text that must never be shown (a secret in the request). */
  readonly redact?: (text: string) => string;
}

/**
 * Runs one AWS call and wraps what it throws once: `<permission> <detail> failed: <code>: <message>`.
 * The error is a new one (never the SDK's, whose request may hold a secret).
 */
export async function callAws<T>(
  permission: Permission,
  detail: string | null,
  fn: () => Promise<T>,
  options: CallOptions = {},
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AwsCallError) throw error;
    const { code, message } = describeAwsError(error);
    const what = detail === null ? permission : `${permission} ${detail}`;
    const text = `${what} failed: ${code}: ${message}`;
    throw new AwsCallError(
      options.redact ? options.redact(text) : text,
      code,
      { cause: options.redact ? undefined : error },
      failureOutcome(error),
    );
  }
}

/**
 * An error the AWS SDK threw (a service's answer, missing credentials, a timeout, a network
 * failure), or one {@link callAws} made of it: AWS failed, not Keywarden.
 */
export function isAwsFailure(error: unknown): boolean {
  if (error instanceof AwsCallError || error instanceof OutcomeUnknownError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name } = error as SdkErrorLike;
  return (
    '$metadata' in error ||
    name === AwsErrorCode.CredentialsProvider ||
    name === 'TimeoutError' ||
    isNetworkError(error)
  );
}

/**
 * The user's one line for anything thrown; Keywarden has no other formatter of errors. Keywarden's
 * own errors (what {@link callAws} wrapped included) read as their message; what the SDK threw
 * unwrapped reads as `code: message`. Given the `connection` the calls went out on (an entry point
 * knows it), a failure to reach AWS at all also says what to change: the credentials to set, the
 * endpoint that is unreachable or silent, and the timeouts with their flags.
 */
export function errorLine(error: unknown, connection?: AwsConnection): string {
  const { code, message } = describeAwsError(error);
  if (connection !== undefined && isAwsFailure(error)) {
    const unreached = unreachedLine(error, code, message, connection);
    if (unreached !== null) return unreached;
  }
  if (error instanceof AwsCallError || error instanceof OutcomeUnknownError) return firstLine(error.message);
  if (isAwsFailure(error)) return `${code}: ${message}`;
  if (error instanceof Error) return firstLine(error.message);
  return firstLine(String(error));
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** Why AWS could not be reached with `connection`, and what to change; null for any other failure. */
function unreachedLine(
  error: unknown,
  code: string,
  message: string,
  connection: AwsConnection,
): string | null {
  if (code === AwsErrorCode.CredentialsProvider || /Could not load credentials/i.test(message)) {
    // A profile that exists (the CLI checked) but yields no credentials: the SDK's own reason,
    // unless it is the generic one.
    const why = connection.profile
      ? /Could not resolve credentials using profile/i.test(message)
        ? 'it has no keys, role_arn, sso_session or credential_process the SDK can use'
        : message
      : 'set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile';
    return `no AWS credentials found${connection.profile ? ` for profile ${connection.profile}` : ''}: ${why}`;
  }
  const where = connection.endpoint ?? 'the AWS endpoint';
  if (code === 'TimeoutError') {
    const { connectMs, requestMs } = connection.timeouts ?? DEFAULT_TIMEOUTS;
    return (
      `${where} did not answer in time (${message}; connect ${connectMs / 1000}s, request ${requestMs / 1000}s: ` +
      `change them with ${TIMEOUT_SETTINGS.connectMs.flag} / ${TIMEOUT_SETTINGS.requestMs.flag})`
    );
  }
  if (isNetworkError(error)) return `cannot reach ${where}: ${code} (is the endpoint right and running?)`;
  return null;
}

// Reacting to an AWS answer, once, in the adapter that makes the call: callers get a value or a
// typed error of that adapter, never the SDK's error.

/** AWS's "no such thing" answers, which a look-up turns into null with {@link orNullWhenMissing}. */
export type MissingCode =
  | typeof AwsErrorCode.NoSuchEntity
  | typeof AwsErrorCode.NoSuchKey
  | typeof AwsErrorCode.ParameterNotFound
  | typeof AwsErrorCode.ResourceNotFound;

/**
 * Runs one look-up and answers null when AWS says there is no such thing (`code`, the one answer
 * that look-up gives for it), so "not there" is a value where the call is made. Anything else it
 * throws goes on as thrown.
 */
export async function orNullWhenMissing<T>(code: MissingCode, lookUp: () => Promise<T>): Promise<T | null> {
  try {
    return await lookUp();
  } catch (error) {
    if (isAwsError(error, code)) return null;
    throw error;
  }
}

/**
 * The answers AWS gives a request signed with a session that has expired: aws-sdk-go's
 * `credsExpiredCodes`, less EC2's `RequestExpired` (Keywarden calls no EC2).
 */
const EXPIRED_SESSION_CODES: readonly AwsErrorCode[] = [
  AwsErrorCode.ExpiredToken,
  AwsErrorCode.ExpiredTokenException,
];

/** True when AWS refused `error`'s request because its session credentials have expired. */
export function isExpiredSession(error: unknown): boolean {
  return isAwsError(error, ...EXPIRED_SESSION_CODES);
}
