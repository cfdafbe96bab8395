/**
 * The lease's heartbeat, against moto's DynamoDB (the journal) and the emulator (STS, the clock):
 * while a run holds its account's lease, each heartbeat renews it and stamps its time, a heartbeat
 * that finds the lease taken stops the run before its next change, and a run that finds the account
 * held tells a live holder from one that stopped heartbeating. The heartbeat is driven by hand and
 * the emulator's clock is moved: nothing waits for time to pass.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listLeases, underAccountLease } from '../../src/engine/lease.js';
import type { HeartbeatTimer } from '../../src/engine/types.js';
import { openDynamoJournal } from '../../src/journal/dynamodb/journal.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import { type AccountLease, type Journal, LeaseLostError } from '../../src/journal/journal.js';
import { FIXED_NOW } from '../support/emulator.js';
import { leaseAttempt } from '../support/journal.js';
import { useMotoDynamo } from '../support/moto.js';
import { type Harness, startHarness } from './apply-harness.js';

const ACCOUNT = '111111111111';
const LEASE_SECONDS = 900;
const minutes = (n: number) => new Date(FIXED_NOW.getTime() + n * 60_000);

const dynamo = useMotoDynamo();
let h: Harness | undefined;
let tables = 0;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** A harness on the emulator whose journal is a new DynamoDB table; `open` gives other handles on it. */
async function setUp(): Promise<{ h: Harness; open: () => Journal }> {
  const tableName = `heartbeat-${++tables}`;
  await createJournalTable(dynamo.client, tableName, { sleep: async () => {} });
  const open = () => openDynamoJournal({ tableName, client: dynamo.client, leaseSeconds: LEASE_SECONDS });
  h = await startHarness({ accounts: [{ id: ACCOUNT, users: [] }] }, { journal: async () => open() });
  return { h, open };
}

/** A heartbeat the test beats by hand. */
function manualHeartbeat() {
  const state = { intervalMs: 0, running: false, beat: async () => {} };
  const timer: HeartbeatTimer = (intervalMs, beat) => {
    Object.assign(state, { intervalMs, beat, running: true });
    return () => {
      state.running = false;
    };
  };
  return { timer, state };
}

const leaseOf = async (journal: Journal): Promise<AccountLease | undefined> =>
  (await journal.leases?.list({ accountId: ACCOUNT }))?.[0];

describe('the heartbeat of a run holding its lease', () => {
  it('renews the lease every third of it, stamping the time, and stops when the run ends', async () => {
    // Prepare
    const { h, open } = await setUp();
    const heartbeat = manualHeartbeat();
    const deps = { ...h.deps(), heartbeat: heartbeat.timer };

    // Act: the run is in the middle of something for 7 minutes, beating at 5.
    const out = await underAccountLease(deps, { runId: 'run-a', command: 'apply' }, async () => {
      h.emu.clock.set(minutes(5));
      await heartbeat.state.beat();
      const during = await leaseOf(open());
      h.emu.clock.set(minutes(7));
      return { during, running: heartbeat.state.running };
    });

    // Assess
    expect(heartbeat.state.intervalMs).toBe((LEASE_SECONDS * 1000) / 3);
    expect(out).toEqual({
      kind: 'ran',
      value: {
        during: expect.objectContaining({
          runId: 'run-a',
          since: FIXED_NOW.toISOString(),
          renewedAt: minutes(5).toISOString(),
          until: minutes(20).toISOString(),
        }),
        running: true,
      },
    });
    expect(heartbeat.state.running).toBe(false);
    expect(await leaseOf(open())).toBeUndefined();
  });

  it('a heartbeat that finds the lease taken makes the run stop before its next change', async () => {
    // Prepare
    const { h, open } = await setUp();
    const heartbeat = manualHeartbeat();
    const deps = { ...h.deps(), heartbeat: heartbeat.timer };

    // Act: the run stalls past its lease; another run takes the account; then the run's heartbeat.
    const out = underAccountLease(deps, { runId: 'run-a', command: 'apply' }, async (scope) => {
      h.emu.clock.set(minutes(16));
      const other = await leaseAttempt(
        open().leases?.acquire({
          accountId: ACCOUNT,
          runId: 'run-b',
          command: 'rotate',
          now: minutes(16),
        }),
      );
      await heartbeat.state.beat();
      return {
        other: other?.kind,
        keep: await scope.keep().then(
          () => 'kept',
          (e: unknown) => e,
        ),
      };
    });

    // Assess
    const result = await out;
    if (result.kind !== 'ran') throw new Error(`expected the run to run, got ${result.kind}`);
    expect(result.value.other).toBe('acquired');
    expect(result.value.keep).toBeInstanceOf(LeaseLostError);
    expect(String(result.value.keep)).toContain(
      'run run-a lost its lease on account 111111111111 to run run-b',
    );
    // Its release leaves run-b's lease alone.
    expect((await leaseOf(open()))?.runId).toBe('run-b');
  });
});

