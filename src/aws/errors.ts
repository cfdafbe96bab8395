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
  const e = (error ?? {}) as SdkErrorLike;
  const code = e.code && /^E[A-Z]+$/.test(e.code) ? e.code : (e.name ?? 'Error');
  const text = (e.message ?? String(error)).split('\n')[0] ?? '';
  return { code, message: text };
}

export function wrapAwsError(action: string, error: unknown): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const { code, message } = describeAwsError(error);
  return new AwsCallError(`${action} failed: ${code}: ${message}`, code, { cause: error });
}

/** True for the SDK's "nothing answered" network errors. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as SdkErrorLike | undefined)?.code ?? '';
  return ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(code);
}

export function errorName(error: unknown): string | undefined {
  return (error as SdkErrorLike | undefined)?.name;
}

/** Runs one AWS call and wraps what it throws once, with what was being done (`iam:ListAccessKeys for alice`). */
export async function callAws<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw wrapAwsError(action, error);
  }
}
