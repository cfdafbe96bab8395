/**
 * What only the shared (DynamoDB) journal has, against moto's real DynamoDB: the table it makes,
 * account leases and intent claims (conditional writes, raced for real), a missing table said in one
 * line, and a record that is not one named by its item.
 */
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/core/journal/records.js';
import { openDynamoJournal } from '../../src/journal/dynamodb/journal.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import {
  ClaimHeldError,
  type Journal,
  JournalError,
  LeaseHeldError,
  LeaseLostError,
} from '../../src/journal/journal.js';
import { claimAttempt, finished, leaseAttempt, started } from '../support/journal.js';
import { motoClientConfig, useMotoDynamo } from '../support/moto.js';

const ACCOUNT = '111111111111';
const T0 = new Date('2026-11-22T12:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const noSleep = { sleep: async () => {} };

let tables = 0;

const dynamo = useMotoDynamo();

/** A new journal table and a way to open handles on it (each handle is another "process"). */
async function freshTable(leaseSeconds = 900): Promise<{ tableName: string; open: () => Journal }> {
  const tableName = `journal-${++tables}`;
  await createJournalTable(dynamo.client, tableName, noSleep);
  return { tableName, open: () => openDynamoJournal({ tableName, client: dynamo.client, leaseSeconds }) };
}

const intentRecord = (runId: string, actionId: string): JournalRecord => ({
  v: 1,
  type: 'intent',
  runId,
  at: T0.toISOString(),
  actionId,
  action: {
    id: actionId,
    chainId: 'c',
    accountId: ACCOUNT,
    userName: 'alice',
    stage: 'revoke-unused',
    rule: 'UNUSED_CREDENTIALS',
    reason: 'Unused.',
    type: 'deactivate-key',
    accessKeyId: 'AKIAALICE',
    expect: { status: 'Active', lastUsedDate: null, replacementAccessKeyId: null },
  },
});
const outcomeRecord = (runId: string, actionId: string): JournalRecord => ({
  v: 1,
  type: 'outcome',
  runId,
  at: T0.toISOString(),
  actionId,
  status: 'done',
  reason: null,
  requestId: null,
});
const claimOf = (runId: string, actionId = `${ACCOUNT}/alice/AKIAALICE/deactivate-key/revoke-unused`) => ({
  actionId,
  accountId: ACCOUNT,
  runId,
  resumeOf: null,
  at: T0.toISOString(),
});

describe('keywarden journal create (createJournalTable)', () => {
  it('makes an on-demand table with the journal key schema, point-in-time recovery and TTL', async () => {
    // Act
    const result = await createJournalTable(dynamo.client, 'journal-create', noSleep);

    // Assess
    expect(result).toEqual({
      created: true,
      changes: [
        'created the table (on-demand billing)',
        'turned on point-in-time recovery',
        'turned on TTL on expiresAt',
      ],
      warnings: [],
    });
    const table = (await dynamo.client.send(new DescribeTableCommand({ TableName: 'journal-create' }))).Table;
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const backups = await dynamo.client.send(
      new DescribeContinuousBackupsCommand({ TableName: 'journal-create' }),
    );
    expect(
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
    ).toBe('ENABLED');
    const ttl = await dynamo.client.send(new DescribeTimeToLiveCommand({ TableName: 'journal-create' }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('is idempotent: a second run changes nothing', async () => {
    // Prepare
    await createJournalTable(dynamo.client, 'journal-twice', noSleep);

    // Act
    const again = await createJournalTable(dynamo.client, 'journal-twice', noSleep);

    // Assess
    expect(again).toEqual({ created: false, changes: [], warnings: [] });
  });

  it('refuses a table that exists with another key schema, and changes nothing', async () => {
    // Prepare
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: 'not-a-journal',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );

    // Act
    const attempt = createJournalTable(dynamo.client, 'not-a-journal', noSleep);

    // Assess
    await expect(attempt).rejects.toThrow(JournalError);
    await expect(createJournalTable(dynamo.client, 'not-a-journal', noSleep)).rejects.toThrow(
      'dynamodb://not-a-journal: the table exists with key schema id (HASH, S); a Keywarden journal needs partition key pk (S) and sort key sk (S): name another table',
    );
    const backups = await dynamo.client.send(
      new DescribeContinuousBackupsCommand({ TableName: 'not-a-journal' }),
    );
    expect(
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
    ).toBe('DISABLED');
  });
});

describe('a table that does not exist', () => {
  it.each([
    ['read', (j: Journal) => j.read()],
    ['append', (j: Journal) => j.append(started('r1'))],
    ['verify', (j: Journal) => j.verify?.() ?? Promise.resolve()],
    [
      'lease',
      (j: Journal) => j.leases?.acquire({ accountId: ACCOUNT, runId: 'r1', command: 'apply', now: T0 }),
    ],
  ])('%s: one line naming keywarden journal create', async (_, use) => {
    // Prepare
    const journal = openDynamoJournal({
      tableName: 'no-such-table',
      client: dynamo.client,
      leaseSeconds: 900,
    });

    // Act
    const attempt = use(journal);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'JournalTableMissingError' });
    await expect(use(journal)).rejects.toThrow(
      'dynamodb://no-such-table: the DynamoDB table no-such-table does not exist in this account and region; create it with: keywarden journal create dynamodb://no-such-table',
    );
  });
});

describe('records', () => {
  it('names an item that is not a record instead of guessing past it', async () => {
    // Prepare
    const { tableName, open } = await freshTable();
    const journal = open();
    await journal.append(started('r1'));
    await journal.append(finished('r1'));
    // Someone edited the table by hand.
    await DynamoDBDocumentClient.from(dynamo.client).send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'journal', sk: 'record#000000000000002', record: '{"v":1,"type":"inte' },
      }),
    );

    // Act
    const attempt = open().read();

    // Assess
    await expect(attempt).rejects.toThrow(
      /^dynamodb:\/\/journal-\d+: item record#000000000000002: not JSON .*restore that item from a backup/,
    );
  });
});

