/**
 * The audit's end-to-end scenario run twice: against moto (a third-party AWS emulator) and against
 * our own, each in report and live inventory mode. Our emulator is ours, so it can share our
 * misreadings of AWS; moto was written by other people from the same documentation. All four runs
 * must find the same things. Where moto is known to differ from AWS, a test below says so by name
 * ("moto gap: ...") instead of leaving the difference to a silent skip.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import { ROOT_USER_NAME } from '../../src/core/model.js';
import { type Emulator, startEmulator } from '../../src/emulator/server.js';
import { getAccount } from '../../src/emulator/state.js';
import { AwsErrorCode, isAwsError } from '../../src/sdk/errors.js';
import {
  AUDITOR_ENV,
  EXPECTED_FINDINGS,
  EXPECTED_ROOT_FINDING,
  findingFacts,
  SCENARIO_ACCOUNT,
  SCENARIO_ACCOUNT_ID,
  SCENARIO_NOW,
  SCENARIO_POLICY_YAML,
  SCENARIO_ROOT,
  scenarioWorld,
} from '../support/audit-scenario.js';
import { runCli, runProcess } from '../support/cli.js';
import {
  MOTO_PYTHON,
  MOTO_WORLD_SCRIPT,
  type Moto,
  type MotoCheck,
  motoAvailable,
  startMoto,
} from '../support/moto.js';

type Target = 'moto' | 'emulator';
/** What follows `--inventory`. */
type Mode = 'report' | 'report --key-ids none' | 'live';
const RUNS: readonly (readonly [Target, Mode])[] = [
  ['moto', 'report'],
  ['moto', 'report --key-ids none'],
  ['moto', 'live'],
  ['emulator', 'report'],
  ['emulator', 'report --key-ids none'],
  ['emulator', 'live'],
];
const KEY_EXACT_RUNS = RUNS.filter(([, mode]) => mode !== 'report --key-ids none');
const ROOT = ROOT_USER_NAME;
const MOTO_REPORT_GENERATED_TIME = '2015-02-02T20:02:02.000Z';

let motoCheck: MotoCheck;
let moto: Moto;
let emulator: Emulator;
let workDir: string;
const reports = new Map<string, AuditReport>();
const endpoint = (target: Target) => (target === 'moto' ? moto.endpoint : emulator.url);
const reportOf = (target: Target, mode: Mode): AuditReport => {
  const report = reports.get(`${target}/${mode}`);
  if (report === undefined) throw new Error(`no audit for ${target}/${mode}; see the beforeAll failure`);
  return report;
};

async function audit(target: Target, mode: Mode): Promise<AuditReport> {
  const result = await runCli(
    [
      'audit',
      '--format',
      'json',
      '--now',
      SCENARIO_NOW.toISOString(),
      '--endpoint-url',
      endpoint(target),
      '--inventory',
      ...mode.split(' '),
      '--config',
      join(workDir, 'keywarden.yaml'),
    ],
    { env: AUDITOR_ENV },
  );
  // 1: there are open findings. Anything else is a failure worth reading in full.
  if (result.exitCode !== 1) {
    throw new Error(
      `audit on ${target} (${mode}) exited ${result.exitCode}:\n${result.stderr}${result.stdout}`,
    );
  }
  return JSON.parse(result.stdout) as AuditReport;
}

function iamClient(target: Target): IAMClient {
  return new IAMClient({
    endpoint: endpoint(target),
    region: AUDITOR_ENV.AWS_REGION,
    maxAttempts: 1,
    credentials: {
      accessKeyId: AUDITOR_ENV.AWS_ACCESS_KEY_ID,
      secretAccessKey: AUDITOR_ENV.AWS_SECRET_ACCESS_KEY,
    },
  });
}

