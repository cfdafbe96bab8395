/** AWS JSON 1.1 protocol (SSM, Secrets Manager, Organizations): `X-Amz-Target`, `{"__type","message"}` errors. */
import { AwsServiceError } from '../errors.js';
import { decodePosition, encodePosition, memberName, nullMemberError } from './common.js';

export function jsonError(error: AwsServiceError): string {
  return JSON.stringify({ __type: error.code, message: error.message, ...error.fields });
}

/** JSON 1.1 services send timestamps as epoch seconds. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

export function parseJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsServiceError('SerializationException', 'Request body is not a JSON object');
}

/** NextToken pagination for JSON services. */
export function paginateToken<T>(
  items: readonly T[],
  input: Readonly<Record<string, unknown>>,
  defaultMax: number,
  maxAllowed: number,
): { page: T[]; NextToken: string | undefined } {
  const rawMax = input.MaxResults;
  const max = rawMax === undefined ? defaultMax : Number(rawMax);
  if (!Number.isInteger(max) || max < 1 || max > maxAllowed) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${String(rawMax)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${maxAllowed}`,
    );
  }
  let start = 0;
  if (typeof input.NextToken === 'string') {
    const position = decodePosition(input.NextToken);
    if (position === null)
      throw new AwsServiceError('InvalidNextTokenException', 'The specified token is invalid.');
    start = position;
  }
  const page = items.slice(start, start + max);
  const next = start + page.length;
  return {
    page,
    NextToken: next < items.length ? encodePosition(next) : undefined,
  };
}

/** Reads an optional string member; any other type is a ValidationException, as AWS's deserializer would answer. */
export function stringMember(input: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value at '${memberName(name)}' failed to satisfy constraint: Member must be a string`,
    );
  }
  return value;
}

/** Reads a required string member: absent or empty is AWS's "Member must not be null" ValidationException. */
export function requiredStringMember(input: Readonly<Record<string, unknown>>, name: string): string {
  const value = stringMember(input, name);
  if (value === undefined || value === '') {
    throw nullMemberError('ValidationException', name);
  }
  return value;
}
