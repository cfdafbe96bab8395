/**
 * AWS Query protocol (IAM, STS, SNS): form-encoded POST in, XML out, errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 */
import { AwsServiceError } from '../errors.js';
import type { QueryParams, XmlObject, XmlValue } from '../services/types.js';
import { decodePosition, encodePosition, memberName, nullMemberError } from './common.js';

export function parseQueryBody(body: string, search: URLSearchParams): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of search) params[k] = v;
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return params;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === "'" ? '&apos;' : '&quot;',
  );
}

/** RFC 3339 without milliseconds, as AWS writes IAM timestamps. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function serialize(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined || value === null) return;
  if (value instanceof Map) {
    out.push(`<${name}>`);
    for (const [k, v] of value as ReadonlyMap<string, XmlValue>) {
      out.push(`<entry><key>${escapeXml(k)}</key>`);
      serialize('value', v, out);
      out.push('</entry>');
    }
    out.push(`</${name}>`);
    return;
  }
  if (Array.isArray(value)) {
    out.push(`<${name}>`);
    for (const item of value) serialize('member', item, out);
    out.push(`</${name}>`);
    return;
  }
  if (value instanceof Date) {
    out.push(`<${name}>${isoSeconds(value)}</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value as XmlObject)) serialize(k, v, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

export function queryResponse(
  action: string,
  xmlns: string,
  result: XmlObject | undefined,
  requestId: string,
) {
  const out: string[] = [`<${action}Response xmlns="${xmlns}">`];
  if (result !== undefined) serialize(`${action}Result`, result, out);
  out.push(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
  return out.join('');
}

export function queryError(error: AwsServiceError, xmlns: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** Reads `Name.member.N` (or `Name.N` with `memberName` = '') into an ordered list. */
export function listParam(params: QueryParams, name: string, memberName = 'member'): string[] {
  const prefix = memberName ? `${name}.${memberName}.` : `${name}.`;
  const items: [number, string][] = [];
  for (const [k, v] of Object.entries(params)) {
    if (!k.startsWith(prefix)) continue;
    const index = Number(k.slice(prefix.length));
    if (Number.isInteger(index)) items.push([index, v]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

/** Reads `Name.member.N.Field` (or `Name.entry.N.Field`) into an ordered list of records. */
export function structListParam(
  params: QueryParams,
  name: string,
  memberName = 'member',
): Record<string, string>[] {
  const prefix = `${name}.${memberName}.`;
  const byIndex = new Map<number, Record<string, string>>();
  for (const [k, v] of Object.entries(params)) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const index = Number(rest.slice(0, dot));
    if (!Number.isInteger(index)) continue;
    const entry = byIndex.get(index) ?? {};
    entry[rest.slice(dot + 1)] = v;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

export function requiredParam(params: QueryParams, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw nullMemberError('ValidationError', name);
  }
  return value;
}

/**
 * IAM-style pagination over an already ordered list: `Marker` is an opaque position, `MaxItems` 1..1000
 * (default 100). Returns the page plus `IsTruncated`/`Marker` to put in the result.
 */
export function paginateMarker<T>(
  items: readonly T[],
  params: QueryParams,
  defaultMaxItems = 100,
): { page: T[]; IsTruncated: boolean; Marker: string | undefined } {
  const maxItems = intParam(params, 'MaxItems', defaultMaxItems, 1, 1000);
  let start = 0;
  const marker = params.Marker;
  if (marker !== undefined) {
    const decoded = decodePosition(marker);
    if (decoded === null || decoded > items.length) {
      throw new AwsServiceError('ValidationError', `Invalid Marker: ${marker}`);
    }
    start = decoded;
  }
  const page = items.slice(start, start + maxItems);
  const next = start + page.length;
  const truncated = next < items.length;
  return { page, IsTruncated: truncated, Marker: truncated ? encodePosition(next) : undefined };
}

export function intParam(params: QueryParams, name: string, dflt: number, min: number, max: number): number {
  const raw = params[name];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new AwsServiceError(
      'ValidationError',
      `1 validation error detected: Value '${raw}' at '${memberName(name)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return n;
}
