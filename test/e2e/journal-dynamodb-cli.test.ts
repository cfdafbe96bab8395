/**
 * `--journal dynamodb://TABLE` end to end: IAM, STS and Secrets Manager are our emulator, DynamoDB
 * is moto's (AWS_ENDPOINT_URL_DYNAMODB). The table is made with `keywarden journal create`; apply,
 * history and undo use it; two applies race on one account and every change happens once; a run
 * killed mid-way keeps its lease until it lapses (the emulator's clock is moved, nothing sleeps),
 * then a resume finishes it; a run whose lease lapsed while one of its calls hung keeps its action
 * from being done again; a table that does not exist is one line naming `keywarden journal create`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../src/core/journal/records.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { openDynamoJournal } from '../../src/journal/dynamodb/journal.js';
import { BIN, runCli, runProcess, startCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';
import { type Moto, motoClientConfig, startMotoDynamo } from '../support/moto.js';
import { applyProcess } from '../support/remediation.js';

const ACCOUNT = '111111111111';
const APP_KEY = 'AKIAAPPOLD0000000001';
const UNUSED_KEY = 'AKIAUNUSED0000000001';
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        {
          name: 'app',
          createdDaysAgo: 200,
          accessKeys: [{ id: APP_KEY, createdDaysAgo: 95, lastUsedDaysAgo: 1 }],
        },
        { name: 'unused', accessKeys: [{ id: UNUSED_KEY, createdDaysAgo: 120, lastUsedDaysAgo: 'never' }] },
      ],
    },
  ],
};
/** The IAM changes one apply of WORLD makes: rotate app's key, revoke unused's. */
const ONE_APPLY = { CreateAccessKey: 1, UpdateAccessKey: 1, DeleteAccessKey: 0 };
const LEASE_MINUTES = 15;

let moto: Moto;
let dynamodb: DynamoDBClient;
let emu: Emulator | undefined;
let tables = 0;

beforeAll(async () => {
  moto = await startMotoDynamo();
  dynamodb = new DynamoDBClient(motoClientConfig(moto));
});
afterAll(async () => {
  dynamodb?.destroy();
  await moto?.stop();
});
afterEach(async () => {
  await emu?.stop();
  emu = undefined;
});

function env(e: Emulator): NodeJS.ProcessEnv {
  return {
    AWS_ACCESS_KEY_ID: 'AKIDJOURNALCLI',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_ENDPOINT_URL: e.url,
    AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
  };
}

/** An emulator with WORLD and a new journal table made by `keywarden journal create`. */
async function setUp(): Promise<{ e: Emulator; table: string; cli: typeof runCli }> {
  const e = await startTestEmulator({ world: WORLD });
  emu = e;
  const table = `dynamodb://kw-cli-${++tables}`;
  const cli: typeof runCli = (args, options = {}) =>
    runCli(args, { ...options, env: { ...env(e), ...options.env } });
  const created = await cli(['journal', 'create', table]);
  expect(created.exitCode, created.stderr).toBe(0);
  return { e, table, cli };
}

/** The IAM changes the emulator has served. */
function iamWrites(e: Emulator) {
  return {
    CreateAccessKey: e.faults.count('iam', 'CreateAccessKey'),
    UpdateAccessKey: e.faults.count('iam', 'UpdateAccessKey'),
    DeleteAccessKey: e.faults.count('iam', 'DeleteAccessKey'),
  };
}

async function records(table: string): Promise<JournalRecord[]> {
  const tableName = table.replace('dynamodb://', '');
  return (await openDynamoJournal({ tableName, client: dynamodb, leaseSeconds: 900 }).read()).records;
}

/** Each action id done, and how many times. */
function doneCounts(all: readonly JournalRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of all) {
    if (r.type === 'outcome' && r.status === 'done') counts[r.actionId] = (counts[r.actionId] ?? 0) + 1;
  }
  return counts;
}

const minutesLater = (e: Emulator, minutes: number) =>
  e.clock.set(new Date(e.clock.now().getTime() + minutes * 60_000));

