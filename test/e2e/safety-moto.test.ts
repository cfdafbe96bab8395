/**
 * The two destructive defects, checked against moto (a third-party AWS emulator) as well as ours:
 * `apply --yes --now` refuses to change AWS as if it were another date, and a second run with
 * another journal deletes nothing that the first run just deactivated. moto's clock is the real
 * one, so the world is dated from the real now and nothing here moves time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { Plan } from '../../src/core/plan/types.js';
import type { WorldAccount } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { type Moto, motoAvailable, startMoto } from '../support/moto.js';

const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDKEYWARDENOPERATOR',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_REGION: 'us-east-1',
};
const ACCOUNT: WorldAccount = {
  id: '123456789012',
  users: [
    // Unused for 400 days: the first apply deactivates it.
    {
      name: 'app',
      tags: { 'keywarden:owner': 'owner@example.com' },
      accessKeys: [{ createdDaysAgo: 500, lastUsedDaysAgo: 400 }],
    },
    // Used yesterday, 10 days old: nothing to do today, a deactivation on a clock months ahead.
    { name: 'busy', accessKeys: [{ createdDaysAgo: 10, lastUsedDaysAgo: 1 }] },
  ],
};

let moto: Moto;
const home = mkdtempSync(join(tmpdir(), 'kw-moto-home-'));

beforeAll(async () => {
  const check = await motoAvailable();
  if (!check.ok) throw new Error(check.reason);
  moto = await startMoto({ now: new Date(), account: ACCOUNT });
}, 60_000);
afterAll(() => moto?.stop());

function cli(args: string[]) {
  return runCli([...args, '--endpoint-url', moto.endpoint, '--format', 'json'], {
    env: { ...ENV, HOME: home },
  });
}

/** Every key of every user, as moto lists it: `user/key:status`. */
async function keysNow(): Promise<string[]> {
  const iam = new IAMClient({
    endpoint: moto.endpoint,
    region: ENV.AWS_REGION,
    maxAttempts: 1,
    credentials: { accessKeyId: ENV.AWS_ACCESS_KEY_ID, secretAccessKey: ENV.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const out: string[] = [];
    for (const user of ACCOUNT.users ?? []) {
      const listed = await iam.send(new ListAccessKeysCommand({ UserName: user.name }));
      for (const k of listed.AccessKeyMetadata ?? []) out.push(`${user.name}/${k.AccessKeyId}:${k.Status}`);
    }
    return out.sort();
  } finally {
    iam.destroy();
  }
}

describe('destructive defects, against moto', () => {
  it('apply --yes --now is refused in one line with exit 2, and moto sees no change', async () => {
    const before = await keysNow();

    const result = await cli(['apply', '--yes', '--now', '2027-06-01T00:00:00Z']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--now/);
    expect(await keysNow()).toEqual(before);
  });

  it('a second run with another journal deletes nothing the first run deactivated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-moto-journals-'));
    const [appKey] = moto.keys.app ?? [];
    const [busyKey] = moto.keys.busy ?? [];

    const first = await cli(['apply', '--yes', '--journal', join(dir, 'a.jsonl')]);
    const afterFirst = await keysNow();
    const second = await cli(['apply', '--yes', '--journal', join(dir, 'b.jsonl')]);
    const plannedAgain = await cli(['plan', '--journal', join(dir, 'b.jsonl')]);

    expect(first.exitCode, first.stderr).toBe(0);
    expect(afterFirst).toEqual([`app/${appKey}:Inactive`, `busy/${busyKey}:Active`]);
    expect(second.exitCode, second.stderr).toBe(0);
    const results = (JSON.parse(second.stdout) as { results: ActionResult[] }).results;
    expect(results.filter((r) => r.type !== 'notify').map((r) => `${r.type}:${r.status}`)).toEqual([
      'note-inactive:done',
    ]);
    expect(await keysNow()).toEqual(afterFirst);
    const plan = JSON.parse(plannedAgain.stdout) as Plan;
    expect(plan.actions.filter((a) => a.type === 'delete-key')).toEqual([]);
  });
});
