/** What the Query and JSON protocols share: pagination tokens and AWS's validation messages. */
import { AwsServiceError } from '../errors.js';

/** An opaque pagination token (IAM `Marker`, `NextToken`) holding a position in an ordered list. */
export function encodePosition(position: number): string {
  return Buffer.from(`kw1:${position}`).toString('base64');
}

/** The position in a token made by {@link encodePosition}, or null for anything else. */
export function decodePosition(token: string): number | null {
  const m = /^kw1:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** AWS names members in lower camel case in its validation messages. */
export function memberName(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** AWS's "Member must not be null" error, with the protocol's code (`ValidationError` or `ValidationException`). */
export function nullMemberError(code: string, name: string): AwsServiceError {
  return new AwsServiceError(
    code,
    `1 validation error detected: Value null at '${memberName(name)}' failed to satisfy constraint: Member must not be null`,
  );
}