/** The credential report's raw cells, by user name, so spellings (N/A, not_supported) can be checked. */
async function rawReport(target: Target): Promise<{ rows: Map<string, Record<string, string>> }> {
  const iam = iamClient(target);
  try {
    await iam.send(new GenerateCredentialReportCommand({}));
    // Our emulator answers "in progress" for a set number of polls (no time passes); moto never does.
    for (let poll = 0; ; poll++) {
      try {
        const out = await iam.send(new GetCredentialReportCommand({}));
        const records = parse(Buffer.from(out.Content ?? new Uint8Array()).toString('utf8'), {
          columns: true,
        }) as Record<string, string>[];
        return { rows: new Map(records.map((r) => [r.user ?? '', r])) };
      } catch (error) {
        if (!isAwsError(error, AwsErrorCode.ReportNotReady) || poll >= 10) throw error;
      }
    }
  } finally {
    iam.destroy();
  }
}

function emulatorKeyIds(): Record<string, string[]> {
  const users = getAccount(emulator.state, SCENARIO_ACCOUNT_ID).iam.users;
  return Object.fromEntries(
    [...users.values()].map((u) => [u.userName, u.accessKeys.map((k) => k.accessKeyId)]),
  );
}

beforeAll(async () => {
  motoCheck = await motoAvailable();
  if (!motoCheck.ok) throw new Error(motoCheck.reason);
  workDir = mkdtempSync(join(tmpdir(), 'keywarden-moto-'));
  writeFileSync(join(workDir, 'keywarden.yaml'), SCENARIO_POLICY_YAML);
  [moto, emulator] = await Promise.all([
    startMoto({ now: SCENARIO_NOW, account: SCENARIO_ACCOUNT }),
    startEmulator({
      world: scenarioWorld({ root: SCENARIO_ROOT }),
      clock: { start: SCENARIO_NOW, frozen: true },
    }),
  ]);
  for (const [target, mode] of RUNS) reports.set(`${target}/${mode}`, await audit(target, mode));
});

