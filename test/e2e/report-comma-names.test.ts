/**
 * IAM allows commas in user names (`ops,oncall`) and paths (`/team,x/`). moto 5.2.1 writes such a
 * name and ARN into the credential report unquoted, so the row has more cells than the header; our
 * emulator does the same with `credentialReport.quoting: 'none'`, and quotes them by default. Every
 * report-mode reader (`audit`, `rotate`'s plan, the Config rule on a schedule) must judge those
 * users as it judges any other, on all three; a row that still cannot be read is read live, with a
 * warning naming the user, and the rest of the account is judged from the report.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { Permission } from '../../src/core/permission.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/server.js';
import { renderCredentialReport } from '../../src/emulator/services/credential-report.js';
import { getAccount, latestConfigEvaluations } from '../../src/emulator/state.js';
import type { WorldAccount } from '../../src/emulator/world-types.js';
import { auditPermissions } from '../../src/engine/permissions.js';
import { createConfigRuleHandler } from '../../src/lambda/config-rule.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { captureLogs, emulatorRuntime, scheduledEvent } from '../support/lambda.js';
import { type Moto, motoAvailable, startMoto } from '../support/moto.js';

const ACCOUNT_ID = '111122223333';
const OPS = 'ops,oncall';
const TEAM = 'a+b=c,d.e@f_g-h';

const ACCOUNT: WorldAccount = {
  id: ACCOUNT_ID,
  users: [
    { name: OPS, accessKeys: [{ createdDaysAgo: 120, lastUsedDaysAgo: 1 }] },
    { name: TEAM, path: '/team,x/', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 'never' }] },
    { name: 'svc', path: '/x,y/', accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 120 }] },
    { name: 'plain', accessKeys: [{ createdDaysAgo: 10, lastUsedDaysAgo: 1 }] },
  ],
};

/** What the default policy finds at FIXED_NOW, one `user rule ageDays` per finding. */
const EXPECTED = [
  `${TEAM} KEY_ROTATION 100`,
  `${TEAM} UNUSED_CREDENTIALS 100`,
  `${OPS} KEY_ROTATION 120`,
  'svc KEY_ROTATION 200',
  'svc UNUSED_CREDENTIALS 200',
];

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDCOMMAAUDITOR', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

type Target = 'emulator, quoted' | 'emulator, unquoted' | 'moto';
const TARGETS: readonly Target[] = ['emulator, quoted', 'emulator, unquoted', 'moto'];

let moto: Moto;
const emulators = new Map<Target, Emulator>();
const endpoint = (target: Target) =>
  target === 'moto' ? moto.endpoint : (emulators.get(target)?.url ?? 'http://127.0.0.1:1');

const emulatorKeyId = (emu: Emulator | undefined, userName: string) =>
  emu && getAccount(emu.state, ACCOUNT_ID).iam.users.get(userName)?.accessKeys[0]?.accessKeyId;
const keyIdOf = (target: Target, userName: string) =>
  target === 'moto' ? moto.keys[userName]?.[0] : emulatorKeyId(emulators.get(target), userName);

function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return startTestEmulator({ world: { accounts: [ACCOUNT] }, ...options });
}

