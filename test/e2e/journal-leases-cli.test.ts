/**
 * `keywarden journal leases` and `journal release`, and what a run says when it finds its account
 * held: IAM and STS are the emulator (its clock is the runs' clock), DynamoDB is moto's. A run
 * that stopped heartbeating is made by writing its lease with an old `now`: nothing waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import { openDynamoJournal } from '../../src/journal/dynamodb/journal.js';
import { createJournalTable } from '../../src/journal/dynamodb/table.js';
import type { JournalLeases } from '../../src/journal/journal.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { useMotoDynamo } from '../support/moto.js';

const ACCOUNT = '111111111111';
const minutes = (n: number) => new Date(FIXED_NOW.getTime() + n * 60_000);
const WORLD = {
  accounts: [
    {
      id: ACCOUNT,
      users: [{ name: 'unused', accessKeys: [{ createdDaysAgo: 120, lastUsedDaysAgo: 'never' as const }] }],
    },
  ],
};

const dynamo = useMotoDynamo();
let emu: Emulator | undefined;
let tables = 0;

afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

/**
 * The emulator (frozen at FIXED_NOW), a new journal table, the CLI pointed at both, and the table's
 * leases as another run would take them.
 */
async function setUp(): Promise<{ e: Emulator; table: string; cli: typeof runCli; leases: JournalLeases }> {
  const e = await startTestEmulator({ world: WORLD });
  emu = e;
  const tableName = `kw-leases-${++tables}`;
  await createJournalTable(dynamo.client, tableName, { sleep: async () => {} });
  const env = {
    AWS_ACCESS_KEY_ID: 'AKIDLEASESCLI',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_ENDPOINT_URL: e.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.moto.endpoint,
  };
  const cli: typeof runCli = (args, options = {}) =>
    runCli(args, { ...options, env: { ...env, ...options.env } });
  const leases = openDynamoJournal({ tableName, client: dynamo.client, leaseSeconds: 900 }).leases;
  if (leases === undefined) throw new Error('a DynamoDB journal has leases');
  return { e, table: `dynamodb://${tableName}`, cli, leases };
}

/** Run `dead-run` took the account's lease at `takenAt` (minutes) and last renewed it at `renewedAt`. */
async function leaseHeldBy(leases: JournalLeases, runId: string, takenAt: number, renewedAt: number) {
  // A lease another run holds throws (LeaseHeldError).
  const taken = await leases.acquire({ accountId: ACCOUNT, runId, command: 'apply', now: minutes(takenAt) });
  return leases.renew(taken, minutes(renewedAt));
}

