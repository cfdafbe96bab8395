/**
 * World files: reads a world from YAML or JSON and validates it in full (world-validate.ts) before
 * anything is built, reporting every problem as one line naming the file, the field and the bad
 * value. The format is in world-types.ts and at the top of worlds/demo.yaml; world-apply.ts builds a
 * world into emulator state.
 */
import { readFile } from 'node:fs/promises';
import { readYaml } from './document.js';
import type { World } from './world-types.js';
import { validateWorld } from './world-validate.js';

/** A world file that cannot be read or is not valid; `errors` holds one line per problem. */
export class WorldError extends Error {
  override readonly name = 'WorldError';
  constructor(
    readonly errors: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(errors.join('\n'), options);
  }
}

function parseJsonObject(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parses a world from YAML (JSON is valid YAML). `source` names the file in every error line. */
export function parseWorld(text: string, source: string): { value: World | null; errors: string[] } {
  // Fast path for large generated worlds; invalid JSON falls through to YAML for a located error.
  const json = text.trimStart().startsWith('{') ? parseJsonObject(text) : undefined;
  if (json !== undefined) return validateWorld(json, source);
  const { value, errors } = readYaml(text, source);
  if (errors.length > 0) return { value: null, errors: [...errors] };
  return validateWorld(value, source);
}

const READ_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file; check the path (the demo world is worlds/demo.yaml)',
  EISDIR: 'it is a directory; give the path of a .yaml or .json file',
  EACCES: 'permission denied',
};

/**
 * Reads and validates a world file; throws a `WorldError` listing every problem. `source` names the
 * file in them (default: `path`), e.g. as the user typed it when `path` was resolved for them.
 */
export async function loadWorldFile(path: string, source = path): Promise<World> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const detail = READ_PROBLEMS[code] ?? (error instanceof Error ? error.message : String(error));
    throw new WorldError([`cannot read world file ${source}: ${code} (${detail})`], { cause: error });
  }
  const { value, errors } = parseWorld(text, source);
  if (value === null) throw new WorldError(errors);
  return value;
}
