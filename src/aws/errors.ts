/**
 * The one way Keywarden calls AWS, and the one place that names AWS errors. Every call goes through
 * {@link callAws} with the IAM permission it needs, so a failure reads `iam:ListAccessKeys for alice
 * failed: Throttling: Rate exceeded` and carries the AWS error code for the few callers that react
 * to one (a missing login profile is an answer, not a failure).
 */

/** An IAM action name, e.g. `iam:ListAccessKeys`. */
export type Permission = `${string}:${string}`;

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

/** An AWS call that failed after the SDK's retries, wrapped once with what we were doing. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    message: string,
    /** The AWS error code (`AccessDenied`, `Throttling`...) or the network error code. */
    readonly code: string,
    options?: { cause?: unknown },
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

/** Short, one-line description of an SDK or network error, e.g. `AccessDenied: User ... is not authorized`. */
export function describeAwsError(error: unknown): { code: string; message: string } {
  if (error instanceof AwsCallError) return { code: error.code, message: error.message };
  const e = (error ?? {}) as SdkErrorLike;
  const code = e.code && /^E[A-Z]+$/.test(e.code) ? e.code : (e.name ?? 'Error');
  const text = (e.message ?? String(error)).split('\n')[0] ?? '';
  return { code, message: text };
}

/** The AWS (or network) error code of what a call threw, wrapped or not. */
export function awsErrorCode(error: unknown): string | undefined {
  if (error instanceof AwsCallError) return error.code;
  return (error as SdkErrorLike | undefined)?.name;
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
    throw new AwsCallError(options.redact ? options.redact(text) : text, code, {
      cause: options.redact ? undefined : error,
    });
  }
}

/** The one-line message of what {@link callAws} threw (or of anything else thrown). */
export function failureMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return describeAwsError(error).message;
}
