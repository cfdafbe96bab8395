/**
 * `audit --key-ids none` names keys by user, slot and creation date instead of looking their ids
 * up: on generated accounts, everything else in its report is what `--key-ids findings` reports,
 * with only the credential report and account-details calls (plus the few login profiles whose
 * creation time matters, which both modes read).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { CallCount } from '../../src/emulator/faults.js';
import { generateWorld } from '../../src/emulator/generate-world.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' };
const KEY_ID = /AKIA[0-9A-Z]{16}/g;
/** How `--key-ids none` names a key in a sentence: `1 (created 2026-01-02)`. */
const KEY_BY_SLOT = /\b[12] \(created \d{4}-\d{2}-\d{2}\)/g;

/**
 * The report with every trace of how keys were named removed: key id fields, finding ids, and the
 * key's name in messages and annotations (an id, or slot and creation day). A sentence listing both
 * keys' ids (`User has 2 active access keys (AKIA…, AKIA…)`) loses the list: without ids there is
 * nothing to list.
 */
function withoutKeyNames(report: AuditReport): unknown {
  const text = (s: string | null) =>
    s === null ? null : s.replace(KEY_ID, 'KEY').replace(KEY_BY_SLOT, 'KEY').replace(' (KEY, KEY)', '');
  return {
    ...report,
    findings: report.findings.map((f) => ({
      ...f,
      id: f.id.replace(/\/(AKIA[0-9A-Z]{16}|key-slot-[12]-[^/]+)$/, '/KEY'),
      accessKeyId: null,
      message: text(f.message),
      rotationLikely:
        f.rotationLikely === null
          ? null
          : { ...f.rotationLikely, newAccessKeyId: null, reason: text(f.rotationLikely.reason) },
    })),
    evaluations: report.evaluations.map((e) => ({ ...e, annotation: text(e.annotation) })),
  };
}

async function audit(emu: Emulator, args: readonly string[]) {
  emu.faults.resetCounts();
  const result = await runCli(
    ['audit', '--endpoint-url', emu.url, '--now', FIXED_NOW.toISOString(), '--fail-on', 'none', ...args],
    { env: ENV },
  );
  return { ...result, calls: emu.faults.calls() };
}

const byOperation = (calls: readonly CallCount[]) =>
  Object.fromEntries(calls.map((c) => [`${c.service}:${c.operation}`, c.count]));

describe.each([1, 2, 3])('generated account (seed %i)', (seed) => {
  it('reports the same findings, verdicts, counts and reasons with --key-ids none, in 3 + ceil(users/1000) IAM calls plus login profiles', async () => {
    // Prepare
    const users = 300;
    const world = generateWorld({ accounts: 1, usersPerAccount: users, seed });
    const emu = await startTestEmulator({ world, credentialReport: { inProgressPolls: 1 } });
    try {
      // Act
      // none first: it generates the report (findings then reuses it, as AWS does for 4 hours).
      const none = await audit(emu, ['--format', 'json', '--key-ids', 'none']);
      const exact = await audit(emu, ['--format', 'json', '--key-ids', 'findings']);

      // Assess
      // No journal in the test's home: both say once that rotations are guessed, and nothing else.
      const besides = (stderr: string) =>
        stderr.replace(/^keywarden: warning: .*: no journal here, .*\n/m, '');
      expect([exact.exitCode, besides(exact.stderr), none.exitCode, besides(none.stderr)]).toEqual([
        0,
        '',
        0,
        '',
      ]);
      const withIds = JSON.parse(exact.stdout) as AuditReport;
      const withoutIds = JSON.parse(none.stdout) as AuditReport;
      const keyFindings = withoutIds.findings.filter((f) => f.credential === 'access-key');
      expect(keyFindings.length).toBeGreaterThan(50);
      expect(withIds.findings.some((f) => f.accessKeyIdAmbiguous)).toBe(false);
      expect(keyFindings.every((f) => f.accessKeyId === null && f.accessKeyCreateDate !== null)).toBe(true);
      expect(withoutKeyNames(withoutIds)).toEqual(withoutKeyNames(withIds));

      const noneCalls = byOperation(none.calls);
      const profiles = noneCalls['iam:GetLoginProfile'] ?? 0;
      expect(noneCalls).toEqual({
        'iam:GenerateCredentialReport': 1,
        'iam:GetCredentialReport': 2, // one "in progress" poll
        'iam:GetAccountAuthorizationDetails': Math.ceil(users / 1000),
        ...(profiles > 0 ? { 'iam:GetLoginProfile': profiles } : {}),
      });
      expect(byOperation(exact.calls)['iam:GetLoginProfile'] ?? 0).toBe(profiles);
      expect(byOperation(exact.calls)['iam:ListAccessKeys']).toBe(
        new Set(withIds.findings.filter((f) => f.credential === 'access-key').map((f) => f.userName)).size,
      );
    } finally {
      await emu.stop();
    }
  });
});

const SMALL: World = {
  accounts: [
    {
      id: '123456789012',
      users: [
        {
          name: 'two-old-keys',
          accessKeys: [
            { createdDaysAgo: 200, lastUsedDaysAgo: 1 },
            { createdDaysAgo: 100, lastUsedDaysAgo: 1 },
          ],
        },
        // Created 400 days ago, reset by an administrator 10 days ago, never signed in: unused
        // (AWS's runbook counts from the login profile's creation), whatever password_last_changed says.
        {
          name: 'reset-never-used',
          mfa: true,
          loginProfile: { createdDaysAgo: 400, passwordLastChangedDaysAgo: 10 },
        },
      ],
    },
  ],
};

