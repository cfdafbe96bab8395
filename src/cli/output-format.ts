import { basename } from 'node:path';

/**
 * The format an `--output` file's extension names (case-insensitive; the longest key of
 * `byExtension` that ends the file name, so a double extension such as `.ocsf.json` wins over
 * `.json`), or undefined when there is no `--output` or no key matches; the caller then keeps its
 * default.
 */
export function formatFromOutput<T extends string>(
  output: string | undefined,
  byExtension: Readonly<Record<string, T>>,
): T | undefined {
  if (output === undefined) return undefined;
  const name = basename(output).toLowerCase();
  const match = Object.keys(byExtension)
    .filter((ext) => name.endsWith(ext) && name.length > ext.length)
    .sort((a, b) => b.length - a.length)[0];
  return match === undefined ? undefined : byExtension[match];
}