describe('account leases', () => {
  it('one run holds the account; a second is told who holds it, since and until when', async () => {
    // Prepare
    const { open } = await freshTable(600);
    const leases = open().leases;

    // Act
    const first = await leaseAttempt(
      leases?.acquire({ accountId: ACCOUNT, runId: 'run-a', command: 'apply', now: T0 }),
    );
    const second = await leaseAttempt(
      open().leases?.acquire({
        accountId: ACCOUNT,
        runId: 'run-b',
        command: 'resume',
        now: minutes(9),
      }),
    );
    const otherAccount = await leaseAttempt(
      open().leases?.acquire({
        accountId: '222222222222',
        runId: 'run-b',
        command: 'apply',
        now: minutes(9),
      }),
    );

    // Assess
    const lease = {
      accountId: ACCOUNT,
      runId: 'run-a',
      command: 'apply',
      since: T0.toISOString(),
      renewedAt: T0.toISOString(),
      until: minutes(10).toISOString(),
    };
    expect(first).toEqual({ kind: 'acquired', lease });
    expect(second).toEqual({ kind: 'held', lease });
    expect(otherAccount?.kind).toBe('acquired');
  });

  it('a lease renewed as the run goes on holds; one that lapsed (a crash) is taken over', async () => {
    // Prepare
    const { open } = await freshTable(600);
    const a = open().leases;
    const b = open().leases;
    const taken = await leaseAttempt(
      a?.acquire({ accountId: ACCOUNT, runId: 'run-a', command: 'apply', now: T0 }),
    );
    if (taken?.kind !== 'acquired') throw new Error('run-a did not get the lease');

    // Act
    const renewed = await a?.renew(taken.lease, minutes(8));
    const whileRenewed = await leaseAttempt(
      b?.acquire({
        accountId: ACCOUNT,
        runId: 'run-b',
        command: 'apply',
        now: minutes(15),
      }),
    );
    const afterLapse = await leaseAttempt(
      b?.acquire({
        accountId: ACCOUNT,
        runId: 'run-b',
        command: 'apply',
        now: minutes(19),
      }),
    );

    // Assess
    expect(renewed).toMatchObject({ renewedAt: minutes(8).toISOString(), until: minutes(18).toISOString() });
    expect(whileRenewed).toEqual({ kind: 'held', lease: expect.objectContaining({ runId: 'run-a' }) });
    expect(afterLapse).toEqual({ kind: 'acquired', lease: expect.objectContaining({ runId: 'run-b' }) });
    const lost = a?.renew(renewed ?? taken.lease, minutes(20));
    await expect(lost).rejects.toThrow(LeaseLostError);
    await expect(a?.renew(renewed ?? taken.lease, minutes(20))).rejects.toThrow(
      `run run-a lost its lease on account ${ACCOUNT} to run run-b (apply, since ${minutes(19).toISOString()}); it stopped before its next change`,
    );
  });

  it('a released lease is free at once; releasing another run’s lease does nothing', async () => {
    // Prepare
    const { open } = await freshTable();
    const leases = open().leases;
    const taken = await leaseAttempt(
      leases?.acquire({ accountId: ACCOUNT, runId: 'run-a', command: 'apply', now: T0 }),
    );
    if (taken?.kind !== 'acquired') throw new Error('run-a did not get the lease');

    // Act
    await leases?.release({ ...taken.lease, runId: 'run-x' });
    const stillHeld = await leaseAttempt(
      leases?.acquire({
        accountId: ACCOUNT,
        runId: 'run-b',
        command: 'apply',
        now: T0,
      }),
    );
    await leases?.release(taken.lease);
    const free = await leaseAttempt(
      leases?.acquire({ accountId: ACCOUNT, runId: 'run-b', command: 'apply', now: T0 }),
    );

    // Assess
    expect(stillHeld?.kind).toBe('held');
    expect(free?.kind).toBe('acquired');
  });

  it('lists every lease record by account, lapsed ones too, with its last renewal (the heartbeat)', async () => {
    // Prepare
    const { open } = await freshTable(600);
    const leases = open().leases;
    const taken = await leaseAttempt(
      leases?.acquire({ accountId: ACCOUNT, runId: 'run-a', command: 'apply', now: T0 }),
    );
    if (taken?.kind !== 'acquired') throw new Error('run-a did not get the lease');
    await leases?.renew(taken.lease, minutes(3));
    await leases?.acquire({
      accountId: '222222222222',
      runId: 'run-b',
      command: 'rotate',
      now: minutes(-60),
    });
    await leases?.acquire({ accountId: '000000000009', runId: 'run-c', command: 'undo', now: minutes(1) });

    // Act
    const all = await open().leases?.list();
    const one = await open().leases?.list({ accountId: ACCOUNT });
    const none = await open().leases?.list({ accountId: '333333333333' });

    // Assess
    expect(all?.map((l) => `${l.accountId}:${l.runId}:${l.renewedAt}`)).toEqual([
      `000000000009:run-c:${minutes(1).toISOString()}`,
      `${ACCOUNT}:run-a:${minutes(3).toISOString()}`,
      `222222222222:run-b:${minutes(-60).toISOString()}`,
    ]);
    expect(one).toEqual([
      {
        accountId: ACCOUNT,
        runId: 'run-a',
        command: 'apply',
        since: T0.toISOString(),
        renewedAt: minutes(3).toISOString(),
        until: minutes(13).toISOString(),
      },
    ]);
    expect(none).toEqual([]);
  });

  it('releasing a lease as read removes only that record: a renewal since then keeps it', async () => {
    // Prepare: someone reads run-a's lease; run-a renews it afterwards.
    const { open } = await freshTable(600);
    const holder = open().leases;
    const taken = await leaseAttempt(
      holder?.acquire({ accountId: ACCOUNT, runId: 'run-a', command: 'apply', now: T0 }),
    );
    if (taken?.kind !== 'acquired') throw new Error('run-a did not get the lease');
    const admin = open().leases;
    const [seen] = (await admin?.list({ accountId: ACCOUNT })) ?? [];
    if (seen === undefined) throw new Error('no lease listed');
    const renewed = await holder?.renew(taken.lease, minutes(4));

    // Act
    const stale = await admin?.releaseIfUnchanged(seen);
    const afterStale = await admin?.list({ accountId: ACCOUNT });
    const [current] = (await admin?.list({ accountId: ACCOUNT })) ?? [];
    const fresh = current === undefined ? undefined : await admin?.releaseIfUnchanged(current);
    const gone = await admin?.releaseIfUnchanged(seen);

    // Assess
    expect(stale).toEqual({ kind: 'changed', current: renewed });
    expect(afterStale).toEqual([renewed]);
    expect(fresh).toEqual({ kind: 'released' });
    expect(await admin?.list()).toEqual([]);
    expect(gone).toEqual({ kind: 'changed', current: null });
  });

  it('of 12 runs racing for one account, exactly one gets the lease', async () => {
    // Prepare
    const { open } = await freshTable();

    // Act
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        leaseAttempt(
          open().leases?.acquire({ accountId: ACCOUNT, runId: `run-${i}`, command: 'apply', now: T0 }),
        ),
      ),
    );

    // Assess
    const winners = attempts.filter((a) => a?.kind === 'acquired');
    expect(winners).toHaveLength(1);
    const winner = winners[0]?.lease.runId;
    expect(attempts.filter((a) => a?.kind === 'held').every((a) => a?.lease.runId === winner)).toBe(true);
  });
});

