/** The emulator's IAM credential report: lifecycle over the real SDK, and the CSV AWS would write. */
import {
  CreateLoginProfileCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  ListUsersCommand,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from '../../src/emulator/clock.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/server.js';
import { renderCredentialReport } from '../../src/emulator/services/credential-report.js';
import { addAccessKey, addAccount, addUser, createState, getAccount } from '../../src/emulator/state.js';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const ACCOUNT_ID = '000000000000';
/** The credential report's columns, in AWS's order (IAM User Guide, "Getting credential reports"). */
const AWS_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
];
const HOUR_IN_DAYS = 1 / 24;
const DAY_MS = 86_400_000;

const started: { emu: Emulator; iam: IAMClient }[] = [];

async function setup(options: EmulatorOptions = {}) {
  const emu = await startTestEmulator(options);
  const iam = new IAMClient(clientConfig(emu));
  started.push({ emu, iam });
  return { emu, iam, account: getAccount(emu.state, ACCOUNT_ID) };
}

afterEach(async () => {
  for (const { emu, iam } of started.splice(0)) {
    iam.destroy();
    await emu.stop();
  }
});

async function downloadCsv(iam: IAMClient): Promise<{ csv: string; generatedAt: Date | undefined }> {
  const out = await iam.send(new GetCredentialReportCommand({}));
  expect(out.ReportFormat).toBe('text/csv');
  return {
    csv: Buffer.from(out.Content ?? new Uint8Array()).toString('utf8'),
    generatedAt: out.GeneratedTime,
  };
}

function rowsOf(csv: string): Record<string, string>[] {
  return parse(csv, { columns: true }) as Record<string, string>[];
}

function rowFor(rows: readonly Record<string, string>[], user: string): Record<string, string> {
  const row = rows.find((r) => r.user === user);
  if (!row) throw new Error(`no report row for ${user}`);
  return row;
}

describe('credential report lifecycle', () => {
  it('goes ReportNotPresent, STARTED, ReportInProgress, then returns the report', async () => {
    const { iam } = await setup();

    const absent = await rejection(iam.send(new GetCredentialReportCommand({})));
    const generate = await iam.send(new GenerateCredentialReportCommand({}));
    const inProgress = await rejection(iam.send(new GetCredentialReportCommand({})));
    const report = await downloadCsv(iam);

    expect(absent).toMatchObject({
      name: 'CredentialReportNotPresentException',
      code: 'ReportNotPresent',
      status: 410,
    });
    expect(generate).toMatchObject({
      State: 'STARTED',
      Description: 'No report exists. Starting a new report generation task',
    });
    expect(inProgress).toMatchObject({
      name: 'CredentialReportNotReadyException',
      code: 'ReportInProgress',
      status: 404,
    });
    expect(report.generatedAt).toEqual(FIXED_NOW);
    expect(report.csv.split('\n')[0]).toBe(AWS_COLUMNS.join(','));
  });

  it('answers INPROGRESS to Generate while building, then COMPLETE', async () => {
    const { iam } = await setup();

    const states = [];
    for (let i = 0; i < 3; i++) states.push((await iam.send(new GenerateCredentialReportCommand({}))).State);

    expect(states).toEqual(['STARTED', 'INPROGRESS', 'COMPLETE']);
  });

  it('reuses a report younger than 4 hours and starts a new one after', async () => {
    // Prepare: a complete report, then a change it does not yet show
    const { emu, iam, account } = await setup({ credentialReport: { inProgressPolls: 0 } });
    await iam.send(new GenerateCredentialReportCommand({}));
    emu.clock.advance(3 * HOUR_IN_DAYS);
    addUser(emu.state, account, { userName: 'newcomer' });

    // Act
    const within = await iam.send(new GenerateCredentialReportCommand({}));
    const reused = await downloadCsv(iam);
    emu.clock.advance(1 * HOUR_IN_DAYS);
    const after = await iam.send(new GenerateCredentialReportCommand({}));
    const fresh = await downloadCsv(iam);

    // Assess
    expect(within.State).toBe('COMPLETE');
    expect(reused.generatedAt).toEqual(FIXED_NOW);
    expect(rowsOf(reused.csv).map((r) => r.user)).toEqual(['<root_account>']);
    expect(after.State).toBe('STARTED');
    expect(fresh.generatedAt).toEqual(new Date(FIXED_NOW.getTime() + 4 * 3_600_000));
    expect(rowsOf(fresh.csv).map((r) => r.user)).toEqual(['<root_account>', 'newcomer']);
  });

  it('answers ReportExpired for a report past its expiry, until a new one is generated', async () => {
    const { emu, iam } = await setup({ credentialReport: { inProgressPolls: 0, expireSeconds: 3600 } });
    await iam.send(new GenerateCredentialReportCommand({}));
    emu.clock.advance(2 * HOUR_IN_DAYS);

    const expired = await rejection(iam.send(new GetCredentialReportCommand({})));
    const regenerate = await iam.send(new GenerateCredentialReportCommand({}));
    const fresh = await downloadCsv(iam);

    expect(expired).toMatchObject({
      name: 'CredentialReportExpiredException',
      code: 'ReportExpired',
      status: 410,
    });
    expect(regenerate.State).toBe('STARTED');
    expect(fresh.generatedAt).toEqual(new Date(FIXED_NOW.getTime() + 2 * 3_600_000));
  });
});