describe('a run that finds its account held by a run that stopped heartbeating', () => {
  it('does nothing, says so with the release command, exits 4; that command frees the account', async () => {
    // Prepare: the holder took the lease 20 minutes ago and last renewed it 11 minutes ago.
    const { e, table, cli, leases } = await setUp();
    await leaseHeldBy(leases, 'dead-run', -20, -11);

    // Act
    const blocked = await cli(['apply', '--yes', '--journal', table]);
    const changesWhileBlocked = e.faults.count('iam', 'UpdateAccessKey');
    const command = /release it with: (keywarden journal release .*)$/m.exec(blocked.stderr)?.[1] ?? '';
    const released = await cli(command.split(' ').slice(1));
    const after = await cli(['apply', '--yes', '--format', 'json', '--journal', table]);

    // Assess
    expect(blocked.exitCode).toBe(4);
    expect(blocked.stderr).toBe(
      `keywarden: account ${ACCOUNT} is held by run dead-run (apply), which has stopped heartbeating since ` +
        `${minutes(-11).toISOString()} (probably dead); its lease lapses at ${minutes(4).toISOString()}: ` +
        `this run did nothing; release it with: keywarden journal release --account ${ACCOUNT} --journal ${table}\n`,
    );
    expect(changesWhileBlocked).toBe(0);
    expect(released.exitCode, released.stderr).toBe(0);
    expect(released.stdout).toBe(
      `released the lease of run dead-run (apply) on account ${ACCOUNT} in ${table}: its run stopped heartbeating at ${minutes(-11).toISOString()}\n`,
    );
    expect(after.exitCode, after.stderr).toBe(0);
    expect((JSON.parse(after.stdout) as { runId: string | null }).runId).not.toBeNull();
    expect(e.faults.count('iam', 'UpdateAccessKey')).toBe(1);
  });

  it.each([['apply'], ['rotate'], ['undo']])('%s --help documents exit 4', async (command) => {
    const help = await runCli([command, '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /4 when it stopped heartbeating|4 the account is held by a run that stopped heartbeating/,
    );
  });

  it('held by a live run (renewed within two heartbeats): exit 0, as before', async () => {
    // Prepare
    const { table, cli, leases } = await setUp();
    await leaseHeldBy(leases, 'live-run', -20, -4);

    // Act
    const result = await cli(['apply', '--yes', '--journal', table]);

    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(
      /^keywarden: account 111111111111 is held by run live-run \(apply\) since \S+, until \S+ unless renewed: this run did nothing/,
    );
  });
});

describe('keywarden journal leases', () => {
  it('lists each account’s lease with its holder, last heartbeat, until, age and state', async () => {
    // Prepare
    const { table, cli, leases } = await setUp();
    await leaseHeldBy(leases, 'dead-run', -20, -11);
    await leases.acquire({
      accountId: '222222222222',
      runId: 'live-run',
      command: 'rotate',
      now: minutes(-2),
    });
    await leases.acquire({ accountId: '333333333333', runId: 'old-run', command: 'undo', now: minutes(-60) });

    // Act
    const json = await cli(['journal', 'leases', '--journal', table, '--format', 'json']);
    const rendered = await cli(['journal', 'leases', '--journal', table]);

    // Assess
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        accountId: ACCOUNT,
        runId: 'dead-run',
        command: 'apply',
        state: 'stopped-heartbeating',
        since: minutes(-20).toISOString(),
        renewedAt: minutes(-11).toISOString(),
        until: minutes(4).toISOString(),
        ageSeconds: 1200,
      },
      expect.objectContaining({ accountId: '222222222222', state: 'live', ageSeconds: 120 }),
      expect.objectContaining({ accountId: '333333333333', state: 'lapsed', ageSeconds: 3600 }),
    ]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    const lines = rendered.stdout.trim().split('\n');
    expect(lines[0]).toBe(`leases in ${table} at 2026-11-22T12:00:00Z (the service's clock)`);
    expect(lines[1]).toMatch(/^ACCOUNT\s+STATE\s+RUN\s+COMMAND\s+AGE\s+LAST HEARTBEAT\s+UNTIL$/);
    expect(lines[2]).toMatch(/^111111111111\s+stopped\s+dead-run\s+apply\s+20m\s+11m ago\s+in 4m$/);
    expect(lines[4]).toMatch(/^333333333333\s+lapsed\s+old-run\s+undo\s+1h\s+1h ago\s+45m ago$/);
    expect(lines[5]).toBe(
      `run dead-run stopped heartbeating (probably dead); release account ${ACCOUNT} with: keywarden journal release --account ${ACCOUNT} --journal ${table}`,
    );
    expect(lines).toHaveLength(6);
  });

  it('--account reads one account; a file journal says it has no leases (exit 0)', async () => {
    // Prepare
    const { table, cli, leases } = await setUp();
    await leaseHeldBy(leases, 'dead-run', -20, -11);

    // Act
    const one = await cli(['journal', 'leases', '--journal', table, '--account', '222222222222']);
    const file = await cli(['journal', 'leases', '--journal', 'journal.jsonl', '--format', 'json']);

    // Assess
    expect(one.stdout).toBe(
      `leases in ${table} at 2026-11-22T12:00:00Z (the service's clock): none; no run holds an account\n`,
    );
    expect(file.exitCode).toBe(0);
    expect(file.stdout).toBe('[]\n');
    expect(file.stderr).toMatch(
      /^keywarden: the file journal \S+journal\.jsonl has no leases: .*; no run holds it now$/m,
    );
  });
});

describe('keywarden journal release', () => {
  it('refuses a live run’s lease without --force, naming the run; --force releases it', async () => {
    // Prepare
    const { table, cli, leases } = await setUp();
    await leaseHeldBy(leases, 'live-run', -20, -4);

    // Act
    const refused = await cli(['journal', 'release', '--account', ACCOUNT, '--journal', table]);
    const stillHeld = await leases.list({ accountId: ACCOUNT });
    const forced = await cli(['journal', 'release', '--account', ACCOUNT, '--journal', table, '--force']);
    const again = await cli(['journal', 'release', '--account', ACCOUNT, '--journal', table]);

    // Assess
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      `keywarden: --account: account ${ACCOUNT} is held by run live-run (apply), which is live (last heartbeat ` +
        `${minutes(-4).toISOString()}); releasing it would take the account away from a live run: wait until that run is done, or pass --force\n`,
    );
    expect(stillHeld.map((l) => l.runId)).toEqual(['live-run']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('released the lease of run live-run (apply)');
    expect(await leases.list()).toEqual([]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe(`no lease on account ${ACCOUNT} in ${table}: nothing to release\n`);
  });

  it.each([
    [['--account', '1111'], '--account: must be a 12-digit AWS account id (got "1111")'],
    [['--account', ACCOUNT, '--journal', 'journal.jsonl'], '--journal: the file journal '],
  ])('%j: one line, exit 2', async (args, message) => {
    // Prepare
    const { cli } = await setUp();

    // Act
    const result = await cli(['journal', 'release', ...args]);

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`keywarden: ${message}`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
