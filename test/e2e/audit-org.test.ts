/**
 * `keywarden audit --org | --accounts` against the emulator's demo organization (three accounts,
 * Workloads/Prod and Workloads/Dev OUs): the management account's credentials list the accounts,
 * Keywarden assumes the role in each member, and every account's result equals a single-account
 * audit of it. A failing account is reported and the others complete (exit 3).
 */
import {
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { AuditReport, AuditSummary } from '../../src/core/audit-report.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { runCli } from '../support/cli.js';
import { DEV, MANAGEMENT_ENV, MGMT, PROD, ROLE } from '../support/demo-organization.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';

interface MultiReport {
  readonly kind: 'multi-account';
  readonly accounts: readonly (
    | { accountId: string; status: 'ok'; report: AuditReport }
    | { accountId: string; status: 'error'; error: string }
  )[];
  readonly summary: AuditSummary;
}

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
  });
});
afterAll(() => emu.stop());

function audit(args: readonly string[], env: NodeJS.ProcessEnv = MANAGEMENT_ENV) {
  return runCli(['audit', ...args, '--endpoint-url', emu.url, '--now', FIXED_NOW.toISOString()], { env });
}

/** The account's own audit, run with credentials of its role, as a single-account run. */
async function singleAudit(accountId: string): Promise<AuditReport> {
  let env: NodeJS.ProcessEnv = MANAGEMENT_ENV;
  if (accountId !== MGMT) {
    const sts = new STSClient(clientConfig(emu));
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/KeywardenAuditRole`,
        RoleSessionName: 'single',
      }),
    );
    sts.destroy();
    env = {
      AWS_ACCESS_KEY_ID: out.Credentials?.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: out.Credentials?.SecretAccessKey,
      AWS_SESSION_TOKEN: out.Credentials?.SessionToken,
      AWS_REGION: 'us-east-1',
    };
  }
  const result = await audit(['--format', 'json'], env);
  return JSON.parse(result.stdout) as AuditReport;
}

describe('audit across accounts', () => {
  it('--org audits every account; each equals its own single-account audit; totals add up', async () => {
    const result = await audit(['--org', ...ROLE, '--format', 'json', '--fail-on', 'none']);

    expect(result.exitCode, result.stderr).toBe(0);
    const multi = JSON.parse(result.stdout) as MultiReport;
    expect(multi.kind).toBe('multi-account');
    expect(multi.accounts.map((a) => `${a.accountId}:${a.status}`).sort()).toEqual([
      `${MGMT}:ok`,
      `${PROD}:ok`,
      `${DEV}:ok`,
    ]);
    let findings = 0;
    for (const entry of multi.accounts) {
      if (entry.status !== 'ok') continue;
      const single = await singleAudit(entry.accountId);
      expect(entry.report.findings, entry.accountId).toEqual(single.findings);
      findings += single.summary.findings;
    }
    expect(multi.summary).toMatchObject({ accounts: 3, accountErrors: 0, findings });
    // Every finding carries its controls, as in a single-account audit; no one benchmark is named.
    const all = multi.accounts.flatMap((a) => (a.status === 'ok' ? a.report.findings : []));
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((f) => f.compliance.some((r) => r.standard === 'cis'))).toBe(true);
    expect(multi).toHaveProperty('benchmark', null);
    expect(result.stderr).not.toMatch(/accounts \d+\/3/); // no progress when stderr is not a terminal
  });

  it('--ous keeps the accounts under an OU and its child OUs', async () => {
    const org = new OrganizationsClient(clientConfig(emu));
    const [root] = (await org.send(new ListRootsCommand({}))).Roots ?? [];
    const ous = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: root?.Id }));
    org.destroy();
    const workloads = ous.OrganizationalUnits?.find((ou) => ou.Name === 'Workloads')?.Id ?? '';

    const result = await audit([
      '--org',
      '--ous',
      workloads,
      ...ROLE,
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);

    expect(result.exitCode, result.stderr).toBe(0);
    const multi = JSON.parse(result.stdout) as MultiReport;
    expect(multi.accounts.map((a) => a.accountId).sort()).toEqual([PROD, DEV]);
  });

  it('an account that cannot be assumed is reported with its error; the others complete (exit 3)', async () => {
    const result = await audit([
      '--accounts',
      `${PROD},444444444444`,
      ...ROLE,
      '--format',
      'csv',
      '--fail-on',
      'none',
    ]);

    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toMatch(
      /account 444444444444 failed: sts:AssumeRole arn:aws:iam::444444444444:role\/KeywardenAuditRole failed: AccessDenied/,
    );
    expect(result.stderr).toMatch(/1 of 2 account\(s\) audited, 1 failed/);
    const lines = result.stdout.trim().split('\r\n');
    expect(lines[0]).toMatch(/^accountId,userName,/);
    expect(lines.slice(1).every((l) => l.startsWith(PROD))).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
  });

  it('--exclude-accounts leaves an account out, and says so', async () => {
    const result = await audit([
      '--org',
      ...ROLE,
      '--exclude-accounts',
      MGMT,
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as MultiReport).accounts.map((a) => a.accountId).sort()).toEqual([
      PROD,
      DEV,
    ]);
    expect(result.stderr).toContain(`account ${MGMT} (management) skipped: in --exclude-accounts`);
  });

  it('the table holds every account and exits 1 on open findings', async () => {
    const result = await audit(['--accounts', `${PROD},${DEV}`, ...ROLE, '--format', 'table']);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toContain(`Account ${PROD}`);
    expect(result.stdout).toContain(`Account ${DEV}`);
  });

  it.each([
    [['--ous', 'ou-abcd-12345678'], /^keywarden: --ous: only with --org/],
    [['--org', '--accounts', PROD], /^keywarden: --accounts: not with --org/],
    [['--accounts', '12345'], /^keywarden: --accounts: "12345" is not a 12-digit account id/],
    [['--org', '--ous', 'prod'], /^keywarden: --ous: "prod" is not an OU id/],
    [['--org', '--concurrency', '0'], /^keywarden: --concurrency: must be an integer from 1 to 64/],
    [['--role-name', 'X'], /^keywarden: --role-name: only with --org or --accounts/],
    [['--org', '--to-security-hub'], /^keywarden: --to-security-hub: one account at a time/],
  ])('bad input %j: one line, exit 2, no AWS call', async (args, message) => {
    const result = await runCli(['audit', ...args, '--endpoint-url', 'http://127.0.0.1:9'], {
      env: MANAGEMENT_ENV,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
