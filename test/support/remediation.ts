/** Test support: `keywarden apply` as a real process (the built binary) against an in-process emulator. */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Emulator } from '../../src/emulator/server.js';
import { BIN, type CliResult, REPO_ROOT, runProcess } from './cli.js';

const CRASH_CLI = fileURLToPath(new URL('./crash-cli.ts', import.meta.url));
/** tsx's loader by absolute URL: the process runs in a temporary directory. */
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface ApplyProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the process (SIGKILL) right after this action's outcome is journaled: a type or an id suffix. */
  readonly crashAfter?: string;
}

/** Runs `keywarden apply --yes --format json` (on the emulator's clock) with a journal in `dir`. */
export function applyProcess(
  emu: Emulator,
  dir: string,
  extra: readonly string[],
  options: ApplyProcessOptions = {},
): Promise<CliResult> {
  const args = [
    'apply',
    '--yes',
    '--format',
    'json',
    '--endpoint-url',
    emu.url,
    '--journal',
    join(dir, 'journal.jsonl'),
    ...extra,
  ];
  const entry = options.crashAfter === undefined ? [BIN] : ['--import', TSX, CRASH_CLI];
  return runProcess(process.execPath, [...entry, ...args], {
    cwd: dir,
    env: {
      AWS_ACCESS_KEY_ID: 'AKIDREMEDIATOR',
      AWS_SECRET_ACCESS_KEY: 'x',
      ...options.env,
      ...(options.crashAfter === undefined ? {} : { KEYWARDEN_TEST_CRASH_AFTER: options.crashAfter }),
    },
  });
}
