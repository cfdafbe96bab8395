import { extname } from 'node:path';

/**
 * The format an `--output` file's extension names (case-insensitive), or undefined when there is
 * no `--output` or its extension names none of `byExtension`; the caller then keeps its default.
 */
export function formatFromOutput<T extends string>(
  output: string | undefined,
  byExtension: Readonly<Record<string, T>>,
): T | undefined {
  if (output === undefined) return undefined;
  return byExtension[extname(output).toLowerCase()];
}
