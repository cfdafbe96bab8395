/**
 * YAML as Keywarden reads it (policy files, world files): every problem is a line naming the file,
 * never an exception. The yaml library throws while turning a well-formed document into values when
 * an alias has no anchor before it, or when aliases expand past `maxAliasCount` (an alias "bomb": a
 * few lines of nested aliases that would expand to billions of values); an alias inside the value
 * it names makes a structure that contains itself. All three are problems of the file.
 */
import { isAlias, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { firstLine } from './policy-errors.js';

/**
 * yaml's `maxAliasCount` (its default, made explicit): how far aliases may expand. A policy or a
 * world repeats a value with an alias a few times; an alias bomb needs far more.
 */
const MAX_ALIAS_COUNT = 100;

export interface YamlRead {
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