async function audit(url: string): Promise<AuditReport> {
  const result = await runCli(
    [
      'audit',
      '--format',
      'json',
      '--inventory',
      'report',
      '--now',
      FIXED_NOW.toISOString(),
      '--endpoint-url',
      url,
    ],
    { env: ENV },
  );
  if (result.exitCode !== 1) throw new Error(`audit exited ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout) as AuditReport;
}

const facts = (report: AuditReport) =>
  report.findings.map((f) => `${f.userName} ${f.rule} ${f.ageDays}`).sort();

beforeAll(async () => {
  const check = await motoAvailable();
  if (!check.ok) throw new Error(check.reason);
  const [started, quoted, unquoted] = await Promise.all([
    startMoto({ now: FIXED_NOW, account: ACCOUNT }),
    start(),
    start({ credentialReport: { quoting: 'none' } }),
  ]);
  moto = started;
  emulators.set('emulator, quoted', quoted);
  emulators.set('emulator, unquoted', unquoted);
});

afterAll(async () => {
  await Promise.all([moto?.stop(), ...[...emulators.values()].map((e) => e.stop())]);
});

describe('keywarden audit --inventory report with commas in user names and paths', () => {
  it.each(TARGETS)('%s: judges every user, the comma names as the others', async (target) => {
    const report = await audit(endpoint(target));

    expect(facts(report)).toEqual(EXPECTED);
    const team = report.findings.find((f) => f.userName === TEAM);
    expect(team?.userArn).toBe(`arn:aws:iam::${ACCOUNT_ID}:user/team,x/${TEAM}`);
    expect(report.findings.find((f) => f.userName === OPS)?.accessKeyId).toBe(keyIdOf(target, OPS));
    expect(report.warnings.filter((w) => w.includes('credential report line'))).toEqual([]);
  });
});

describe('keywarden rotate --inventory report (dry run) with commas in user names and paths', () => {
  const rotate = (target: Target, userName: string) =>
    runCli(['rotate', '--user', userName, '--inventory', 'report', '--endpoint-url', endpoint(target)], {
      env: { ...ENV, HOME: mkdtempSync(join(tmpdir(), 'kw-home-')) },
    });

  it.each(TARGETS)(
    "%s: plans svc's rotation (a comma in its path) and blocks ops,oncall's",
    async (target) => {
      const [svc, ops] = [await rotate(target, 'svc'), await rotate(target, OPS)];

      // The policy configures no channel: the planned notice's warning comes first.
      expect(svc.exitCode).toBe(0);
      expect(svc.stderr.trim().split('\n').at(-1)).toBe(
        'keywarden: dry run: nothing changed (pass --yes to rotate)',
      );
      expect(svc.stdout).toContain(`create-key`);
      expect(svc.stdout).toContain(keyIdOf(target, 'svc'));
      // Read right, then refused for the reason any such name is: Secrets Manager cannot name its secret.
      expect(ops.exitCode).toBe(1);
      expect(ops.stderr.trim().split('\n').at(-1)).toBe('keywarden: nothing to rotate for ops,oncall');
      // moto dates the plan by its own wall clock, so the age is left out.
      expect(ops.stdout).toContain(`${keyIdOf(target, OPS)} Access key ${keyIdOf(target, OPS)} is `);
      expect(ops.stdout).toContain(
        'the user name "ops,oncall" has a character Secrets Manager does not allow',
      );
    },
  );
});

describe('the Config rule on a schedule (report mode) with commas in user names and paths', () => {
  it('judges every user of an unquoted report', async () => {
    const emu = emulators.get('emulator, unquoted')!;
    const handler = createConfigRuleHandler(emulatorRuntime(emu, captureLogs()));

    await handler(scheduledEvent(FIXED_NOW, { accountId: ACCOUNT_ID }));

    const account = getAccount(emu.state, ACCOUNT_ID);
    const latest = latestConfigEvaluations(account);
    const verdict = (name: string) => latest.get(account.iam.users.get(name)?.userId ?? '')?.complianceType;
    expect([OPS, TEAM, 'svc', 'plain'].map(verdict)).toEqual([
      'NON_COMPLIANT',
      'NON_COMPLIANT',
      'NON_COMPLIANT',
      'COMPLIANT',
    ]);
  });
});

describe('a report row that cannot be read', () => {
  it('is read live for its user, with a warning naming it; the other users come from the report', async () => {
    // Prepare: ops,oncall's row gets a cell too many after its ARN, so no split of it can be trusted.
    const emu = await start({ credentialReport: { quoting: 'none' } });
    try {
      const account = getAccount(emu.state, ACCOUNT_ID);
      const content = renderCredentialReport(account, FIXED_NOW, 'none')
        .split('\n')
        .map((line) => (line.startsWith(`${OPS},`) ? `${line},extra` : line))
        .join('\n');
      account.iam.credentialReport = { generatedAt: FIXED_NOW, content, pendingPolls: 0 };

      // Act
      const report = await audit(emu.url);
      const liveReads = emu.faults.count('iam', 'GetAccessKeyLastUsed');
      const calls = emu.faults.calls().map((c) => `${c.service}:${c.operation}`);
      const plan = await runCli(['plan', '--inventory', 'report', '--endpoint-url', emu.url], {
        env: { ...ENV, HOME: mkdtempSync(join(tmpdir(), 'kw-home-')) },
      });

      // Assess
      expect(facts(report)).toEqual(EXPECTED);
      expect(report.findings.find((f) => f.userName === OPS)?.accessKeyId).toBe(emulatorKeyId(emu, OPS));
      expect(report.warnings).toEqual([
        'credential report line 4 (user ops,oncall): 25 cells where the header has 22, and no user name in them is followed by an ARN ending in that name; read live instead',
      ]);
      // Only ops,oncall was read live.
      expect(liveReads).toBe(1);
      // ... with the permissions report mode declares.
      expect(calls.filter((call) => !auditPermissions(DEFAULT_POLICY).includes(call as Permission))).toEqual(
        [],
      );
      // The audit's warnings are in its report; plan prints its own on stderr.
      expect(plan.stderr).toContain('keywarden: warning: credential report line 4 (user ops,oncall): ');
      expect(plan.stdout).toContain(emulatorKeyId(emu, 'svc'));
    } finally {
      await emu.stop();
    }
  });
});
