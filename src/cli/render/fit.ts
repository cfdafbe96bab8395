/**
 * Fitting terminal rows to a width: cells (a severity, a key id, "last used 100d ago") stay whole
 * and move to a continuation line when they do not fit; free text (a reason) breaks between words.
 */

/** The width when stdout is not a terminal (a pipe, a file): wide enough for a row and its reason. */
export const DEFAULT_COLUMNS = 100;

/** A continuation line under the free text's own column needs at least this much room. */
const MIN_HANGING_TEXT = 30;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI color codes are what is matched
const ANSI = /\u001b\[[0-9;]*m/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const HAS_ANSI = /\u001b\[/;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Columns `text` takes on a terminal: color codes take none. */
function visibleWidth(text: string): number {
  return stripAnsi(text).length;
}

/** Line breaks and tabs inside a value (an exemption reason, an AWS message) as single spaces. */
function oneLine(text: string): string {
  return text.replace(/[ \t]*[\r\n\t]+[ \t]*/g, ' ');
}

export interface FitOptions {
  /** How continuation lines start; default under the text's own column when that leaves room, else two columns in from the indent. */
  readonly hang?: string;
  /** Between cells; default two spaces. */
  readonly separator?: string;
}

/**
 * One row in at most `width` columns: `indent`, then `cells`, then `text` broken between words.
 * Only a word wider than a line is cut.
 */
export function fitRow(
  indent: string,
  cells: readonly string[],
  text: string | null,
  width: number,
  options: FitOptions = {},
): string[] {
  const separator = options.separator ?? '  ';
  const tokens: { readonly text: string; readonly sep: string }[] = cells.map((cell) => ({
    text: oneLine(cell),
    sep: separator,
  }));
  const words = text === null ? [] : oneLine(text).split(' ').filter(Boolean);
  words.forEach((word, i) => {
    tokens.push({ text: word, sep: i === 0 ? separator : ' ' });
  });
  const textColumn = tokens
    .slice(0, cells.length)
    .reduce((column, t) => column + visibleWidth(t.text) + t.sep.length, visibleWidth(indent));
  const continuation =
    options.hang ?? (width - textColumn >= MIN_HANGING_TEXT ? ' '.repeat(textColumn) : `${indent}  `);
  const limit = Math.max(width, visibleWidth(continuation) + 10);

  const lines: string[] = [];
  let line = indent;
  let empty = true;
  for (const token of tokens) {
    const tokenWidth = visibleWidth(token.text.trimEnd());
    if (!empty && visibleWidth(line) + token.sep.length + tokenWidth > limit) {
      lines.push(line.trimEnd());
      line = continuation;
      empty = true;
    }
    if (!empty) {
      line += token.sep + token.text;
      continue;
    }
    let rest = token.text;
    // A word too wide for the hanging column gets a line nearer the margin before it is cut.
    const nearer = `${indent}  `;
    if (line === continuation && visibleWidth(line) + tokenWidth > limit && nearer.length < line.length) {
      line = nearer;
    }
    // A word wider than a whole line: cut it (plain text only; colored text is left whole).
    while (visibleWidth(line) + rest.trimEnd().length > limit && !HAS_ANSI.test(rest)) {
      const room = limit - visibleWidth(line);
      lines.push(line + rest.slice(0, room));
      rest = rest.slice(room);
      line = continuation;
    }
    line += rest;
    empty = false;
  }
  lines.push(line.trimEnd());
  return lines;
}
