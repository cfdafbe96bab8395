/**
 * Where the Lambda handlers' entry files are, for NodejsFunction to bundle with the local esbuild.
 * In a clone they are the TypeScript sources (src/lambda/<name>.ts); an installed package ships
 * only dist/, so there they are the compiled files (dist/lambda/<name>.js). Either way the package
 * root is the bundling project root.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyHandlerName } from './handler-permissions.js';

/** The package root: two levels above this file (src/infra or dist/infra). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface HandlerEntry {
  readonly entry: string;
  readonly projectRoot: string;
  /** A lock file is only hashed and read for its package manager; package.json stands in when none ships. */
  readonly depsLockFilePath: string;
}

/** The entry file of one handler, or an error naming where it was looked for. */
export function handlerEntry(handler: AnyHandlerName, root = PACKAGE_ROOT): HandlerEntry {
  const candidates = [
    join(root, 'src', 'lambda', `${handler}.ts`),
    join(root, 'dist', 'lambda', `${handler}.js`),
  ];
  const entry = candidates.find((path) => existsSync(path));
  if (entry === undefined) {
    throw new Error(`no entry file for the ${handler} handler: looked for ${candidates.join(' and ')}`);
  }
  const lock = join(root, 'package-lock.json');
  return { entry, projectRoot: root, depsLockFilePath: existsSync(lock) ? lock : join(root, 'package.json') };
}