describe('what another run holds', () => {
  it('is a typed error carrying the holder: LeaseHeldError, ClaimHeldError', async () => {
    // Prepare
    const { open } = await freshTable(600);
    const a = open();
    await a.leases?.acquire({ accountId: ACCOUNT, runId: 'run-a', command: 'apply', now: T0 });
    await a.append(started('run-a'));
    await a.intents?.claim(claimOf('run-a'));

    // Act
    const lease = await open()
      .leases?.acquire({ accountId: ACCOUNT, runId: 'run-b', command: 'apply', now: T0 })
      .catch((error: unknown) => error);
    const claim = await open()
      .intents?.claim(claimOf('run-b'))
      .catch((error: unknown) => error);

    // Assess
    expect(lease).toBeInstanceOf(LeaseHeldError);
    expect(lease).toMatchObject({
      holder: { accountId: ACCOUNT, runId: 'run-a', command: 'apply', since: T0.toISOString() },
      message: `account ${ACCOUNT} is held by run run-a (apply) since ${T0.toISOString()}, until ${minutes(10).toISOString()} unless renewed`,
    });
    expect(claim).toBeInstanceOf(ClaimHeldError);
    expect(claim).toMatchObject({
      actionId: claimOf('run-b').actionId,
      holder: { runId: 'run-a', since: T0.toISOString() },
    });
  });
});