describe('keywarden journal create', () => {
  it('creates the table, and a second run changes nothing', async () => {
    // Prepare
    const { cli, table } = await setUp();

    // Act
    const again = await cli(['journal', 'create', table]);

    // Assess
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain(`${table}: already a Keywarden journal`);
    expect(again.stdout).toContain('nothing changed');
  });

  it.each([
    ['./journal.jsonl', '<location>: journal create makes a DynamoDB table, give dynamodb://TABLE'],
    ['dynamodb://x', '<location>: dynamodb://TABLE needs a DynamoDB table name'],
  ])('refuses %s in one line (exit 2)', async (location, message) => {
    // Prepare
    emu = await startTestEmulator({ world: WORLD });

    // Act
    const result = await runCli(['journal', 'create', location], { env: env(emu) });

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`keywarden: ${message}`);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a journal that cannot be used', () => {
  it.each([
    ['plan', ['plan']],
    ['apply', ['apply', '--yes']],
    ['apply --resume', ['apply', '--yes', '--resume']],
    ['rotate', ['rotate', '--user', 'app', '--yes']],
    ['undo', ['undo', '2026-11-22T12-00-00Z-abcdef', '--yes']],
    ['history', ['history']],
    ['audit', ['audit']],
    ['forecast', ['forecast']],
  ])('%s on a table that does not exist: one line, exit 2, no IAM change', async (_, args) => {
    // Prepare
    emu = await startTestEmulator({ world: WORLD });

    // Act
    const result = await runCli([...args, '--journal', 'dynamodb://no-such-table'], { env: env(emu) });

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      'keywarden: dynamodb://no-such-table: the DynamoDB table no-such-table does not exist in this account and region; create it with: keywarden journal create dynamodb://no-such-table\n',
    );
    expect(iamWrites(emu)).toEqual({ CreateAccessKey: 0, UpdateAccessKey: 0, DeleteAccessKey: 0 });
  });

  it.each([
    [
      ['--journal', 's3://bucket/journal'],
      {},
      '--journal: must be a file path or dynamodb://TABLE; s3:// is not a journal (got "s3://bucket/journal")',
    ],
    [
      [],
      { KEYWARDEN_JOURNAL: 'dynamodb://a' },
      'KEYWARDEN_JOURNAL: dynamodb://TABLE needs a DynamoDB table name: 3 to 255 letters, digits, _ . or - (got "dynamodb://a")',
    ],
  ])(
    'a bad location %j %j: one line naming where it came from, no AWS call',
    async (flags, extraEnv, message) => {
      // Prepare
      emu = await startTestEmulator({ world: WORLD });

      // Act
      const result = await runCli(['apply', '--yes', ...flags], { env: { ...env(emu), ...extraEnv } });

      // Assess
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toBe(`keywarden: ${message}\n`);
      expect(emu.faults.count()).toBe(0);
    },
  );
});

describe('apply, history and undo on a DynamoDB journal', () => {
  it('journal: in the policy is used by every command; --journal overrides it', async () => {
    // Prepare
    const { e, cli, table } = await setUp();
    const cwd = mkdtempSync(join(tmpdir(), 'kw-dynamo-cli-'));
    writeFileSync(join(cwd, 'keywarden.yaml'), `version: 1\njournal: ${table}\n`);

    // Act
    const applied = await cli(['apply', '--yes', '--format', 'json'], { cwd });
    const output = JSON.parse(applied.stdout) as { runId: string; results: ActionResult[]; journal: string };
    const history = await cli(['history', '--format', 'json'], { cwd });
    const elsewhere = await cli(['history', '--format', 'json', '--journal', join(cwd, 'other.jsonl')], {
      cwd,
    });
    const undone = await cli(['undo', output.runId, '--yes'], { cwd });
    const again = await cli(['apply', '--yes', '--format', 'json'], { cwd });

    // Assess
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(output.journal).toBe(table);
    expect(output.results.map((r) => `${r.type}:${r.userName}:${r.status}`)).toEqual([
      'create-key:app:done',
      'store-secret:app:done',
      'notify:app:skipped',
      'deactivate-key:unused:done',
      'notify:unused:skipped',
    ]);
    expect(history.exitCode, history.stderr).toBe(0);
    const rows = JSON.parse(history.stdout) as { runId: string; type: string; status: string }[];
    expect(rows.filter((r) => r.runId === output.runId).map((r) => `${r.type}:${r.status}`)).toContain(
      'deactivate-key:done',
    );
    expect(JSON.parse(elsewhere.stdout)).toEqual([]);
    expect(undone.exitCode, undone.stderr).toBe(0);
    const unused = e.state.accounts.get(ACCOUNT)?.iam.users.get('unused')?.accessKeys[0];
    expect(unused?.status).toBe('Active');
    // Nothing is done twice: the rotation is in the journal, the reactivated key is held.
    expect(again.exitCode, again.stderr).toBe(0);
    expect(iamWrites(e)).toEqual({ CreateAccessKey: 1, UpdateAccessKey: 2, DeleteAccessKey: 0 });
    expect(Object.values(doneCounts(await records(table))).every((n) => n === 1)).toBe(true);
  });
});

