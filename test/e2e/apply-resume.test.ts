/**
 * A run killed part-way, then recoverIncompleteRuns and a fresh plan finish the job; with the file
 * journal and with the DynamoDB journal (moto's), whose intent claims the resume must take over.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { incompleteRuns } from '../../src/core/journal/views.js';
import { openDynamoJournal } from '../../src/journal/dynamodb/journal.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import type { Journal } from '../../src/journal/journal.js';
import { newRunId } from '../../src/journal/run-id.js';
import { type Moto, motoClientConfig, startMotoDynamo } from '../support/moto.js';
import {
  ACCOUNT,
  actionOf,
  fakeNotifier,
  type Harness,
  rotating,
  SimulatedCrash,
  startHarness as startFileHarness,
  useKey,
  worldOf,
} from './apply-harness.js';

const IVY = 'AKIAIVY0000000000001';

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

/** A new DynamoDB journal table per test. */
async function dynamoJournal(): Promise<Journal> {
  const tableName = `apply-resume-${++tables}`;
  await createJournalTable(dynamodb, tableName, { sleep: async () => {} });
  return openDynamoJournal({ tableName, client: dynamodb, leaseSeconds: 900 });
}

describe.each([
  ['file', undefined],
  ['DynamoDB', dynamoJournal],
] as const)('resume after a crash (%s journal)', (_, journal) => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });
  const startHarness = (world: Parameters<typeof startFileHarness>[0]) =>
    startFileHarness(world, journal === undefined ? {} : { journal });

  it('deletes a key created but never stored, then a fresh plan rotates again', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('ivy', IVY)]));
    await expect(h.apply(await h.plan(), { crashAfter: 'create-key' })).rejects.toThrow(SimulatedCrash);
    const orphan = h.user('ivy').accessKeys[1]?.accessKeyId ?? '';
    const [pending] = incompleteRuns((await h.journal.read()).records);
    expect(pending).toMatchObject({ orphanedKeys: [{ accessKeyId: orphan, userName: 'ivy' }] });

    // Act
    const recovery = await h.recover();
    const plan = await h.plan();
    const rerun = await h.apply(plan, { command: 'resume' });

    // Assess
    expect(recovery.recovered).toEqual([pending?.runId]);
    expect(recovery.results).toMatchObject([{ type: 'cleanup-key', accessKeyId: orphan, status: 'done' }]);
    expect(h.emu.faults.count('iam', 'UpdateAccessKey')).toBe(1);
    expect(incompleteRuns((await h.journal.read()).records)).toEqual([]);
    expect(rerun.results.map((r) => `${r.type}:${r.status}`)).toEqual([
      'create-key:done',
      'store-secret:done',
      'notify:done',
    ]);
    const replacement = rerun.results[0]?.newAccessKeyId ?? '';
    expect(h.user('ivy').accessKeys.map((k) => k.accessKeyId)).toEqual([IVY, replacement]);
    expect(replacement).not.toBe(orphan);
    const stored = JSON.parse((await h.secret(`keywarden/${ACCOUNT}/ivy`)) ?? '{}') as Record<string, string>;
    expect(stored.AccessKeyId).toBe(replacement);
  });

  it('finds the key of a create-key whose outcome was never written, by its creation time', async () => {
    // Prepare: the journal holds the intent; the process died right after IAM created the key.
    h = await startHarness(worldOf([rotating('ivy', IVY)]));
    const made = await dieAfterCreatingKey(h, 'ivy');

    // Act
    const recovery = await h.recover();

    // Assess
    expect(recovery.results).toMatchObject([
      { type: 'cleanup-key', accessKeyId: made.AccessKey?.AccessKeyId, status: 'done' },
    ]);
    expect(h.user('ivy').accessKeys.map((k) => k.accessKeyId)).toEqual([IVY]);
  });

  it('leaves alone a key someone made after the interrupted call could have: reported, its owner told, not deleted', async () => {
    // Prepare: the run died after journaling its intent, before IAM made a key; an hour later
    // someone else makes one for the same user.
    h = await startHarness(worldOf([rotating('ivy', IVY)]));
    const create = actionOf(await h.plan(), 'ivy', 'create-key');
    const runId = newRunId(h.emu.clock.now());
    const at = h.emu.clock.now();
    await h.journal.append({
      v: 1,
      type: 'run-started',
      runId,
      at: at.toISOString(),
      command: 'apply',
      resumeOf: null,
      planned: 3,
      deferred: 0,
    });
    await h.journal.append({
      v: 1,
      type: 'intent',
      runId,
      at: at.toISOString(),
      actionId: create.id,
      action: create,
      answerBy: new Date(at.getTime() + 70_000).toISOString(),
    });
    h.emu.clock.advance(1 / 24);
    const theirs = await h.clients.iam.send(new CreateAccessKeyCommand({ UserName: 'ivy' }));

    // Act
    const recovery = await h.recover();
    const next = await h.plan();

    // Assess
    const theirId = theirs.AccessKey?.AccessKeyId ?? '';
    expect(recovery.results).toMatchObject([{ type: 'cleanup-key', status: 'skipped' }]);
    expect(recovery.results[0]?.reason).toContain(`access key ${theirId} (created `);
    expect(h.user('ivy').accessKeys.map((k) => k.accessKeyId)).toEqual([IVY, theirId]);
    expect(
      next.actions.filter((a) => a.type === 'notify').map((a) => [a.stage, a.accessKeyId]),
    ).toContainEqual(['blocked', theirId]);
  });

  it('leaves alone a key found by creation time that has been used: someone holds it', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('ivy', IVY)]));
    const made = await dieAfterCreatingKey(h, 'ivy');
    await useKey(h, 'ivy', made.AccessKey?.AccessKeyId ?? '');

    // Act
    const recovery = await h.recover();

    // Assess
    expect(recovery.results[0]).toMatchObject({ type: 'cleanup-key', status: 'skipped' });
    expect(recovery.results[0]?.reason).toContain('so someone holds it');
    expect(h.user('ivy').accessKeys).toHaveLength(2);
  });

  it('after a kill between two users, the next run sends the finished chain its notice and rotates only the other user', async () => {
    // Prepare
    h = await startHarness(
      worldOf([rotating('jack', 'AKIAJACK000000000001'), rotating('kate', 'AKIAKATE000000000001')]),
    );
    const plan = await h.plan();
    const jackStore = actionOf(plan, 'jack', 'store-secret').id;
    await expect(h.apply(plan, { crashAfter: jackStore })).rejects.toThrow(SimulatedCrash);
    const notifier = fakeNotifier();

    // Act: the recovery hands jack's notice on; the next plan carries it with kate's rotation.
    const recovery = await h.recover({ notifier });
    const again = await h.plan();
    const rerun = await h.apply(again, { notifier });

    // Assess: jack's notice is sent once, by the next run.
    expect(recovery.results).toEqual([]);
    expect(
      notifier.batches
        .flat()
        .map((a) => a.id)
        .sort(),
    ).toEqual([actionOf(plan, 'jack', 'notify').id, actionOf(plan, 'kate', 'notify').id].sort());
    expect(again.actions.map((a) => `${a.userName}:${a.type}`)).toEqual([
      'jack:notify',
      'kate:create-key',
      'kate:store-secret',
      'kate:notify',
    ]);
    expect(rerun.results.every((r) => r.status === 'done')).toBe(true);
    expect(h.user('jack').accessKeys).toHaveLength(2);
    expect(h.user('kate').accessKeys).toHaveLength(2);
  });

  it('a kill after the secret was stored, before its outcome: the resume keeps the key and rotates nothing again', async () => {
    // Prepare: Secrets Manager has the new key; the journal does not know it.
    h = await startHarness(worldOf([rotating('ivy', IVY)]));
    await expect(h.apply(await h.plan(), { crashAfter: 'before-outcome:store-secret' })).rejects.toThrow(
      SimulatedCrash,
    );
    const secret = () => h.emu.state.accounts.get(ACCOUNT)?.secrets.get(`keywarden/${ACCOUNT}/ivy`);
    const newKey = h.user('ivy').accessKeys[1]?.accessKeyId ?? '';
    expect(secret()?.versions).toHaveLength(1);

    // Act
    const recovery = await h.recover();
    const again = await h.plan();
    const rerun = await h.apply(again);

    // Assess: done exactly once: one new key, one secret version, and the owner told once.
    expect(recovery.results).toMatchObject([
      { type: 'store-secret', status: 'done', newAccessKeyId: newKey },
    ]);
    expect(again.actions.map((a) => `${a.type}/${a.stage}`)).toEqual(['notify/rotate']);
    expect(rerun.results.map((r) => `${r.type}:${r.status}`)).toEqual(['notify:done']);
    expect(h.user('ivy').accessKeys.map((k) => k.accessKeyId)).toEqual([IVY, newKey]);
    expect(secret()?.versions).toHaveLength(1);
    expect(h.emu.faults.count('iam', 'CreateAccessKey')).toBe(1);
    expect(h.emu.faults.count('iam', 'DeleteAccessKey')).toBe(0);
  });

  it('has nothing to recover after a run that finished', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('ivy', IVY)]));
    await h.apply(await h.plan());

    // Act
    const recovery = await h.recover();

    // Assess
    expect(recovery).toEqual({ recovered: [], results: [] });
  });
});

/**
 * The crash these tests recover from: a run journals its start and a create-key intent, IAM creates
 * the key, and the process dies before the outcome is written.
 */
async function dieAfterCreatingKey(harness: Harness, userName: string) {
  const create = actionOf(await harness.plan(), userName, 'create-key');
  const runId = newRunId(harness.emu.clock.now());
  const at = harness.emu.clock.now().toISOString();
  await harness.journal.append({
    v: 1,
    type: 'run-started',
    runId,
    at,
    command: 'apply',
    resumeOf: null,
    planned: 3,
    deferred: 0,
  });
  await harness.journal.append({ v: 1, type: 'intent', runId, at, actionId: create.id, action: create });
  return harness.clients.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
}