describe('intent claims', () => {
  it('an action is held by one run until its outcome; then another run may claim it', async () => {
    // Prepare
    const { open } = await freshTable();
    const a = open();
    const b = open();
    const actionId = claimOf('run-a').actionId;
    await a.append(started('run-a'));
    await b.append(started('run-b'));

    // Act
    const mine = await claimAttempt(a.intents?.claim(claimOf('run-a')));
    const again = await claimAttempt(a.intents?.claim(claimOf('run-a')));
    const theirs = await claimAttempt(b.intents?.claim(claimOf('run-b')));
    await a.append(intentRecord('run-a', actionId));
    await a.append(outcomeRecord('run-a', actionId));
    const afterOutcome = await claimAttempt(b.intents?.claim(claimOf('run-b')));

    // Assess
    expect(mine).toBeNull();
    expect(again).toBeNull();
    expect(theirs).toEqual({ runId: 'run-a', since: T0.toISOString() });
    expect(afterOutcome).toBeNull();
  });

  it('a run that resumes an interrupted run takes its claims; any run may once that resume finished', async () => {
    // Prepare: run-a claimed the action, journaled its intent and died.
    const { open } = await freshTable();
    const a = open();
    const actionId = claimOf('run-a').actionId;
    await a.append(started('run-a'));
    await a.intents?.claim(claimOf('run-a'));
    await a.append(intentRecord('run-a', actionId));
    const resume = open();
    const later = open();
    await resume.append(started('resume-1', undefined, 'run-a'));
    await later.append(started('run-c'));

    // Act
    const beforeResume = await claimAttempt(later.intents?.claim(claimOf('run-c')));
    const byResume = await claimAttempt(resume.intents?.claim({ ...claimOf('resume-1'), resumeOf: 'run-a' }));
    await resume.append(intentRecord('resume-1', actionId));
    await resume.append(outcomeRecord('resume-1', actionId));
    await a.intents?.claim(claimOf('run-a', `${ACCOUNT}/alice/AKIAALICE/notify/revoke-unused`));
    const heldByDeadRun = await claimAttempt(
      later.intents?.claim(claimOf('run-c', `${ACCOUNT}/alice/AKIAALICE/notify/revoke-unused`)),
    );
    await resume.append(finished('resume-1'));
    const afterResume = await claimAttempt(
      later.intents?.claim(claimOf('run-c', `${ACCOUNT}/alice/AKIAALICE/notify/revoke-unused`)),
    );

    // Assess
    expect(beforeResume).toEqual({ runId: 'run-a', since: T0.toISOString() });
    expect(byResume).toBeNull();
    expect(heldByDeadRun).toEqual({ runId: 'run-a', since: T0.toISOString() });
    expect(afterResume).toBeNull();
  });

  it('of 10 runs racing for one action, exactly one holds it', async () => {
    // Prepare
    const { open } = await freshTable();

    // Act
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claimAttempt(open().intents?.claim(claimOf(`run-${i}`)))),
    );

    // Assess
    expect(claims.filter((c) => c === null)).toHaveLength(1);
  });
});