describe('two applies on one account', () => {
  it('a second apply while the first holds the lease says which run holds it, does nothing, exits 0', async () => {
    // Prepare: the first apply's CreateAccessKey is held in flight, so it certainly holds the lease.
    const { e, cli, table } = await setUp();
    const held = e.faults.hold('iam', 'CreateAccessKey');
    const first = startCli(['apply', '--yes', '--format', 'json', '--journal', table], { env: env(e) });
    await held.arrived;

    // Act
    const second = await cli(['apply', '--yes', '--journal', table]);
    held.release();
    const firstResult = await first.done;

    // Assess
    expect(second.exitCode, second.stderr).toBe(0);
    const firstRun = (JSON.parse(firstResult.stdout) as { runId: string }).runId;
    expect(second.stderr).toMatch(
      new RegExp(
        `^keywarden: account ${ACCOUNT} is held by run ${firstRun} \\(apply\\) since \\S+, until \\S+ unless renewed: this run did nothing`,
      ),
    );
    expect(firstResult.exitCode, firstResult.stderr).toBe(0);
    expect(iamWrites(e)).toEqual(ONE_APPLY);
  });

  it('two apply processes started together: every change is made once between them', async () => {
    // Prepare
    const { e, table } = await setUp();
    const apply = () =>
      runProcess(process.execPath, [BIN, 'apply', '--yes', '--format', 'json', '--journal', table], {
        env: env(e),
      });

    // Act
    const results = await Promise.all([apply(), apply()]);

    // Assess
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    // One of them ran; the other found the lease held, or (started after it) nothing left to do.
    const runs = results.map((r) => (JSON.parse(r.stdout) as { runId: string | null }).runId);
    expect(runs.filter((id) => id !== null)).toHaveLength(1);
    expect(iamWrites(e)).toEqual(ONE_APPLY);
    expect(Object.values(doneCounts(await records(table))).every((n) => n === 1)).toBe(true);
    expect(e.state.accounts.get(ACCOUNT)?.iam.users.get('app')?.accessKeys).toHaveLength(2);
  });
});

describe('a run killed mid-way', () => {
  it('keeps its lease until it lapses; then a resume deletes its unstored key and rotates once', async () => {
    // Prepare: killed (SIGKILL) right after CreateAccessKey's outcome, before the secret was stored.
    const { e, cli, table } = await setUp();
    const dir = mkdtempSync(join(tmpdir(), 'kw-dynamo-crash-'));
    const killed = await applyProcess(e, dir, ['--journal', table], {
      crashAfter: 'create-key',
      env: { AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint },
    });
    expect(killed.exitCode, killed.stderr).not.toBe(0);
    const killedRun = (await records(table)).find((r) => r.type === 'run-started')?.runId;
    const orphan = e.state.accounts.get(ACCOUNT)?.iam.users.get('app')?.accessKeys[1]?.accessKeyId;

    // Act
    const whileLeased = await cli(['apply', '--yes', '--resume', '--journal', table]);
    minutesLater(e, LEASE_MINUTES + 1);
    const resumed = await cli(['apply', '--yes', '--resume', '--format', 'json', '--journal', table]);

    // Assess
    expect(whileLeased.exitCode, whileLeased.stderr).toBe(0);
    expect(whileLeased.stderr).toContain(`is held by run ${killedRun} (apply)`);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`recovered run(s) ${killedRun}`);
    const app = e.state.accounts.get(ACCOUNT)?.iam.users.get('app');
    expect(app?.accessKeys.map((k) => k.accessKeyId)).not.toContain(orphan);
    expect(app?.accessKeys).toHaveLength(2);
    const secret = e.state.accounts.get(ACCOUNT)?.secrets.get(`keywarden/${ACCOUNT}/app`);
    const stored = secret?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.secretString ?? '{}';
    expect((JSON.parse(stored) as { AccessKeyId: string }).AccessKeyId).toBe(app?.accessKeys[1]?.accessKeyId);
    expect(iamWrites(e)).toEqual({ CreateAccessKey: 2, UpdateAccessKey: 2, DeleteAccessKey: 1 });
  });

  it('a run whose lease lapsed while a call hung: another run skips the action it holds, naming it', async () => {
    // Prepare: the first apply hangs in CreateAccessKey past its lease.
    const { e, cli, table } = await setUp();
    const held = e.faults.hold('iam', 'CreateAccessKey');
    const first = startCli(['apply', '--yes', '--format', 'json', '--journal', table], { env: env(e) });
    await held.arrived;
    minutesLater(e, LEASE_MINUTES + 1);

    // Act: a rotate takes the lapsed lease and finds the create-key held; then the first run wakes.
    const rotate = await cli(['rotate', '--user', 'app', '--yes', '--journal', table]);
    held.release();
    const firstResult = await first.done;
    const resumed = await cli(['apply', '--yes', '--resume', '--journal', table]);

    // Assess
    const firstRun = (await records(table)).find((r) => r.type === 'run-started')?.runId;
    expect(rotate.exitCode).toBe(1);
    expect(rotate.stdout).toMatch(/skipped/);
    expect(rotate.stdout.replace(/\s+/g, ' ')).toContain(`run ${firstRun} holds this action`);
    // The first run stored its new key, then found its lease gone and stopped before its next change.
    expect(firstResult.exitCode).toBe(2);
    expect(firstResult.stderr).toContain(`run ${firstRun} lost its lease on account ${ACCOUNT}`);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(iamWrites(e)).toEqual(ONE_APPLY);
    expect(Object.values(doneCounts(await records(table))).every((n) => n === 1)).toBe(true);
  });
});
