/**
 * A run killed part-way (SIGKILL, injected deterministically right after a journaled step) and
 * completed by `apply --resume`: nothing done is repeated and no key is left that nobody knows.
 * The CLI runs as a real process (the built binary); the emulator runs in this test process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { clientConfig, startTestEmulator } from '../support/emulator.js';
import { applyProcess } from '../support/remediation.js';

const ACCOUNT = '123456789012';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'alpha',
          accessKeys: [{ id: 'AKIAALPHAOLD00000001', createdDaysAgo: 95, lastUsedDaysAgo: 1 }],
        },
        {
          name: 'bravo',
          accessKeys: [{ id: 'AKIABRAVOOLD00000001', createdDaysAgo: 95, lastUsedDaysAgo: 1 }],
        },
      ],
    },
  ],
};

let emu: Emulator;
let dir: string;

beforeEach(async () => {
  emu = await startTestEmulator({ world: WORLD });
  dir = mkdtempSync(join(tmpdir(), 'kw-resume-'));
});
afterEach(() => emu.stop());

const apply = (extra: string[], crashAfter?: string) =>
  applyProcess(emu, dir, extra, crashAfter === undefined ? {} : { crashAfter });

const keys = (user: string) =>
  emu.state.accounts
    .get(ACCOUNT)
    ?.iam.users.get(user)
    ?.accessKeys.map((k) => k.accessKeyId) ?? [];

async function storedKeyId(user: string): Promise<string> {
  const sm = new SecretsManagerClient(clientConfig(emu));
  const out = await sm.send(new GetSecretValueCommand({ SecretId: `keywarden/${ACCOUNT}/${user}` }));
  sm.destroy();
  return (JSON.parse(out.SecretString ?? '{}') as { AccessKeyId: string }).AccessKeyId;
}

describe('apply --resume', () => {
  it('after a kill between create-key and store-secret: deletes the unstored key and rotates again', async () => {
    // Act: the process dies right after alpha's new key is created, before it is stored.
    const killed = await apply([], 'create-key');
    // Assess the wreck: two keys, no secret.
    expect(killed.exitCode).not.toBe(0);
    const orphan = keys('alpha').find((k) => k !== 'AKIAALPHAOLD00000001');
    expect(orphan).toBeDefined();
    expect(emu.state.accounts.get(ACCOUNT)?.secrets.size).toBe(0);
    // Act: resume
    const resumed = await apply(['--resume']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    // Assess: the orphan is gone, a new key exists and is the one stored; bravo rotated too.
    expect(keys('alpha')).not.toContain(orphan);
    expect(keys('alpha')).toHaveLength(2);
    const stored = await storedKeyId('alpha');
    expect(keys('alpha')).toContain(stored);
    expect(keys('bravo')).toContain(await storedKeyId('bravo'));
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).toMatch(/"resumeOf"/);
  });

  it('after a kill between two users: finishes the second user without repeating the first', async () => {
    const killed = await apply([], 'alpha/AKIAALPHAOLD00000001/store-secret/rotate');
    expect(killed.exitCode).not.toBe(0);
    const alphaKey = await storedKeyId('alpha');
    expect(keys('bravo')).toEqual(['AKIABRAVOOLD00000001']);
    const resumed = await apply(['--resume']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(await storedKeyId('alpha')).toBe(alphaKey);
    expect(keys('alpha')).toHaveLength(2);
    expect(keys('bravo')).toHaveLength(2);
    expect(keys('bravo')).toContain(await storedKeyId('bravo'));
  });
});