describe('a write whose answer is lost', () => {
  /**
   * A client that lets every journal write land in DynamoDB, then loses the answer of its first
   * attempt (a 500, as after a dropped connection): the SDK sends the same write again, and finds
   * the item already there.
   */
  function losingFirstAnswers(): { client: DynamoDBClient; lost: () => number } {
    const lossy = new DynamoDBClient({ ...motoClientConfig(dynamo.moto), maxAttempts: 3 });
    let lost = 0;
    let loseNext = true;
    lossy.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (!['PutItemCommand', 'TransactWriteItemsCommand'].includes(context.commandName ?? '')) {
          return result;
        }
        if (loseNext) {
          loseNext = false;
          lost++;
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
            name: 'InternalServerError',
            $metadata: { httpStatusCode: 500 },
          });
        }
        loseNext = true;
        return result;
      },
      { step: 'deserialize', name: 'loseFirstAnswer' },
    );
    return { client: lossy, lost: () => lost };
  }

  it('is written once: plain puts and transactions alike; the claim its outcome releases is free', async () => {
    // Prepare
    const { tableName, open } = await freshTable();
    const { client: lossy, lost } = losingFirstAnswers();
    const journal = openDynamoJournal({ tableName, client: lossy, leaseSeconds: 900 });
    const actionId = claimOf('run-a').actionId;

    // Act
    await journal.append(started('run-a'));
    expect(await claimAttempt(journal.intents?.claim(claimOf('run-a')))).toBeNull();
    await journal.append(intentRecord('run-a', actionId));
    await journal.append(outcomeRecord('run-a', actionId));
    await journal.append(finished('run-a'));

    // Assess
    expect(lost()).toBeGreaterThanOrEqual(4);
    const { records } = await open().read();
    expect(records.map((r) => r.type)).toEqual(['run-started', 'intent', 'outcome', 'run-finished']);
    expect(await claimAttempt(open().intents?.claim(claimOf('run-b')))).toBeNull();
    lossy.destroy();
  });
});
