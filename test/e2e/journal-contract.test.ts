/**
 * The Journal contract, run against both implementations: the file journal and the DynamoDB journal
 * on moto's real DynamoDB. What the engine relies on: a missing journal reads empty, records come
 * back exactly as appended and in append order (also when several handles append, and over many
 * Query pages), and the views read the same facts from either: resume, undo, history, notify-once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/core/journal/records.js';
import { doneActions, factsFromJournal, historyRows, incompleteRuns } from '../../src/core/journal/views.js';
import type {
  AnyAction,
  CreateKeyAction,
  DeactivateKeyAction,
  NotifyAction,
} from '../../src/core/plan/types.js';
import { openDynamoJournal } from '../../src/journal/dynamodb/journal.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import { openFileJournal } from '../../src/journal/file-journal.js';
import type { Journal } from '../../src/journal/journal.js';
import { finished, JOURNAL_T0, sightingRun, started } from '../support/journal.js';
import { useMotoDynamo } from '../support/moto.js';

const ACCOUNT = '111111111111';
const T0 = JOURNAL_T0;
const T1 = '2026-11-23T12:00:00.000Z';

const dir = mkdtempSync(join(tmpdir(), 'kw-journal-contract-'));
let tables = 0;

const dynamo = useMotoDynamo();
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Implementation {
  readonly name: string;
  /** A new, empty journal; `handle()` opens another handle on the same one (another process). */
  fresh(): Promise<{ readonly journal: Journal; handle(): Journal }>;
}

const IMPLEMENTATIONS: readonly Implementation[] = [
  {
    name: 'file',
    async fresh() {
      const path = join(dir, `journal-${++tables}.jsonl`);
      return { journal: openFileJournal(path), handle: () => openFileJournal(path) };
    },
  },
  {
    name: 'dynamodb',
    async fresh() {
      const tableName = `journal-contract-${++tables}`;
      await createJournalTable(dynamo.client, tableName, { sleep: async () => {} });
      // Small pages, so every read crosses several Query pages.
      const handle = () =>
        openDynamoJournal({ tableName, client: dynamo.client, leaseSeconds: 900, pageSize: 4 });
      return { journal: handle(), handle };
    },
  },
];

const action = (userName: string, key: string, type: string, stage: string) => ({
  id: `${ACCOUNT}/${userName}/${key}/${type}/${stage}`,
  chainId: `${ACCOUNT}/${userName}/${key}/${stage}`,
  accountId: ACCOUNT,
  userName,
  rule: 'KEY_ROTATION' as const,
  reason: 'Because.',
});

const createKey: CreateKeyAction = {
  ...action('alice', 'AKIAOLDALICE', 'create-key', 'rotate'),
  stage: 'rotate',
  type: 'create-key',
  replacesAccessKeyId: 'AKIAOLDALICE',
  secretName: `keywarden/${ACCOUNT}/alice`,
  expect: { status: 'Active', lastUsedDate: null, accessKeyCount: 1 },
  deactivateFrom: null,
};
const deactivate: DeactivateKeyAction = {
  ...action('bob', 'AKIABOB', 'deactivate-key', 'revoke-unused'),
  stage: 'revoke-unused',
  type: 'deactivate-key',
  accessKeyId: 'AKIABOB',
  expect: { status: 'Active', lastUsedDate: '2026-06-01T00:00:00.000Z', replacementAccessKeyId: null },
};
const notice: NotifyAction = {
  ...action('bob', 'AKIABOB', 'notify', 'revoke-unused'),
  chainId: deactivate.chainId,
  stage: 'revoke-unused',
  type: 'notify',
  accessKeyId: 'AKIABOB',
  recipient: 'bob@example.com',
  happened: 'Deactivated.',
  ownerAction: 'Nothing.',
  dueDate: null,
  secretName: null,
};

const intent = (runId: string, a: AnyAction, at = T0): JournalRecord => ({
  v: 1,
  type: 'intent',
  runId,
  at,
  actionId: a.id,
  action: a,
});
const outcome = (runId: string, actionId: string, extra: Partial<JournalRecord> = {}, at = T0) =>
  ({
    v: 1,
    type: 'outcome',
    runId,
    at,
    actionId,
    status: 'done',
    reason: null,
    requestId: 'req-1',
    ...extra,
  }) as JournalRecord;

