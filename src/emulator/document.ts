/**
 * How the emulator reads a world document and words its problems: YAML with located errors (no
 * alias bombs, no dangling aliases) and zod issues as one line each, `source: field.path: what is
 * wrong (got value)`. The same wording as Keywarden's policy files (src/core/policy-errors.ts and
 * src/core/yaml-document.ts), kept as the emulator's own copy so that src/emulator stands alone: it
 * imports nothing from the rest of Keywarden (.dependency-cruiser.cjs).
 */
import { isAlias, LineCounter, type Node, parseDocument, visit } from 'yaml';
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
export function formatProblem(
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
export function formatPath(path: readonly PropertyKey[]): string {
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
function formatValue(value: unknown): string {
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
function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

/**
 * yaml's `maxAliasCount` (its default, made explicit): how far aliases may expand. A policy or a
 * world repeats a value with an alias a few times; an alias bomb needs far more.
 */
const MAX_ALIAS_COUNT = 100;

interface YamlRead {
  /** The document's value; undefined when `errors` is not empty. */
  readonly value: unknown;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/** Parses one YAML document (JSON is YAML too); `source` names the file in every line. */
export function readYaml(text: string, source: string): YamlRead {
  const lineCounter = new LineCounter();
  // logLevel error: the library writes nothing to stderr itself; what matters is in errors and warnings.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return source;
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  const warnings = doc.warnings.map((w) => `${at(w.pos[0])}: ${firstLine(w.message)}`);
  const fail = (errors: readonly string[]): YamlRead => ({ value: undefined, errors, warnings });
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) => `${at(e.pos[0])}: YAML syntax error: ${firstLine(e.message)}`));
  }
  const aliases = aliasProblems(doc, at);
  if (aliases.length > 0) return fail(aliases);
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), errors: [], warnings };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ReferenceError && /alias count/i.test(message)) {
      return fail([
        `${source}: YAML aliases expand too far (over ${MAX_ALIAS_COUNT} aliased values, as in an alias bomb); write the values out or use fewer aliases`,
      ]);
    }
    return fail([`${source}: YAML cannot be loaded: ${firstLine(message)}`]);
  }
}

/**
 * Aliases that name no anchor before them, or sit inside the value they name; found before the
 * document is turned into values, so each is located. An alias names the last anchor of its name
 * before it, in document order, as the yaml library resolves it.
 */
function aliasProblems(
  doc: ReturnType<typeof parseDocument>,
  at: (offset: number | undefined) => string,
): string[] {
  const anchors = new Map<string, Node>();
  const problems: string[] = [];
  visit(doc, {
    Node(_key, node, path) {
      if (!isAlias(node)) {
        if (node.anchor) anchors.set(node.anchor, node);
        return;
      }
      const where = at(node.range?.[0]);
      const target = anchors.get(node.source);
      if (target === undefined) {
        problems.push(
          `${where}: YAML alias *${node.source} has no anchor &${node.source} before it; define the anchor first or write the value out`,
        );
      } else if (path.includes(target)) {
        problems.push(
          `${where}: YAML alias *${node.source} is inside the value &${node.source} it names, which would contain itself; write the value out`,
        );
      }
    },
  });
  return problems;
}
