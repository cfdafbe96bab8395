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
import type { AuditReport, Finding } from '../../src/core/audit-report.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { runCli } from '../support/cli.js';
import { DEV, MANAGEMENT_ENV, MGMT, PROD, ROLE } from '../support/demo-organization.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { githubIngestionProblems } from '../support/github-sarif-rules.js';
import { ocsfDetectionFindingErrors } from '../support/ocsf-schema.js';

/** The many-account json has the single-account report's shape. */
type MultiReport = AuditReport;

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
    expect(multi.accounts.map((a) => `${a.accountId}:${a.status}`)).toEqual(
      [`${MGMT}:ok`, `${DEV}:ok`, `${PROD}:ok`].sort(),
    );
    let findings = 0;
    let evaluations = 0;
    for (const entry of multi.accounts) {
      const single = await singleAudit(entry.accountId);
      // Every finding at the top level, each naming its account: `jq '.findings[]'` reads both shapes.
      expect(
        multi.findings.filter((f) => f.accountId === entry.accountId),
        entry.accountId,
      ).toEqual(single.findings);
      expect(entry.summary, entry.accountId).toEqual(single.summary);
      expect(Object.keys(multi).sort()).toEqual(Object.keys(single).sort());
      expect(multi.schemaVersion).toBe(single.schemaVersion);
      findings += single.summary.findings;
      evaluations += single.evaluations.length;
      expect(
        multi.evaluations.filter((e) => e.accountId === entry.accountId),
        entry.accountId,
      ).toEqual(single.evaluations);
    }
    expect(multi.findings).toHaveLength(findings);
    expect(multi.summary).toMatchObject({ accounts: 3, accountErrors: 0, findings });
    // Every account's evaluations, at the top level too.
    expect(multi.evaluations).toHaveLength(evaluations);
    expect(multi.filter).toBeNull();
    // Every finding carries its controls, as in a single-account audit; no one benchmark is named.
    expect(multi.findings.length).toBeGreaterThan(0);
    expect(multi.findings.every((f) => f.compliance.some((r) => r.standard === 'cis'))).toBe(true);
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

  it('SARIF and OCSF hold every account: GitHub-valid SARIF, schema-valid OCSF, the same findings as JSON', async () => {
    const accounts = ['--accounts', `${PROD},${DEV}`, ...ROLE, '--fail-on', 'none'];
    const json = JSON.parse((await audit([...accounts, '--format', 'json'])).stdout) as MultiReport;
    const ids = json.findings.map((f) => f.id).sort();
    expect(ids.length).toBeGreaterThan(0);

    const sarif = await audit([...accounts, '--format', 'sarif']);
    expect(sarif.exitCode, sarif.stderr).toBe(0);
    expect(githubIngestionProblems(sarif.stdout)).toEqual([]);
    const log = JSON.parse(sarif.stdout) as {
      runs: { results: { partialFingerprints: Record<string, string> }[] }[];
    };
    expect(log.runs[0]?.results.map((r) => r.partialFingerprints['keywarden/v1']).sort()).toEqual(ids);

    const ocsf = await audit([...accounts, '--format', 'ocsf']);
    expect(ocsf.exitCode, ocsf.stderr).toBe(0);
    const findings = JSON.parse(ocsf.stdout) as {
      finding_info: { uid: string };
      cloud: { account: { uid: string } };
    }[];
    for (const f of findings) expect(ocsfDetectionFindingErrors(f)).toEqual([]);
    expect(findings.map((f) => f.finding_info.uid).sort()).toEqual(ids);
    expect(new Set(findings.map((f) => f.cloud.account.uid))).toEqual(new Set([PROD, DEV]));
  });

  it('an account that fails is in `accounts` with its error, and no finding names it (json)', async () => {
    const result = await audit([
      '--accounts',
      `${PROD},444444444444`,
      ...ROLE,
      '-f',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(result.exitCode, result.stderr).toBe(3);
    const multi = JSON.parse(result.stdout) as MultiReport;
    expect(multi.accounts.find((a) => a.accountId === '444444444444')).toMatchObject({
      status: 'error',
      error: expect.stringMatching(/AccessDenied/),
      summary: null,
    });
    expect(multi.findings.length).toBeGreaterThan(0);
    expect(multi.findings.every((f) => f.accountId === PROD)).toBe(true);
  });

  it('--format jsonl streams one finding per line, the same findings as json', async () => {
    const json = JSON.parse(
      (await audit(['--org', ...ROLE, '-f', 'json', '--fail-on', 'none'])).stdout,
    ) as MultiReport;
    const result = await audit(['--org', ...ROLE, '-f', 'jsonl', '--fail-on', 'none']);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.pop()).toBe('');
    const findings = lines.map((line) => JSON.parse(line) as Finding);
    expect(findings.map((f) => f.id).sort()).toEqual(json.findings.map((f) => f.id).sort());
  });

  it('--severity filters every account; the totals say what was filtered out', async () => {
    const all = JSON.parse(
      (await audit(['--org', ...ROLE, '-f', 'json', '--fail-on', 'none'])).stdout,
    ) as MultiReport;
    const result = await audit(['--org', ...ROLE, '-f', 'json', '--fail-on', 'none', '--severity', 'high']);
    expect(result.exitCode, result.stderr).toBe(0);
    const multi = JSON.parse(result.stdout) as MultiReport;
    const kept = all.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
    expect(multi.findings.map((f) => f.id).sort()).toEqual(kept.map((f) => f.id).sort());
    expect(multi.summary.findings).toBe(kept.length);
    expect(multi.filter).toMatchObject({
      severity: 'high',
      filteredOut: { findings: all.findings.length - kept.length },
    });
    expect(result.stderr).toContain(
      `${all.findings.length - kept.length} findings filtered out by --severity high`,
    );
  });

  it('plan --org with a filter shows in each account only what it matches, and counts the rest', async () => {
    const args = [
      'plan',
      '--org',
      ...ROLE,
      '-f',
      'json',
      '--endpoint-url',
      emu.url,
      '--now',
      FIXED_NOW.toISOString(),
    ];
    const all = await runCli(args, { env: MANAGEMENT_ENV });
    const result = await runCli([...args, '--user', 'no-such-user-*'], { env: MANAGEMENT_ENV });
    expect(result.exitCode, result.stderr).toBe(0);
    type PlanDoc = {
      accounts: { plan?: { actions: unknown[] } }[];
      filter: { users: string[]; filteredOut: { actions: number } } | null;
    };
    const count = (doc: PlanDoc) => doc.accounts.reduce((n, a) => n + (a.plan?.actions.length ?? 0), 0);
    const full = JSON.parse(all.stdout) as PlanDoc;
    const filtered = JSON.parse(result.stdout) as PlanDoc;
    expect(full.filter).toBeNull();
    expect(count(full)).toBeGreaterThan(0);
    expect(count(filtered)).toBe(0);
    expect(filtered.filter).toMatchObject({
      users: ['no-such-user-*'],
      filteredOut: { actions: count(full) },
    });
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