describe('a run that finds the account held', () => {
  it.each([
    ['renewed 4 minutes ago: live', -4, 'live'],
    ['renewed 11 minutes ago (two heartbeats missed): stopped heartbeating', -11, 'stopped-heartbeating'],
  ] as const)('by a run %s', async (_, renewedMinutesAgo, holder) => {
    // Prepare: run-a took the lease at -14 minutes and last renewed it `renewedMinutesAgo`.
    const { h, open } = await setUp();
    const taken = await leaseAttempt(
      open().leases?.acquire({
        accountId: ACCOUNT,
        runId: 'run-a',
        command: 'apply',
        now: minutes(-14),
      }),
    );
    if (taken?.kind !== 'acquired') throw new Error('run-a did not get the lease');
    await open().leases?.renew(taken.lease, minutes(renewedMinutesAgo));
    let ran = false;

    // Act
    const out = await underAccountLease(h.deps(), { runId: 'run-b', command: 'apply' }, async () => {
      ran = true;
    });

    // Assess
    expect(ran).toBe(false);
    expect(out).toMatchObject({
      kind: 'held-elsewhere',
      holder,
      lease: { runId: 'run-a', renewedAt: minutes(renewedMinutesAgo).toISOString() },
    });
  });
});

describe('a lease as another run judges it (listLeases)', () => {
  /** A journal on a new table whose one lease was last renewed at `renewedAt`, for the full term. */
  const journalRenewedAt = async (renewedAt: Date): Promise<Journal> => {
    const tableName = `judged-${++tables}`;
    await createJournalTable(dynamo.client, tableName, { sleep: async () => {} });
    const journal = openDynamoJournal({ tableName, client: dynamo.client, leaseSeconds: LEASE_SECONDS });
    const taken = await leaseAttempt(
      journal.leases?.acquire({ accountId: ACCOUNT, runId: 'run-a', command: 'apply', now: minutes(-30) }),
    );
    if (taken?.kind !== 'acquired') throw new Error('run-a did not get the lease');
    await journal.leases?.renew(taken.lease, renewedAt);
    return journal;
  };

  it.each([
    ['renewed one heartbeat ago', minutes(-5), 'live'],
    ['renewed exactly two heartbeats ago', minutes(-10), 'live'],
    [
      'renewed a second more than two heartbeats ago',
      new Date(minutes(-10).getTime() - 1000),
      'stopped-heartbeating',
    ],
    ['lapsing right now', minutes(-15), 'stopped-heartbeating'],
    ['lapsed a second ago', new Date(minutes(-15).getTime() - 1000), 'lapsed'],
  ] as const)('%s: $2', async (_, renewedAt, state) => {
    const listed = await listLeases(await journalRenewedAt(renewedAt), () => FIXED_NOW);
    expect(listed?.leases.map((l) => l.state)).toEqual([state]);
  });
});
