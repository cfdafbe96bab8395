/** Test support: `keywarden apply` as a real process (the built binary) against an in-process emulator. */
import { join } from 'node:path';
import type { Emulator } from '../../src/emulator/server.js';
import { BIN, type CliResult, runProcess } from './cli.js';

/** Runs `keywarden apply --yes --format json` with the emulator's time as --now and a journal in `dir`. */
export function applyProcess(
  emu: Emulator,
  dir: string,
  extra: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return runProcess(
    process.execPath,
    [
      BIN,
      'apply',
      '--yes',
      '--format',
      'json',
      '--endpoint-url',
      emu.url,
      '--now',
      emu.clock.now().toISOString(),
      '--journal',
      join(dir, 'journal.jsonl'),
      ...extra,
    ],
    { cwd: dir, env: { AWS_ACCESS_KEY_ID: 'AKIDREMEDIATOR', AWS_SECRET_ACCESS_KEY: 'x', ...env } },
  );
}