/**
 * Three runs: r1 revoked bob's key and told him; r2 (under a fixed clock, same instant) created a
 * key for alice and died before storing it; then a sighting run, finished.
 */
const RECORDS: readonly JournalRecord[] = [
  started('r1'),
  intent('r1', deactivate),
  outcome('r1', deactivate.id),
  intent('r1', notice),
  outcome('r1', notice.id, {
    deliveries: [{ channel: 'sns', recipient: 'bob@example.com', status: 'sent', messageId: 'm-1' }],
  }),
  finished('r1'),
  started('r2'),
  intent('r2', createKey),
  outcome('r2', createKey.id, { newAccessKeyId: 'AKIANEWALICE' }),
  ...sightingRun(ACCOUNT, 'carol', 'AKIACAROL', new Date(T1)),
];

describe.each(IMPLEMENTATIONS)('the $name journal', (impl) => {
  it('reads a journal nothing was written to as empty', async () => {
    // Prepare
    const { journal } = await impl.fresh();

    // Act
    const read = await journal.read();

    // Assess (a file journal also says it is absent: see test/unit/journal-file.test.ts)
    expect({ records: read.records, warnings: read.warnings }).toEqual({ records: [], warnings: [] });
  });

  it('reads back every record exactly as appended, in order, from another handle', async () => {
    // Prepare
    const { journal, handle } = await impl.fresh();

    // Act
    for (const record of RECORDS) await journal.append(record);
    const read = await handle().read();

    // Assess
    expect(read.records).toEqual(RECORDS);
    expect(read.warnings).toEqual([]);
  });

  it('keeps append order when two handles append in turn, whatever the timestamps say', async () => {
    // Prepare
    const { journal, handle } = await impl.fresh();
    const other = handle();
    // A clock that went back: order is the order of appends, not of times.
    const records = [started('a', T1), started('b', T0), finished('a', T0), finished('b', T1)];

    // Act
    await journal.append(records[0] as JournalRecord);
    await other.append(records[1] as JournalRecord);
    await journal.append(records[2] as JournalRecord);
    await other.append(records[3] as JournalRecord);

    // Assess
    expect((await handle().read()).records).toEqual(records);
  });

  it('gives the views the same facts: resume, undo, history, notify-once', async () => {
    // Prepare
    const { journal } = await impl.fresh();
    for (const record of RECORDS) await journal.append(record);

    // Act
    const { records } = await journal.read();

    // Assess
    const interrupted = incompleteRuns(records);
    expect(interrupted.map((r) => r.runId)).toEqual(['r2']);
    expect(interrupted[0]?.orphanedKeys).toEqual([
      expect.objectContaining({ accessKeyId: 'AKIANEWALICE', replacesAccessKeyId: 'AKIAOLDALICE' }),
    ]);
    expect(incompleteRuns(records, { accountId: '999999999999' })).toEqual([]);
    expect(doneActions(records, 'r1').map((d) => d.action.id)).toEqual([deactivate.id, notice.id]);
    const facts = factsFromJournal(records);
    expect(facts.notified(notice.id)).toBe(true);
    expect(facts.pendingNotices(ACCOUNT)).toEqual([]);
    expect(facts.inactiveSince(ACCOUNT, 'AKIABOB')).toEqual(new Date(T0));
    expect(facts.inactiveSince(ACCOUNT, 'AKIACAROL')).toEqual(new Date(T1));
    expect(historyRows(records, { userName: 'bob' }).map((r) => [r.type, r.status])).toEqual([
      ['deactivate-key', 'done'],
      ['notify', 'done'],
    ]);
  });
});

describe('the dynamodb journal over many pages', () => {
  it('reads 60 records in order across 15 pages', async () => {
    // Prepare
    const { journal, handle } = await IMPLEMENTATIONS[1]!.fresh();
    const records = Array.from({ length: 30 }, (_, i) => [started(`run-${i}`), finished(`run-${i}`)]).flat();

    // Act
    for (const record of records) await journal.append(record);

    // Assess
    expect((await handle().read()).records).toEqual(records);
  });
});
