/**
 * Two `scheduled` invocations that overlap (EventBridge delivered twice, or a slow run still going
 * when the next day's starts), sharing the DynamoDB journal (moto's real DynamoDB), against one
 * account on the emulator: between them every change is made exactly once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import { createScheduledHandler } from '../../src/lambda/scheduled.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { captureLogs, emulatorRuntime, eventBridgeScheduledEvent } from '../support/lambda.js';
import { type Moto, motoClientConfig, startMotoDynamo } from '../support/moto.js';

const ACCOUNT = '111111111111';
const USERS = ['alice', 'bob', 'carol', 'dave'];
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      // Keys past rotation, used yesterday: each run would rotate every one of them.
      users: USERS.map((name) => ({ name, accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] })),
    },
  ],
};

let moto: Moto;
let emu: Emulator;
beforeAll(async () => {
  moto = await startMotoDynamo();
  emu = await startTestEmulator({ world: WORLD });
  const client = new DynamoDBClient(motoClientConfig(moto));
  await createJournalTable(client, 'keywarden-overlap', { sleep: async () => {} });
  client.destroy();
}, 60_000);
afterAll(async () => {
  await emu?.stop();
  await moto?.stop();
});

describe('overlapping scheduled invocations, one DynamoDB journal', () => {
  it('make every change once between them', async () => {
    const env = {
      KEYWARDEN_JOURNAL: 'dynamodb://keywarden-overlap',
      AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
    };
    const handler = () => createScheduledHandler(emulatorRuntime(emu, captureLogs(), { env }));
    emu.faults.resetCounts();

    const [first, second] = await Promise.all([
      handler()(eventBridgeScheduledEvent(FIXED_NOW)),
      handler()(eventBridgeScheduledEvent(FIXED_NOW)),
    ]);

    // Each user rotated exactly once: one CreateAccessKey per user, two keys each, never a third.
    expect(emu.faults.count('iam', 'CreateAccessKey')).toBe(USERS.length);
    for (const name of USERS) {
      expect(emu.state.accounts.get(ACCOUNT)?.iam.users.get(name)?.accessKeys, name).toHaveLength(2);
    }
    const done = first.results.done + second.results.done;
    expect(done).toBeGreaterThanOrEqual(USERS.length);
    expect(first.results.failed + second.results.failed).toBe(0);
    // The one that found the account held did nothing and said who held it.
    const held = [first, second].filter((s) => s.heldBy !== null);
    for (const s of held) expect(s.results.done).toBe(0);
  });
});
