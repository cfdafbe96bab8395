/**
 * Vitest global setup, run once in the main vitest process before any test file.
 *
 * 1. The process tests run the built `bin/keywarden.js`, which imports `dist/`. `npm test` builds
 *    first; plain `vitest` does not, so a missing or stale `dist/` is rebuilt here (one line says so).
 *    `dist/` is stale when any file or folder in `src/` (a folder's time changes when a file in it is
 *    added or removed), or a tsconfig, is newer than the oldest output of a source file.
 * 2. One temporary folder for the whole run, under which every test file and every process a test
 *    starts gets its own empty HOME (see `hermetic-env.ts` and `env.ts`); removed at the end.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's temporary folder: test HOMEs are made below it. */
    testRoot: string;
    /** The caller's npm cache and user config, for the one test that runs npm under a test HOME. */
    npmCache: string;
    npmUserConfig: string;
  }
}

const SRC = join(REPO_ROOT, 'src');
const DIST = join(REPO_ROOT, 'dist');
const BUILD_CONFIGS = ['tsconfig.json', 'tsconfig.build.json'].map((f) => join(REPO_ROOT, f));

/** Every file and folder below `dir`, the folder included. */
function walk(dir: string): string[] {
  return [
    dir,
    ...readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : [path];
    }),
  ];
}

const mtimeMs = (path: string): number | null => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
};

/** Why `dist/` must be rebuilt, or null when it is newer than every input of the build. */
export function staleReason(): string | null {
  if (mtimeMs(DIST) === null) return 'dist/ is missing';
  const inputs = [...walk(SRC), ...BUILD_CONFIGS];
  const outputs = inputs
    .filter((path) => path.startsWith(SRC) && path.endsWith('.ts') && !path.endsWith('.d.ts'))
    .map((path) => join(DIST, relative(SRC, path)).replace(/\.ts$/, '.js'));
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const output of outputs) {
    const time = mtimeMs(output);
    if (time === null) return `${relative(REPO_ROOT, output)} is missing`;
    oldestOutput = Math.min(oldestOutput, time);
  }
  const newer = inputs.find((input) => (mtimeMs(input) ?? 0) > oldestOutput);
  return newer === undefined ? null : `${relative(REPO_ROOT, newer) || '.'} is newer than dist/`;
}

async function buildIfStale(): Promise<void> {
  const reason = staleReason();
  if (reason === null) return;
  console.log(`vitest global setup: ${reason}; running npm run build`);
  try {
    await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed, so the process tests cannot run:\n${stdout}${stderr}`, {
      cause: error,
    });
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  await buildIfStale();
  const root = mkdtempSync(join(tmpdir(), 'keywarden-test-'));
  project.provide('testRoot', root);
  project.provide('npmCache', process.env.npm_config_cache ?? join(homedir(), '.npm'));
  project.provide('npmUserConfig', process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'));
  return () => rmSync(root, { recursive: true, force: true });
}