describe('credential report content', () => {
  it('writes the root row with not_supported password columns and the root keys', async () => {
    // Prepare
    const { iam, account } = await setup({ credentialReport: { inProgressPolls: 0 } });
    const root = account.iam.root;
    root.mfaActive = false;
    root.accessKeys.push({
      active: true,
      createDate: new Date('2024-01-15T09:00:00Z'),
      lastUsed: { date: new Date('2026-11-20T10:11:12Z'), serviceName: 's3', region: 'eu-central-1' },
    });

    // Act
    await iam.send(new GenerateCredentialReportCommand({}));
    const rows = rowsOf((await downloadCsv(iam)).csv);

    // Assess
    expect(rows[0]).toEqual({
      user: '<root_account>',
      arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
      user_creation_time: '2026-11-22T12:00:00+00:00',
      password_enabled: 'not_supported',
      password_last_used: 'no_information',
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      mfa_active: 'false',
      access_key_1_active: 'true',
      access_key_1_last_rotated: '2024-01-15T09:00:00+00:00',
      access_key_1_last_used_date: '2026-11-20T10:11:12+00:00',
      access_key_1_last_used_region: 'eu-central-1',
      access_key_1_last_used_service: 's3',
      access_key_2_active: 'false',
      access_key_2_last_rotated: 'N/A',
      access_key_2_last_used_date: 'N/A',
      access_key_2_last_used_region: 'N/A',
      access_key_2_last_used_service: 'N/A',
      cert_1_active: 'false',
      cert_1_last_rotated: 'N/A',
      cert_2_active: 'false',
      cert_2_last_rotated: 'N/A',
    });
  });

  it('writes password columns as N/A without a password, no_information before first sign-in, else the dates', async () => {
    // Prepare
    const { emu, iam, account } = await setup({ credentialReport: { inProgressPolls: 0 } });
    addUser(emu.state, account, { userName: 'keys-only' });
    addUser(emu.state, account, { userName: 'never-signed-in' });
    const regular = addUser(emu.state, account, { userName: 'regular' });
    await iam.send(
      new CreateLoginProfileCommand({ UserName: 'never-signed-in', Password: 'Initial-Passw0rd' }),
    );
    regular.loginProfile = { createDate: new Date('2026-01-01T00:00:00Z'), passwordResetRequired: false };
    regular.passwordLastChanged = new Date('2026-06-01T00:00:00Z');
    regular.passwordLastUsed = new Date('2026-11-21T18:45:00Z');
    regular.mfaDevices.push({
      serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/regular`,
      enableDate: FIXED_NOW,
    });

    // Act
    await iam.send(new GenerateCredentialReportCommand({}));
    const rows = rowsOf((await downloadCsv(iam)).csv);

    // Assess
    expect(rowFor(rows, 'keys-only')).toMatchObject({
      password_enabled: 'false',
      password_last_used: 'N/A',
      password_last_changed: 'N/A',
      password_next_rotation: 'N/A',
      mfa_active: 'false',
      access_key_1_active: 'false',
      access_key_1_last_rotated: 'N/A',
    });
    expect(rowFor(rows, 'never-signed-in')).toMatchObject({
      password_enabled: 'true',
      password_last_used: 'no_information',
      password_last_changed: '2026-11-22T12:00:00+00:00',
    });
    expect(rowFor(rows, 'regular')).toMatchObject({
      arn: `arn:aws:iam::${ACCOUNT_ID}:user/regular`,
      password_enabled: 'true',
      password_last_used: '2026-11-21T18:45:00+00:00',
      password_last_changed: '2026-06-01T00:00:00+00:00',
      mfa_active: 'true',
    });
  });

  it("a password change (UpdateLoginProfile) moves password_last_changed, never the login profile's CreateDate", async () => {
    // Prepare: a login profile created 400 days ago and never used, as a world writes it.
    const { emu, iam } = await setup({
      credentialReport: { inProgressPolls: 0 },
      world: {
        accounts: [
          {
            id: ACCOUNT_ID,
            users: [
              { name: 'reset-by-admin', loginProfile: { createdDaysAgo: 400 } },
              {
                name: 'changed-in-world',
                loginProfile: { createdDaysAgo: 400, passwordLastChangedDaysAgo: 10 },
              },
            ],
          },
        ],
      },
    });
    emu.clock.advance(1);

    // Act
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'reset-by-admin', Password: 'New-Passw0rd!' }));
    await iam.send(new GenerateCredentialReportCommand({}));
    const rows = rowsOf((await downloadCsv(iam)).csv);
    const created = async (userName: string) =>
      (
        await iam.send(new GetLoginProfileCommand({ UserName: userName }))
      ).LoginProfile?.CreateDate?.toISOString();

    // Assess
    expect(rowFor(rows, 'reset-by-admin')).toMatchObject({
      password_last_used: 'no_information',
      password_last_changed: '2026-11-23T12:00:00+00:00',
    });
    expect(await created('reset-by-admin')).toBe('2025-10-18T12:00:00.000Z');
    expect(rowFor(rows, 'changed-in-world').password_last_changed).toBe('2026-11-12T12:00:00+00:00');
    expect(await created('changed-in-world')).toBe('2025-10-18T12:00:00.000Z');
  });

  it('orders users by name and keys by creation, with last use as the signed requests left it', async () => {
    // Prepare: the newer key is stored first, the older one is used from eu-west-2
    const { emu, iam, account } = await setup({ credentialReport: { inProgressPolls: 0 } });
    addUser(emu.state, account, { userName: 'zed' });
    const user = addUser(emu.state, account, {
      userName: 'amelia',
      createDate: new Date('2025-03-01T00:00:00Z'),
    });
    addAccessKey(emu.state, account, user, {
      status: 'Inactive',
      createDate: new Date('2026-10-01T00:00:00Z'),
    });
    const older = addAccessKey(emu.state, account, user, { createDate: new Date('2025-03-02T00:00:00Z') });
    const asAmelia = new IAMClient(
      clientConfig(emu, {
        accessKeyId: older.accessKeyId,
        secretAccessKey: older.secretAccessKey,
        region: 'eu-west-2',
      }),
    );
    await asAmelia.send(new ListUsersCommand({}));
    asAmelia.destroy();
    emu.clock.advance(1);

    // Act
    await iam.send(new GenerateCredentialReportCommand({}));
    const rows = rowsOf((await downloadCsv(iam)).csv);

    // Assess
    expect(rows.map((r) => r.user)).toEqual(['<root_account>', 'amelia', 'zed']);
    expect(rowFor(rows, 'amelia')).toMatchObject({
      user_creation_time: '2025-03-01T00:00:00+00:00',
      access_key_1_active: 'true',
      access_key_1_last_rotated: '2025-03-02T00:00:00+00:00',
      access_key_1_last_used_date: '2026-11-22T12:00:00+00:00',
      access_key_1_last_used_region: 'eu-west-2',
      access_key_1_last_used_service: 'iam',
      access_key_2_active: 'false',
      access_key_2_last_rotated: '2026-10-01T00:00:00+00:00',
      access_key_2_last_used_date: 'N/A',
      access_key_2_last_used_region: 'N/A',
      access_key_2_last_used_service: 'N/A',
    });
  });

  it('is a snapshot: changes after generation appear only in the next report', async () => {
    const { emu, iam, account } = await setup({ credentialReport: { inProgressPolls: 0 } });
    const user = addUser(emu.state, account, { userName: 'changing' });
    await iam.send(new GenerateCredentialReportCommand({}));
    addAccessKey(emu.state, account, user);

    const before = rowFor(rowsOf((await downloadCsv(iam)).csv), 'changing');
    emu.clock.advance(1);
    await iam.send(new GenerateCredentialReportCommand({}));
    const after = rowFor(rowsOf((await downloadCsv(iam)).csv), 'changing');

    expect(before.access_key_1_active).toBe('false');
    expect(after.access_key_1_active).toBe('true');
    expect(after.access_key_1_last_rotated).toBe('2026-11-22T12:00:00+00:00');
  });
});

describe('renderCredentialReport', () => {
  it('quotes a user name that contains a comma and leaves out users created after now', () => {
    const state = createState({ clock: createClock({ start: FIXED_NOW }) });
    const account = addAccount(state, { accountId: '111122223333' });
    addUser(state, account, { userName: 'ops,admin', createDate: new Date('2026-01-01T00:00:00Z') });
    addUser(state, account, { userName: 'future', createDate: new Date(FIXED_NOW.getTime() + DAY_MS) });

    const csv = renderCredentialReport(account, FIXED_NOW);
    const rows = rowsOf(csv);

    expect(rows.map((r) => r.user)).toEqual(['<root_account>', 'ops,admin']);
    expect(rows[1]?.arn).toBe('arn:aws:iam::111122223333:user/ops,admin');
    expect(csv.endsWith('\n')).toBe(false);
  });

  it("writes a comma in a name or path unquoted with quoting 'none', as moto does", () => {
    const state = createState({ clock: createClock({ start: FIXED_NOW }) });
    const account = addAccount(state, { accountId: '111122223333' });
    addUser(state, account, {
      userName: 'a,b',
      path: '/team,x/',
      createDate: new Date('2026-01-01T00:00:00Z'),
    });

    const lines = renderCredentialReport(account, FIXED_NOW, 'none').split('\n');

    expect(lines[2]).toMatch(/^a,b,arn:aws:iam::111122223333:user\/team,x\/a,b,2026-01-01T00:00:00\+00:00,/);
    expect(lines[2]?.split(',')).toHaveLength(AWS_COLUMNS.length + 3);
  });
});
