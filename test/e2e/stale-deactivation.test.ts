/**
 * A journal date stands only as long as live state agrees with it. Keywarden deactivates an unused
 * key; a person reactivates it and exempts the user; weeks later the person deactivates it by hand
 * and ends the exemption. The key has been inactive for a minute, not since Keywarden's
 * deactivation: it gets a first sighting and the whole grace period, never an immediate delete.
 * Driven through the real CLI against the emulator and its clock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { Plan } from '../../src/core/plan/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { AccessKey, IamUser } from '../../src/emulator/state.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

const ACCOUNT = '123456789012';
const KEY = 'AKIAUNUSEDKEY0000001';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'app',
          tags: { 'keywarden:owner': 'owner@example.com' },
          accessKeys: [{ id: KEY, createdDaysAgo: 500, lastUsedDaysAgo: 400 }],
        },
      ],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x' };

let emu: Emulator;
let journal: string;

beforeEach(async () => {
  emu = await startTestEmulator({ world: WORLD });
  journal = join(mkdtempSync(join(tmpdir(), 'kw-stale-')), 'journal.jsonl');
});
afterEach(() => emu.stop());

const cli = (command: string, ...rest: string[]) =>
  runCli([command, ...rest, '--endpoint-url', emu.url, '--journal', journal, '--format', 'json'], {
    env: ENV,
  });
const apply = async () => {
  const result = await cli('apply', '--yes');
  expect(result.exitCode, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { results: ActionResult[] }).results.map(
    (r) => `${r.type}:${r.status}`,
  );
};
const user = (): IamUser => {
  const found = emu.state.accounts.get(ACCOUNT)?.iam.users.get('app');
  if (found === undefined) throw new Error('no user app');
  return found;
};
const key = (): AccessKey | undefined => user().accessKeys.find((k) => k.accessKeyId === KEY);
const deletesIn = async (): Promise<string[]> => {
  const planned = await cli('plan');
  return (JSON.parse(planned.stdout) as Plan).actions.filter((a) => a.type === 'delete-key').map((a) => a.id);
};

describe('a key deactivated by hand long after Keywarden deactivated it', () => {
  it('is seen Active again (journaled), then gets a first sighting and the whole grace period', async () => {
    // Prepare 1: Keywarden deactivates the unused key.
    expect(await apply()).toEqual(['deactivate-key:done', 'notify:skipped']);
    expect(key()?.status).toBe('Inactive');

    // Prepare 2: a day later a person reactivates it and exempts the user until a later date.
    emu.clock.advance(1);
    const reactivated = key();
    if (reactivated) reactivated.status = 'Active';
    user().tags.push({ Key: 'keywarden:exempt', Value: '2027-06-30' });

    // Act 1: the next run reads the key as Active and leaves it alone (exempt), but journals what it saw.
    const seenActive = await apply();

    // Prepare 3: 19 days later the person deactivates it by hand and ends the exemption.
    emu.clock.advance(19);
    const byHand = key();
    if (byHand) byHand.status = 'Inactive';
    user().tags = user().tags.filter((t) => t.Key !== 'keywarden:exempt');

    // Act 2
    const afterHand = await apply();

    // Assess: a first sighting, not a delete; the delete waits the whole window from now.
    expect(seenActive).toEqual(['note-active:done']);
    expect(afterHand).toEqual(['note-inactive:done', 'notify:skipped']);
    expect(key()?.status).toBe('Inactive');
    emu.clock.advance(13);
    expect(await deletesIn()).toEqual([]);
    emu.clock.advance(1 + 1 / 1440);
    expect(await deletesIn()).toEqual([`${ACCOUNT}/app/${KEY}/delete-key/delete`]);
  });

  it('a plan alone (a dry run) journals nothing: the record stays open until a run that writes sees the key', async () => {
    // Prepare
    await apply();
    const reactivated = key();
    if (reactivated) reactivated.status = 'Active';

    // Act
    const planned = await cli('plan');

    // Assess: the plan shows the note it would journal; nothing was written.
    const plan = JSON.parse(planned.stdout) as Plan;
    expect(plan.actions.map((a) => a.type)).toContain('note-active');
    const again = JSON.parse((await cli('plan')).stdout) as Plan;
    expect(again.actions.map((a) => a.type)).toContain('note-active');
  });
});
