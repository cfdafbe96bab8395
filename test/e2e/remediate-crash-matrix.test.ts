/**
 * Kill the real process right after each kind of step, resume, and compare with a run that was never
 * interrupted: the same keys end up active, inactive or gone, every stored secret names a live key
 * of its user, and no key exists that nobody knows about.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { sightingRun, writeJournal } from '../support/journal.js';
import { applyProcess } from '../support/remediation.js';

const ACCOUNT = '123456789012';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'console',
          createdDaysAgo: 300,
          loginProfile: { createdDaysAgo: 200, passwordLastUsedDaysAgo: 150 },
        },
        { name: 'rot', accessKeys: [{ id: 'AKIAROTOLD0000000001', createdDaysAgo: 95, lastUsedDaysAgo: 1 }] },
        {
          name: 'spare',
          accessKeys: [
            { id: 'AKIASPAREOLD00000001', status: 'Inactive', createdDaysAgo: 200, lastUsedDaysAgo: 150 },
            { id: 'AKIASPAREACT00000001', createdDaysAgo: 95, lastUsedDaysAgo: 1 },
          ],
        },
        {
          name: 'unused',
          accessKeys: [{ id: 'AKIAUNUSED0000000001', createdDaysAgo: 120, lastUsedDaysAgo: 'never' }],
        },
      ],
    },
  ],
};
const WORLD_KEYS = [
  'AKIAROTOLD0000000001',
  'AKIASPAREOLD00000001',
  'AKIASPAREACT00000001',
  'AKIAUNUSED0000000001',
];

const apply = applyProcess;

/** What matters about the end state, independent of the random ids of new keys. */
function outcome(emu: Emulator) {
  const account = emu.state.accounts.get(ACCOUNT);
  const users = [...(account?.iam.users.values() ?? [])];
  const stored = new Map(
    [...(account?.secrets.values() ?? [])].map((s) => {
      const current = s.versions.find((v) => v.stages.includes('AWSCURRENT'));
      return [s.name, (JSON.parse(current?.secretString ?? '{}') as { AccessKeyId: string }).AccessKeyId];
    }),
  );
  return {
    worldKeys: WORLD_KEYS.map((id) => {
      const key = users.flatMap((u) => u.accessKeys).find((k) => k.accessKeyId === id);
      return `${id}:${key?.status ?? 'gone'}`;
    }),
    newKeysPerUser: users.map(
      (u) => `${u.userName}:${u.accessKeys.filter((k) => !WORLD_KEYS.includes(k.accessKeyId)).length}`,
    ),
    loginProfile: account?.iam.users.get('console')?.loginProfile === null ? 'deleted' : 'kept',
    // Every secret names a key its user still has: nothing was stored for a key that was then lost.
    secretsPointAtLiveKeys: [...stored.entries()].map(([name, keyId]) => {
      const userName = name.split('/').at(-1) ?? '';
      return `${name}:${account?.iam.users.get(userName)?.accessKeys.some((k) => k.accessKeyId === keyId) ?? false}`;
    }),
  };
}

/** An earlier run saw spare's inactive key 20 days ago, so this run may delete it to free the slot. */
function seenInactive(dir: string): void {
  writeJournal(
    join(dir, 'journal.jsonl'),
    sightingRun(ACCOUNT, 'spare', 'AKIASPAREOLD00000001', new Date(FIXED_NOW.getTime() - 20 * 86_400_000)),
  );
}

describe('kill at each step, then apply --resume', () => {
  it.each(['delete-key', 'create-key', 'store-secret', 'deactivate-key', 'delete-login-profile', 'notify'])(
    'killed right after %s',
    async (step) => {
      // Prepare: the reference, never interrupted.
      const reference = await startTestEmulator({ world: WORLD });
      const refDir = mkdtempSync(join(tmpdir(), 'kw-ref-'));
      seenInactive(refDir);
      expect((await apply(reference, refDir, [])).exitCode).toBe(0);
      const expected = outcome(reference);
      await reference.stop();
      const emu = await startTestEmulator({ world: WORLD });
      const dir = mkdtempSync(join(tmpdir(), 'kw-crash-'));
      seenInactive(dir);
      try {
        // Act
        const killed = await apply(emu, dir, [], { crashAfter: step });
        expect(killed.exitCode, killed.stderr + killed.stdout).not.toBe(0);
        const refused = await apply(emu, dir, []);
        expect(refused.exitCode).toBe(2);
        expect(refused.stderr).toMatch(/interrupted; finish it first with keywarden apply --resume/);
        const resumed = await apply(emu, dir, ['--resume']);
        // Assess
        expect(resumed.exitCode, resumed.stderr).toBe(0);
        expect(outcome(emu)).toEqual(expected);
      } finally {
        await emu.stop();
      }
    },
  );
});
