/**
 * A missing, moved or empty journal never shortens the grace period a deactivation notice promised:
 * the default journal is the user's, not the directory's, and a key without a record of when it
 * became inactive is first journaled as seen, then deleted only after the whole window.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
const UNUSED = 'AKIAUNUSEDKEY0000001';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'app',
          tags: { 'keywarden:owner': 'owner@example.com' },
          accessKeys: [{ id: UNUSED, createdDaysAgo: 500, lastUsedDaysAgo: 400 }],
        },
      ],
    },
  ],
};

let emu: Emulator;
const home = mkdtempSync(join(tmpdir(), 'kw-home-'));
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x', HOME: home };

beforeAll(async () => {
  emu = await startTestEmulator({ world: WORLD });
});
afterAll(() => emu.stop());

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return runCli([...args, '--endpoint-url', emu.url, '--format', 'json'], { env: { ...ENV, ...env }, cwd });
}

const keyStatus = () =>
  emu.state.accounts
    .get(ACCOUNT)
    ?.iam.users.get('app')
    ?.accessKeys.find((k) => k.accessKeyId === UNUSED)?.status ?? 'gone';

describe('the journal and the grace period', () => {
  it('the default journal is the same from any directory, so a later plan does not delete a key just deactivated', async () => {
    // Prepare: two working directories, one user.
    const first = mkdtempSync(join(tmpdir(), 'kw-dir-a-'));
    const second = mkdtempSync(join(tmpdir(), 'kw-dir-b-'));

    // Act
    const applied = await cli(['apply', '--yes'], first);
    const planned = await cli(['plan'], second);

    // Assess
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(keyStatus()).toBe('Inactive');
    const { journal } = JSON.parse(applied.stdout) as { journal: string };
    expect(journal).toBe(join(home, '.local', 'state', 'keywarden', 'journal.jsonl'));
    const plan = JSON.parse(planned.stdout) as Plan;
    expect(plan.actions.filter((a) => a.type === 'delete-key')).toEqual([]);
  });

  it('an empty journal: the inactive key is journaled as seen, the owner told its deletion date, nothing deleted', async () => {
    // Prepare: an empty journal file, as if the real one were lost.
    const dir = mkdtempSync(join(tmpdir(), 'kw-empty-'));
    const empty = join(dir, 'journal.jsonl');
    writeFileSync(empty, '');

    // Act
    const resumed = await cli(['apply', '--yes', '--resume', '--journal', empty], dir);
    emu.clock.advance(13);
    const day13 = await cli(['plan', '--journal', empty], dir);
    // A minute past day 14: the window counts whole days from the sighting's own second.
    emu.clock.advance(1 + 1 / 1440);
    const day14 = await cli(['plan', '--journal', empty], dir);

    // Assess
    const results = (JSON.parse(resumed.stdout) as { results: ActionResult[] }).results;
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual(['note-inactive:done', 'notify:skipped']);
    expect(keyStatus()).toBe('Inactive');
    const notice = (JSON.parse(resumed.stdout) as { plan: Plan }).plan.actions.find(
      (a) => a.type === 'notify',
    );
    expect(notice).toMatchObject({ stage: 'inactive-seen', recipient: 'owner@example.com' });
    expect(JSON.parse(day13.stdout).actions.filter((a: { type: string }) => a.type === 'delete-key')).toEqual(
      [],
    );
    expect(JSON.parse(day14.stdout).actions.map((a: { id: string }) => a.id)).toContain(
      `${ACCOUNT}/app/${UNUSED}/delete-key/delete`,
    );
  });

  it('KEYWARDEN_JOURNAL names the journal when --journal does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-env-'));
    mkdirSync(join(dir, 'state'));
    const chosen = join(dir, 'state', 'keywarden.jsonl');
    const result = await cli(['apply', '--yes'], dir, { KEYWARDEN_JOURNAL: chosen });
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { journal: string }).journal).toBe(chosen);
  });
});
