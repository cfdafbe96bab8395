/**
 * Writing a file a flag names (`--output`, `init --config`): the problems a user can fix (a
 * directory given, a directory missing, a file in the way) become one line naming the flag and the
 * path, before any AWS call where possible.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { CliError } from './errors.js';

/** What an fs error code means for the file `path` (as the user typed it). */
function why(code: string | undefined, path: string, cwd: string): string {
  const parent = dirname(path);
  switch (code) {
    case 'EISDIR':
      return `it is a directory; name a file in it (e.g. ${path.replace(/\/+$/, '')}/<name>)`;
    case 'ENOENT':
      return `directory ${parent} does not exist (create it first)`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${fileInTheWay(resolve(cwd, path), cwd) ?? 'a part of its directory'} is a file, not a directory`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? 'unknown error';
  }
}

/** The first ancestor of `full` that exists and is not a directory, relative to `cwd`. */
function fileInTheWay(full: string, cwd: string): string | null {
  for (let dir = dirname(full); dir !== dirname(dir); dir = dirname(dir)) {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    if (stat.isDirectory()) return null;
    return relative(cwd, dir) || dir;
  }
  return null;
}

function fsCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

export function outputError(flag: string, path: string, cwd: string, error: unknown): CliError {
  return new CliError(`${flag}: cannot write ${path}: ${why(fsCode(error), path, cwd)}`, 2, { cause: error });
}

/**
 * Throws the one-line error `writeOutputFile` would throw for the common mistakes (a directory, a
 * missing directory, a file in the way), without writing: call it before any AWS call.
 */
export function checkOutputFile(flag: string, cwd: string, path: string): void {
  const full = resolve(cwd, path);
  let code: string | undefined;
  try {
    if (statSync(full, { throwIfNoEntry: false })?.isDirectory()) code = 'EISDIR';
    else if (!statSync(dirname(full)).isDirectory()) code = 'ENOTDIR';
  } catch (error) {
    code = fsCode(error);
  }
  if (code !== undefined) throw outputError(flag, path, cwd, { code });
}

/** Writes `text` to `path` (relative to `cwd`), creating its directory if asked; fs errors become a CliError. */
export function writeOutputFile(
  flag: string,
  cwd: string,
  path: string,
  text: string,
  options: { readonly createDirectory?: boolean } = {},
): void {
  const full = resolve(cwd, path);
  try {
    if (options.createDirectory) mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  } catch (error) {
    throw outputError(flag, path, cwd, error);
  }
}
