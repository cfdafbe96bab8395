/**
 * `--format` and `--output` together: the format a command writes, and the mistakes refused before
 * any AWS call. `--output` is always a file path; a bare format name there (`--output json`) is
 * almost surely a `--format` typed wrong, and an extension Keywarden does not know would otherwise
 * be written in a format the user did not pick.
 */
import { basename, extname } from 'node:path';
import { CliError, parseChoice } from './errors.js';
import { checkOutputFile } from './output-file.js';

/** Every format name any command writes: `--output` refuses each as a bare file name. */
const FORMAT_NAMES: ReadonlySet<string> = new Set([
  'table',
  'json',
  'jsonl',
  'csv',
  'html',
  'htm',
  'sarif',
  'asff',
  'ocsf',
  'text',
  'txt',
]);

/** `--format` and `--output` as given. */
interface FormatFlags {
  readonly format?: string;
  readonly output?: string;
}

/**
 * The format to write, or a one-line CliError, before any AWS call:
 * - an `--output` path that cannot be written is said first (src/cli/output-file.ts);
 * - `--output NAME`, where NAME is a format's name with no extension and no directory, asks whether
 *   `--format NAME` was meant (`--format json --output ./json` writes a file called json);
 * - with `--format`, any `--output` file is fine (`--format asff --output asff.json`);
 * - without it, the extension chooses, and one the command does not know is refused, naming those
 *   it knows;
 * - with neither, `table` on a terminal and `json` otherwise (pipelines get JSON).
 */
export function chooseFormat<T extends string>(
  { format, output }: FormatFlags,
  where: { readonly cwd: string; readonly interactive: boolean },
  formats: readonly T[],
  byExtension: Readonly<Record<string, T>>,
): T {
  if (output !== undefined) checkOutputFile('--output', where.cwd, output);
  if (output !== undefined && FORMAT_NAMES.has(output.toLowerCase())) {
    throw new CliError(
      `--output: takes a file path, and ${JSON.stringify(output)} is a format's name: did you mean --format ${output.toLowerCase()}?`,
    );
  }
  if (format !== undefined) return parseChoice('--format', format, formats);
  if (output === undefined) {
    const fallback = formats.find((f) => f === (where.interactive ? 'table' : 'json'));
    if (fallback === undefined) throw new Error(`chooseFormat: no table or json among ${formats.join(', ')}`);
    return fallback;
  }
  const chosen = formatOfExtension(output, byExtension);
  if (chosen !== undefined) return chosen;
  const extension = extname(output).toLowerCase();
  const known = Object.keys(byExtension).join(', ');
  throw new CliError(
    `--output: ${extension === '' ? `${JSON.stringify(output)} has no extension` : `Keywarden does not know the extension ${JSON.stringify(extension)}`}` +
      ` (it knows ${known}); add --format ${formats.join('|')} to write ${output} anyway`,
  );
}

/**
 * The format the file name's extension names (case-insensitive): the longest key of `byExtension`
 * that ends the name, so a double extension such as `.ocsf.json` wins over `.json`.
 */
function formatOfExtension<T extends string>(
  output: string,
  byExtension: Readonly<Record<string, T>>,
): T | undefined {
  const name = basename(output).toLowerCase();
  const match = Object.keys(byExtension)
    .filter((ext) => name.endsWith(ext) && name.length > ext.length)
    .sort((a, b) => b.length - a.length)[0];
  return match === undefined ? undefined : byExtension[match];
}
