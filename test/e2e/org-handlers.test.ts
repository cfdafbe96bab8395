/**
 * The organization handlers one by one, against an emulated organization (one account without the
 * member role, one suspended) with the hub's journal and report bucket on moto: org-accounts selects
 * what the CLI would, org-worker works in an account through the member role and writes its report,
 * catches an account it cannot assume, and org-report folds the reports into the organization report
 * and the digest.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountReportKey } from '../../src/aws/report-bucket.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { OrganizationReport } from '../../src/engine/organization-report.js';
import type { AccountReportObject } from '../../src/engine/organization-run.js';
import { memberRolePermissions, orgHandlerPermissions } from '../../src/infra/organization-permissions.js';
import { createOrgAccountsHandler } from '../../src/lambda/org-accounts.js';
import { createOrgReportHandler } from '../../src/lambda/org-report.js';
import { createOrgWorkerHandler } from '../../src/lambda/org-worker.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';
import { captureLogs } from '../support/lambda.js';
import { type Moto, startMotoDynamo } from '../support/moto.js';
import {
  BUCKET,
  hubRuntime,
  type OrgWorld,
  orgWorld,
  prepareHubResources,
  readBucketJson,
  readBucketText,
  TOPIC_ARN,
} from '../support/organization-run.js';

let emu: Emulator;
let moto: Moto;
let org: OrgWorld;
beforeAll(async () => {
  org = orgWorld();
  [emu, moto] = await Promise.all([
    startTestEmulator({ world: org.world, credentialReport: { inProgressPolls: 0 } }),
    startMotoDynamo(),
  ]);
  await prepareHubResources(moto);
});
afterAll(async () => {
  await Promise.all([emu?.stop(), moto?.stop()]);
});

const RUN = '2026-11-22T12-00-00Z-0a1b2c';

describe('org-accounts', () => {
  it('lists the active accounts, skips the suspended one, and applies the exclusions', async () => {
    const logs = captureLogs();
    const handler = createOrgAccountsHandler(hubRuntime(emu, moto, logs));

    const all = await handler({ 'detail-type': 'Scheduled Event' });
    const excluded = await handler({ excludeAccounts: [org.unreachable] });

    expect(all.accounts.map((a) => a.accountId).sort()).toEqual([...org.reachable, org.unreachable].sort());
    expect(all.skipped).toEqual([expect.objectContaining({ accountId: org.suspended, reason: 'suspended' })]);
    expect(all.runId).toMatch(/^2026-11-22T12-00-00Z-[0-9a-f]{6}$/);
    expect(excluded.accounts.map((a) => a.accountId)).not.toContain(org.unreachable);
  });
});

describe('org-worker and org-report', () => {
  it('works in each account, catches the unreachable one, and reports both in S3 and the digest', async () => {
    // Prepare
    const logs = captureLogs();
    const options = hubRuntime(emu, moto, logs);
    const worker = createOrgWorkerHandler(options);
    const member = org.reachable.find((id) => id !== '100000000000') as string;

    // Act
    const ok = await worker({ accountId: member, runId: RUN });
    const failed = await worker({ accountId: org.unreachable, runId: RUN });
    const report = await createOrgReportHandler(options)({
      runId: RUN,
      accounts: [{ accountId: member }, { accountId: org.unreachable }, { accountId: '999999999999' }],
      skipped: [],
    });

    // Assess: the worker's results
    expect(ok).toMatchObject({
      accountId: member,
      status: 'ok',
      users: 3,
      reportKey: accountReportKey(RUN, member),
    });
    expect(failed).toMatchObject({ accountId: org.unreachable, status: 'error' });
    expect(failed.error).toMatch(
      /^sts:AssumeRole arn:aws:iam::\d{12}:role\/KeywardenMemberRole failed: AccessDenied/,
    );
    const object = await readBucketJson<AccountReportObject>(moto, accountReportKey(RUN, member));
    expect(object).toMatchObject({ kind: 'account-result', status: 'ok', accountId: member });
    if (object?.status !== 'ok') throw new Error('unreachable');
    expect(object.report.accounts).toEqual([expect.objectContaining({ accountId: member, status: 'ok' })]);
    expect(object.report.summary.findings).toBe(ok.findings);

    // Assess: the organization report
    expect(report).toMatchObject({ accounts: 3, failedAccounts: 2 });
    const orgReport = await readBucketJson<OrganizationReport>(moto, `runs/${RUN}/organization.json`);
    expect(orgReport?.accounts.map((a) => [a.accountId, a.status])).toEqual([
      [member, 'ok'],
      [org.unreachable, 'error'],
      ['999999999999', 'error'],
    ]);
    expect(orgReport?.accounts[2]?.error).toMatch(/wrote no report/);
    expect(orgReport?.summary).toMatchObject({ accounts: 3, accountErrors: 2, findings: ok.findings });
    const html = await readBucketText(moto, `runs/${RUN}/organization.html`);
    expect(html).toContain('<!doctype html>');
    expect(html).toContain(member);

    // Assess: the digest
    const messages = (await (await fetch(`${emu.url}/_keywarden/sns/messages`)).json()) as {
      messages: { topicArn: string; subject?: string; message: string }[];
    };
    const digest = messages.messages.filter(
      (m) => m.topicArn === TOPIC_ARN && /organization run/.test(m.message),
    );
    expect(digest).toHaveLength(1);
    expect(digest[0]?.message).toContain(`s3://${BUCKET}/runs/${RUN}/organization.json`);
    expect(digest[0]?.message).toContain(org.unreachable);
    expect(logs.text()).not.toMatch(/SecretAccessKey|hub-secret/);
  });
});

describe('org-worker permissions', () => {
  it('makes only calls that the member role or its own role are built from', async () => {
    // Prepare: an account no other test has worked in
    const account = org.reachable.at(-1) as string;
    const before = new Map(emu.faults.calls().map((c) => [`${c.service}:${c.operation}`, c.count]));

    // Act
    const result = await createOrgWorkerHandler(hubRuntime(emu, moto, captureLogs()))({
      accountId: account,
      runId: RUN,
    });

    // Assess: changes were made, and every call the emulator saw is declared
    expect(result).toMatchObject({ status: 'ok' });
    expect(result.actions.done).toBeGreaterThan(0);
    const seen = emu.faults
      .calls()
      .filter((c) => c.count > (before.get(`${c.service}:${c.operation}`) ?? 0))
      .map((c) => `${c.service}:${c.operation}`);
    const declared = new Set<string>([
      ...memberRolePermissions(DEFAULT_POLICY),
      ...orgHandlerPermissions('org-worker', DEFAULT_POLICY, TOPIC_ARN),
    ]);
    expect(seen.filter((call) => !declared.has(call))).toEqual([]);
    expect(seen).toEqual(
      expect.arrayContaining(['sts:AssumeRole', 'iam:CreateAccessKey', 'secretsmanager:CreateSecret']),
    );
  });
});

describe('keywarden invoke with the organization handlers', () => {
  it('runs org-accounts on its sample event and prints the Map items', async () => {
    const result = await runCli(
      [
        'invoke',
        'org-accounts',
        '--event',
        join(REPO_ROOT, 'docs', 'events', 'org-accounts.json'),
        '--endpoint-url',
        emu.url,
      ],
      { env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' } },
    );

    expect(result.exitCode, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { handler: string; accounts: { accountId: string }[] };
    expect(out.handler).toBe('org-accounts');
    expect(out.accounts).toHaveLength(org.reachable.length + 1);
  });

  it('refuses a worker event without an account id, naming the field, exit 2', async () => {
    const result = await runCli(['invoke', 'org-worker', '--event', '-', '--endpoint-url', emu.url], {
      env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' },
      stdin: '{"runId": "r1"}',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--event: accountId: must be a 12-digit account id/);
  });
});
