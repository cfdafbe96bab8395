/** Test support: what the AWS SDK made of an error the emulator answered. */
import { expect } from 'vitest';

export interface Rejection {
  /** The SDK's name: the exception class (Query protocols) or the `__type` (JSON protocols). */
  readonly name: string;
  /** AWS's error code on the wire, which the SDK keeps as `Code` for Query protocols (IAM, STS, SNS). */
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly message: string;
}

/** Awaits a call that must fail (the test fails if it succeeds) and returns what matters of its error. */
export async function rejection(call: Promise<unknown>): Promise<Rejection> {
  const error = await call.then(
    () => expect.fail('expected the call to fail'),
    (e: unknown) =>
      e as { name: string; message: string; Code?: string; $metadata?: { httpStatusCode?: number } },
  );
  return {
    name: error.name,
    code: error.Code,
    status: error.$metadata?.httpStatusCode,
    message: error.message,
  };
}