describe('--key-ids on a small account', () => {
  it('names each key by slot and creation day in the table, and reads the login profile whose date decides', async () => {
    // Prepare
    const emu = await startTestEmulator({ world: SMALL, credentialReport: { inProgressPolls: 0 } });
    try {
      // Act
      const table = await audit(emu, ['--format', 'table', '--key-ids', 'none']);
      const json = await audit(emu, ['--format', 'json', '--key-ids', 'none']);

      // Assess
      expect(table.exitCode, table.stderr).toBe(0);
      expect(table.stdout).toContain('key 1 (created 2026-05-06)');
      expect(table.stdout).toContain('key 2 (created 2026-08-14)');
      const report = JSON.parse(json.stdout) as AuditReport;
      const row = (f: AuditReport['findings'][number]) =>
        `${f.userName} ${f.rule} ${f.accessKeySlot} ${f.ageDays}: ${f.message}`;
      expect(report.findings.map(row)).toEqual([
        'reset-never-used UNUSED_CREDENTIALS null 400: Console password has never been used and was created 400 days ago (limit 90).',
        'two-old-keys KEY_ROTATION 1 200: Active access key 1 (created 2026-05-06) is 200 days old (max 90).',
        'two-old-keys KEY_ROTATION 2 100: Active access key 2 (created 2026-08-14) is 100 days old (max 90).',
        'two-old-keys MULTIPLE_ACTIVE_KEYS null null: User has 2 active access keys.',
      ]);
      expect(byOperation(json.calls)).toMatchObject({ 'iam:GetLoginProfile': 1 });
      expect(byOperation(json.calls)['iam:ListAccessKeys']).toBeUndefined();
    } finally {
      await emu.stop();
    }
  });

  it('gives the HTML report no rotation calendar, which would read key ids', async () => {
    // Prepare
    const emu = await startTestEmulator({ world: SMALL, credentialReport: { inProgressPolls: 0 } });
    try {
      // Act
      const html = await audit(emu, ['--format', 'html', '--key-ids', 'none']);

      // Assess
      expect([html.exitCode, html.stderr]).toEqual([0, '']);
      expect(html.stdout).toContain('the rotation calendar names keys by id, and this audit reads none');
      expect(byOperation(html.calls)['iam:ListAccessKeys']).toBeUndefined();
    } finally {
      await emu.stop();
    }
  });

  it('refuses --key-ids with --inventory live in one line, before any AWS call', async () => {
    // Prepare
    const emu = await startTestEmulator({ world: SMALL });
    try {
      // Act
      const result = await audit(emu, ['--inventory', 'live', '--key-ids', 'none']);
      const bad = await audit(emu, ['--key-ids', 'some']);

      // Assess
      expect(result).toMatchObject({
        exitCode: 2,
        stdout: '',
        stderr:
          'keywarden: --key-ids: applies to report mode only; live mode reads every key id (got --key-ids none with --inventory live)\n',
        calls: [],
      });
      expect(bad).toMatchObject({ exitCode: 2, calls: [] });
      expect(bad.stderr).toContain('--key-ids: must be one of findings, none (got "some")');
    } finally {
      await emu.stop();
    }
  });
});

describe('--key-ids none during a rotation Keywarden made', () => {
  it("lists only the rotating user's keys, to tell the rotation's two keys apart, and passes as key-exact mode does", async () => {
    // Prepare: rotate now (the journal in the user's state directory, as the CLI keeps it).
    const world: World = {
      accounts: [
        {
          id: '123456789012',
          users: [
            {
              name: 'ci',
              accessKeys: [{ id: 'AKIACIOLD00000000001', createdDaysAgo: 10, lastUsedDaysAgo: 0.1 }],
            },
            { name: 'bystander', accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 1 }] },
          ],
        },
      ],
    };
    const emu = await startTestEmulator({ world, credentialReport: { inProgressPolls: 0 } });
    const env = { ...ENV, HOME: mkdtempSync(join(tmpdir(), 'kw-home-')) };
    try {
      const rotated = await runCli(['rotate', '--user', 'ci', '--yes', '--endpoint-url', emu.url], { env });
      expect(rotated.exitCode, rotated.stderr).toBe(0);
      emu.faults.resetCounts();

      // Act
      const result = await runCli(
        ['audit', '--endpoint-url', emu.url, '--format', 'json', '--key-ids', 'none', '--fail-on', 'any'],
        { env },
      );

      // Assess
      const report = JSON.parse(result.stdout) as AuditReport;
      const ci = report.findings.filter((f) => f.userName === 'ci');
      expect(ci.map((f) => [f.rule, f.rotationInProgress?.newAccessKeyId.startsWith('AKIA')])).toEqual([
        ['MULTIPLE_ACTIVE_KEYS', true],
      ]);
      expect(report.summary.inProgress).toBe(1);
      expect(emu.faults.count('iam', 'ListAccessKeys')).toBe(1);
      expect(report.findings.find((f) => f.userName === 'bystander')?.accessKeyId).toBeNull();
    } finally {
      await emu.stop();
    }
  });
});
