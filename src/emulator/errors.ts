/** An error answered to the client in the service's own wire shape (Query XML or JSON 1.1). */
export class AwsServiceError extends Error {
  override readonly name = 'AwsServiceError';
  constructor(
    /** AWS error code, e.g. `NoSuchEntity`, `LimitExceeded`, `ParameterNotFound`. */
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    /** Query protocol `<Type>`: Sender for client faults, Receiver for service faults. */
    readonly type: 'Sender' | 'Receiver' = statusCode >= 500 ? 'Receiver' : 'Sender',
    /** Extra members of a JSON error body, e.g. Organizations' `Reason`. */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const validationError = (message: string) => new AwsServiceError('ValidationError', message, 400);
