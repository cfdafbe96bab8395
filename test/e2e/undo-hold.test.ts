/** An undo holds the keys it restores, so the next run does not simply deactivate them again. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { Plan } from '../../src/core/plan/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

const ACCOUNT = '123456789012';
const KEY = 'AKIABATCHJOB00000001';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [{ name: 'batch', accessKeys: [{ id: KEY, createdDaysAgo: 200, lastUsedDaysAgo: 120 }] }],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x' };

let emu: Emulator;
const dir = mkdtempSync(join(tmpdir(), 'kw-undo-'));
const journal = join(dir, 'journal.jsonl');
beforeAll(async () => {
  emu = await startTestEmulator({ world: WORLD });
});
afterAll(() => emu.stop());

const cli = (args: string[]) =>
  runCli([...args, '--endpoint-url', emu.url, '--journal', journal], { env: ENV, cwd: dir });
const status = () => emu.state.accounts.get(ACCOUNT)?.iam.users.get('batch')?.accessKeys[0]?.status;

describe('undo puts a hold on the keys it restores', () => {
  it('lists what it would do without --yes, holds the key, and the next runs leave it alone until the hold ends', async () => {
    // Prepare: a run revokes the unused key.
    const applied = await cli(['apply', '--yes', '--format', 'json']);
    const { runId } = JSON.parse(applied.stdout) as { runId: string };
    expect(status()).toBe('Inactive');

    // Act 1: no --yes, no terminal: a listing, nothing changed.
    const dry = await cli(['undo', runId]);
    expect(dry.stdout).toMatch(new RegExp(`reactivate-key ${ACCOUNT}/batch ${KEY}`));
    expect(dry.stderr).toMatch(/dry run: nothing changed/);
    expect(status()).toBe('Inactive');

    // Act 2: the undo, held 3 days.
    const undone = await cli(['undo', runId, '--yes', '--hold-days', '3']);
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(status()).toBe('Active');
    expect(undone.stdout).toMatch(/held for 3 day\(s\)/);
    expect(undone.stdout).toMatch(/exempt the user: tag it keywarden:exempt=true/);

    // Assess: the next run (a day later) skips the key and says why; after the hold it is revoked again.
    emu.clock.advance(1);
    const during = JSON.parse((await cli(['plan', '--format', 'json'])).stdout) as Plan;
    expect(during.actions.map((a) => a.id)).toEqual([]);
    expect(during.skipped[0]?.reason).toMatch(/^Held until .* by keywarden undo/);
    emu.clock.advance(3);
    const after = await cli(['apply', '--yes', '--format', 'json']);
    const results = (JSON.parse(after.stdout) as { results: ActionResult[] }).results;
    expect(results.map((r) => `${r.type}:${r.status}`)).toContain('deactivate-key:done');
  });
});
