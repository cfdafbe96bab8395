/**
 * Turns zod issues into one-line messages that name the field path, show the bad value and say
 * what is expected, e.g. `keywarden.yaml: rules.KEY_ROTATION.maxKeyAgeDays: must be an integer
 * from 1 to 10000 (got 0)`.
 */
import * as z from 'zod';

/** Per-parse zod error map for issues whose schema sets no message of its own. */
export function genericMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return expectedType(String(issue.expected));
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${formatValue(issue.values[0])}`
        : `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys': {
      const inst = issue.inst;
      const allowed = inst instanceof z.ZodObject ? Object.keys(inst.shape) : [];
      return `unknown key; expected one of: ${allowed.join(', ')}`;
    }
    default:
      return 'is not valid';
  }
}

function expectedType(expected: string): string {
  switch (expected) {
    case 'boolean':
      return 'must be true or false';
    case 'object':
      return 'must be a mapping (key: value)';
    case 'array':
      return 'must be a list';
    case 'string':
      return 'must be a string';
    case 'number':
      return 'must be a number';
    default:
      return `must be ${expected}`;
  }
}

/** One line per issue; an unknown-keys issue becomes one line per key. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  sourceName: string,
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        lines.push(`${sourceName}: ${formatPath([...issue.path, key])}: ${issue.message}`);
      }
      continue;
    }
    lines.push(formatProblem(sourceName, issue.path, issue.message, valueAt(raw, issue.path)));
  }
  return [...new Set(lines)];
}

/**
 * One problem as one line: `source: field.path: message (got value)`, or `source: field.path: is
 * required; it message` when the value is missing. Schema issues and cross-field checks share it, so
 * every file Keywarden validates words its errors alike.
 */
function formatProblem(
  sourceName: string,
  path: readonly PropertyKey[],
  message: string,
  value: unknown,
): string {
  const detail =
    value === undefined ? `is required; it ${message}` : `${message} (got ${formatValue(value)})`;
  return `${sourceName}: ${formatPath(path)}: ${detail}`;
}

/** `a.b[0].c`; `(top level)` for the root. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** Renders a bad value for an error message: JSON for scalars, shortened for structures. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    // Nested deeper than JSON.stringify's stack (a JSON world file can be): the message still names it.
    return Array.isArray(value) ? '[...]' : '{...}';
  }
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** The first line of a multi-line library message. */
export function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}