afterAll(async () => {
  await Promise.all([moto?.stop(), emulator?.stop()]);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('keywarden audit, one scenario on moto and on our emulator', () => {
  it('has moto 5 to compare against (without it, beforeAll fails the file with what to install)', () => {
    expect(motoCheck).toMatchObject({ ok: true, version: expect.stringMatching(/^5\./) });
  });

  it.each(RUNS)(
    '%s, --inventory %s: finds exactly the expected findings for the IAM users',
    (target, mode) => {
      const facts = findingFacts(reportOf(target, mode)).filter((f) => f.userName !== ROOT);

      expect(facts).toEqual(EXPECTED_FINDINGS);
    },
  );

  it('gives every user the same verdict per rule in all six runs', () => {
    const verdicts = RUNS.map(([target, mode]) =>
      reportOf(target, mode)
        .evaluations.filter((e) => e.userName !== ROOT)
        .map((e) => `${e.userName} ${e.rule} ${e.compliance}`)
        .sort(),
    );

    for (const other of verdicts.slice(1)) expect(other).toEqual(verdicts[0]);
    expect(verdicts[0]).toContain('key-exactly-90 KEY_ROTATION COMPLIANT');
    expect(verdicts[0]).toContain('leftover-password UNUSED_CREDENTIALS NOT_APPLICABLE');
    expect(verdicts[0]).toContain('console-in-use CONSOLE_WITHOUT_MFA COMPLIANT');
    expect(verdicts[0]).toContain('console-reset-never-used UNUSED_CREDENTIALS NON_COMPLIANT');
  });

  it.each(KEY_EXACT_RUNS)(
    '%s, --inventory %s: names the key behind every access-key finding',
    (target, mode) => {
      const ids: Readonly<Record<string, readonly string[]>> =
        target === 'moto' ? moto.keys : emulatorKeyIds();
      const keyFindings = reportOf(target, mode).findings.filter(
        (f) => f.credential === 'access-key' && f.userName !== ROOT,
      );

      expect(keyFindings.length).toBeGreaterThan(0);
      for (const f of keyFindings) {
        expect({ user: f.userName, id: f.accessKeyId, ambiguous: f.accessKeyIdAmbiguous }).toEqual({
          user: f.userName,
          id: ids[f.userName]?.[(f.accessKeySlot ?? 0) - 1],
          ambiguous: false,
        });
      }
    },
  );
});

describe('keywarden audit --key-ids none on moto and on our emulator', () => {
  it.each(['moto', 'emulator'] as const)(
    '%s: names every key by slot and creation time, and says the rest as the key-exact audit does',
    (target) => {
      const none = reportOf(target, 'report --key-ids none').findings.filter(
        (f) => f.credential === 'access-key',
      );
      const exact = reportOf(target, 'report').findings.filter((f) => f.credential === 'access-key');

      expect(none.map((f) => [f.userName, f.rule, f.accessKeySlot, f.accessKeyCreateDate])).toEqual(
        exact.map((f) => [f.userName, f.rule, f.accessKeySlot, f.accessKeyCreateDate]),
      );
      expect(none.every((f) => f.accessKeyId === null && f.id.includes('/key-slot-'))).toBe(true);
      expect(reportOf(target, 'report --key-ids none').summary).toEqual(reportOf(target, 'report').summary);
    },
  );
});

describe('known moto gaps, asserted so they cannot hide a difference', () => {
  it('moto gap: no root user (no <root_account> report row, no root keys), so ROOT_ACCESS_KEY is found only on our emulator', async () => {
    const [motoRows, emulatorRows] = await Promise.all([rawReport('moto'), rawReport('emulator')]);
    const rootFacts = (target: Target, mode: Mode) =>
      findingFacts(reportOf(target, mode)).filter((f) => f.userName === ROOT);

    expect(motoRows.rows.has(ROOT)).toBe(false);
    expect(emulatorRows.rows.get(ROOT)?.access_key_1_active).toBe('true');
    // moto_world.py refuses to seed a root (moto cannot hold one), so on moto report mode has no
    // root verdict at all and live mode reads AccountAccessKeysPresent = 0 from GetAccountSummary.
    expect(reportOf('moto', 'report').evaluations.filter((e) => e.userName === ROOT)).toEqual([]);
    expect(rootFacts('moto', 'report')).toEqual([]);
    expect(rootFacts('moto', 'live')).toEqual([]);
    expect(rootFacts('emulator', 'report')).toEqual([EXPECTED_ROOT_FINDING.report]);
    expect(rootFacts('emulator', 'live')).toEqual([EXPECTED_ROOT_FINDING.live]);
  });

  it('moto gap: the report writes not_supported for a key last-used region and service; GetAccessKeyLastUsed has them', async () => {
    const [motoRows, emulatorRows] = await Promise.all([rawReport('moto'), rawReport('emulator')]);
    const iam = iamClient('moto');
    const lastUsed = await iam
      .send(new GetAccessKeyLastUsedCommand({ AccessKeyId: moto.keys['old-key-in-use']?.[0] }))
      .finally(() => iam.destroy());

    expect(motoRows.rows.get('old-key-in-use')).toMatchObject({
      access_key_1_last_used_date: '2026-11-21T12:00:00+00:00',
      access_key_1_last_used_region: 'not_supported',
      access_key_1_last_used_service: 'not_supported',
    });
    expect(emulatorRows.rows.get('old-key-in-use')).toMatchObject({
      access_key_1_last_used_date: '2026-11-21T12:00:00+00:00',
      access_key_1_last_used_region: 'eu-west-1',
      access_key_1_last_used_service: 's3',
    });
    expect(lastUsed.AccessKeyLastUsed).toMatchObject({ Region: 'eu-west-1', ServiceName: 's3' });
  });

  it("moto gap: password_last_changed is the user's creation time, with or without a password", async () => {
    const { rows } = await rawReport('moto');
    const iam = iamClient('moto');
    const profile = await iam
      .send(new GetLoginProfileCommand({ UserName: 'console-never-used' }))
      .finally(() => iam.destroy());

    // AWS writes N/A here for a user without a password. Keywarden reads password_last_changed only
    // when password_enabled is true, and the scenario creates every login profile with its user, so
    // the verdicts above do not depend on it.
    expect(rows.get('fresh-key')).toMatchObject({
      password_enabled: 'false',
      password_last_changed: rows.get('fresh-key')?.user_creation_time,
    });
    expect(rows.get('console-never-used')).toMatchObject({
      password_enabled: 'true',
      password_last_used: 'no_information',
      password_last_changed: '2026-08-14T12:00:00+00:00',
    });
    // moto has no login-profile creation time either: GetLoginProfile returns the user's CreateDate.
    expect(profile.LoginProfile?.CreateDate?.toISOString()).toBe('2026-08-14T12:00:00.000Z');
  });

  it("a changed password: moto_world.py writes password_last_changed as AWS would, GetLoginProfile keeps the profile's creation, as on our emulator", async () => {
    const [motoRows, emulatorRows] = await Promise.all([rawReport('moto'), rawReport('emulator')]);
    const created = async (target: Target) => {
      const iam = iamClient(target);
      const out = await iam
        .send(new GetLoginProfileCommand({ UserName: 'console-reset-never-used' }))
        .finally(() => iam.destroy());
      return out.LoginProfile?.CreateDate?.toISOString();
    };

    for (const rows of [motoRows, emulatorRows]) {
      expect(rows.rows.get('console-reset-never-used')).toMatchObject({
        password_enabled: 'true',
        password_last_used: 'no_information',
        password_last_changed: '2026-11-12T12:00:00+00:00',
      });
    }
    expect(await created('moto')).toBe('2025-10-18T12:00:00.000Z');
    expect(await created('emulator')).toBe('2025-10-18T12:00:00.000Z');
  });

  it('moto gap: a user without a password reads not_supported for password_last_used; GetUser keeps the last sign-in', async () => {
    const [motoRows, emulatorRows] = await Promise.all([rawReport('moto'), rawReport('emulator')]);
    const iam = iamClient('moto');
    const user = await iam
      .send(new GetUserCommand({ UserName: 'leftover-password' }))
      .finally(() => iam.destroy());

    expect(motoRows.rows.get('leftover-password')).toMatchObject({
      password_enabled: 'false',
      password_last_used: 'not_supported',
    });
    expect(emulatorRows.rows.get('leftover-password')?.password_enabled).toBe('false');
    expect(user.User?.PasswordLastUsed?.toISOString()).toBe('2026-05-06T12:00:00.000Z');
  });

  it('moto gap: GeneratedTime is always 2015-02-02T20:02:02Z, so the audit warns that the report is stale', () => {
    const motoReport = reportOf('moto', 'report');
    const emulatorReport = reportOf('emulator', 'report');

    expect(motoReport.accounts[0]?.inventory?.reportGeneratedAt).toBe(MOTO_REPORT_GENERATED_TIME);
    expect(motoReport.warnings).toEqual([expect.stringContaining('older than reportMaxAgeSeconds')]);
    expect(emulatorReport.accounts[0]?.inventory?.reportGeneratedAt).toBe(SCENARIO_NOW.toISOString());
    expect(emulatorReport.warnings).toEqual([]);
  });

  it('moto_world.py refuses a world moto cannot hold instead of seeding a different one', async () => {
    const spec = { now: SCENARIO_NOW.toISOString(), account: { ...SCENARIO_ACCOUNT, root: SCENARIO_ROOT } };
    const path = join(workDir, 'with-root.json');
    writeFileSync(path, JSON.stringify(spec));

    const result = await runProcess(MOTO_PYTHON, [MOTO_WORLD_SCRIPT, path]);

    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('moto has no root user');
  });
});
