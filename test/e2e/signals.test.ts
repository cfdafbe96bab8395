/**
 * Ctrl-C and SIGTERM, sent to the real process. `apply` finishes the action in flight (with its
 * outcome record), starts no other, says how to resume and exits 130 / 143; a read-only command
 * stops at once.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/core/journal/records.js';
import { incompleteRuns } from '../../src/core/journal/views.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli, spawnCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

const ACCOUNT = '123456789012';
const UNUSED = ['ann', 'bob', 'cid', 'dee'];
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: UNUSED.map((name) => ({
        name,
        accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 'never' }],
      })),
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x' };

let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/** Resolves with how the process ended and what it printed. */
function ended(child: ReturnType<typeof spawnCli>) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

describe('a stop signal during apply', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: finishes the action in flight, starts no other, exits %i', async (signal, exitCode) => {
    // Prepare: the first deactivation is held in flight by the emulator.
    emu = await startTestEmulator({ world: WORLD });
    const dir = mkdtempSync(join(tmpdir(), 'kw-signal-'));
    const journal = join(dir, 'journal.jsonl');
    const held = emu.faults.hold('iam', 'UpdateAccessKey');
    const child = spawnCli(
      ['apply', '--yes', '--format', 'json', '--endpoint-url', emu.url, '--journal', journal],
      {
        env: ENV,
        cwd: dir,
      },
    );
    const done = ended(child);

    // Act: signal while the first UpdateAccessKey waits, then let it through.
    await held.arrived;
    child.kill(signal);
    await new Promise((resolve) => child.stderr?.once('data', resolve));
    held.release();
    const result = await done;

    // Assess
    expect(result.code, result.stderr).toBe(exitCode);
    expect(result.stderr).toMatch(/Finish with: keywarden apply --resume/);
    expect(emu.faults.count('iam', 'UpdateAccessKey')).toBe(1);
    const { records } = parseJournal(readFileSync(journal, 'utf8'));
    const outcomes = records.filter((r) => r.type === 'outcome');
    expect(outcomes.map((r) => r.type === 'outcome' && r.status)).toEqual(['done']);
    expect(incompleteRuns(records)).toHaveLength(1);
    const inactive = UNUSED.filter(
      (u) => emu?.state.accounts.get(ACCOUNT)?.iam.users.get(u)?.accessKeys[0]?.status === 'Inactive',
    );
    expect(inactive).toHaveLength(1);

    // And the resume finishes the job.
    const resumed = await runCli(
      ['apply', '--yes', '--resume', '--format', 'json', '--endpoint-url', emu.url, '--journal', journal],
      { env: ENV, cwd: dir },
    );
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(emu.faults.count('iam', 'UpdateAccessKey')).toBe(UNUSED.length);
  });
});

describe('a stop signal during a read-only command', () => {
  it('audit stops at once, without a report', async () => {
    emu = await startTestEmulator({ world: WORLD });
    const held = emu.faults.hold('iam', 'GenerateCredentialReport');
    const child = spawnCli(['audit', '--format', 'json', '--endpoint-url', emu.url], { env: ENV });
    const done = ended(child);
    await held.arrived;
    child.kill('SIGINT');
    const result = await done;
    held.release();
    expect(result.signal).toBe('SIGINT');
    expect(result.stdout).toBe('');
  });
});
