/**
 * A remediation run reads the journal once (on DynamoDB each read is a full Query): the
 * interrupted-run check, the recovery and the plan all decide from that one read, kept current
 * with the records the run appends itself.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { incompleteRuns } from '../../src/core/journal/views.js';
import type { Policy } from '../../src/core/policy/types.js';
import { remediateAccount } from '../../src/engine/remediate.js';
import { openDynamoJournal } from '../../src/journal/dynamodb/journal.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import type { Journal } from '../../src/journal/journal.js';
import { type Moto, motoClientConfig, startMotoDynamo } from '../support/moto.js';
import { type Harness, rotating, SimulatedCrash, startHarness, worldOf } from './apply-harness.js';

const IVY = 'AKIAIVY0000000000001';
const JOE = 'AKIAJOE0000000000001';

let moto: Moto;
let dynamodb: DynamoDBClient;
let tables = 0;
beforeAll(async () => {
  moto = await startMotoDynamo();
  dynamodb = new DynamoDBClient(motoClientConfig(moto));
});
afterAll(async () => {
  dynamodb?.destroy();
  await moto?.stop();
});

async function dynamoJournal(): Promise<Journal> {
  const tableName = `journal-reads-${++tables}`;
  await createJournalTable(dynamodb, tableName, { sleep: async () => {} });
  return openDynamoJournal({ tableName, client: dynamodb, leaseSeconds: 900 });
}

/** `journal`, counting the reads made through it. */
function countingReads(journal: Journal): Journal & { readonly reads: () => number } {
  let reads = 0;
  return {
    ...journal,
    read() {
      reads++;
      return journal.read();
    },
    reads: () => reads,
  };
}

describe.each([
  ['file', undefined],
  ['DynamoDB', dynamoJournal],
] as const)('remediateAccount reads the journal once (%s journal)', (_, journal) => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });
  const live = (p: Policy): Policy => ({ ...p, inventory: { ...p.inventory, mode: 'live' } });

  it('resuming an interrupted run, then planning and applying: one read', async () => {
    // Prepare: a run killed after creating ivy's new key, before storing it.
    h = await startHarness(worldOf([rotating('ivy', IVY), rotating('joe', JOE)]), journal ? { journal } : {});
    await expect(h.apply(await h.plan(), { crashAfter: 'create-key' })).rejects.toThrow(SimulatedCrash);
    const [interrupted] = incompleteRuns((await h.journal.read()).records);
    const counted = countingReads(h.journal);

    // Act
    const out = await remediateAccount({ ...h.deps(), journal: counted }, live(h.policy), {
      maxActions: 50,
      resume: true,
    });

    // Assess
    expect(counted.reads()).toBe(1);
    expect(out.kind).toBe('applied');
    if (out.kind !== 'applied') return;
    expect(out.recovery?.recovered).toEqual([interrupted?.runId]);
    expect(out.recovery?.results).toMatchObject([{ type: 'cleanup-key', status: 'done' }]);
    // The plan saw what the recovery journaled: both users rotate, each once.
    expect(
      out.execution.results
        .filter((r) => r.type === 'create-key' && r.status === 'done')
        .map((r) => r.userName),
    ).toEqual(['ivy', 'joe']);
    expect(incompleteRuns((await h.journal.read()).records)).toEqual([]);
  });

  it('a run with nothing interrupted: one read', async () => {
    h = await startHarness(worldOf([rotating('ivy', IVY)]), journal ? { journal } : {});
    const counted = countingReads(h.journal);

    const out = await remediateAccount({ ...h.deps(), journal: counted }, live(h.policy), {
      maxActions: 50,
      resume: false,
    });

    expect(counted.reads()).toBe(1);
    expect(out.kind).toBe('applied');
  });
});
