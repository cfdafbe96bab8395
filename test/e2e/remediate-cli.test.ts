/**
 * `keywarden plan / apply / undo / history` end to end: the CLI (in-process) drives the real SDK
 * against the emulator; time moves with the emulator's clock, which the CLI reads from its responses,
 * so every stage of the rotation lifecycle is reached deterministically.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/days.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { Plan } from '../../src/core/plan/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { clientConfig, startTestEmulator } from '../support/emulator.js';
import { sightingRun, writeJournal } from '../support/journal.js';
import { visibleWidth } from '../support/terminal.js';

const ACCOUNT = '222222222222';
const CENTRAL = '111111111111';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:keywarden-security`;
const OLD_KEY = 'AKIAAPPROTATE0000001';
const STUCK_KEY = 'AKIAAPPSTUCK00000001';

const WORLD: World = {
  organizations: [{ id: 'o-remediate01', managementAccountId: CENTRAL }],
  accounts: [
    { id: CENTRAL, snsTopics: [{ name: 'keywarden-security' }] },
    {
      id: ACCOUNT,
      users: [
        {
          name: 'app-rotate',
          tags: { 'keywarden:owner': 'dana@example.com' },
          accessKeys: [{ id: OLD_KEY, createdDaysAgo: 95, lastUsedDaysAgo: 0.5 }],
        },
        {
          name: 'app-stuck',
          tags: { 'keywarden:owner': 'sam@example.com' },
          accessKeys: [{ id: STUCK_KEY, createdDaysAgo: 95, lastUsedDaysAgo: 0.5 }],
        },
        { name: 'app-warn', accessKeys: [{ createdDaysAgo: 80, lastUsedDaysAgo: 1 }] },
        {
          name: 'app-unused',
          accessKeys: [{ id: 'AKIAAPPUNUSED0000001', createdDaysAgo: 120, lastUsedDaysAgo: 'never' }],
        },
        {
          name: 'console-unused',
          createdDaysAgo: 200,
          loginProfile: { createdDaysAgo: 150, passwordLastUsedDaysAgo: 100 },
        },
        {
          name: 'app-spare',
          accessKeys: [
            { id: 'AKIAAPPSPAREOLD00001', status: 'Inactive', createdDaysAgo: 200, lastUsedDaysAgo: 150 },
            { id: 'AKIAAPPSPARENEW00001', createdDaysAgo: 95, lastUsedDaysAgo: 1 },
          ],
        },
        {
          name: 'app-two-active',
          accessKeys: [
            { id: 'AKIAAPPTWOA000000001', createdDaysAgo: 96, lastUsedDaysAgo: 1 },
            { id: 'AKIAAPPTWOB000000001', createdDaysAgo: 95, lastUsedDaysAgo: 1 },
          ],
        },
        {
          name: 'vendor-exempt',
          tags: { 'keywarden:exempt': 'true', 'keywarden:exempt-reason': 'vendor rotates it' },
          accessKeys: [{ id: 'AKIAVENDOREXEMPT0001', createdDaysAgo: 300, lastUsedDaysAgo: 'never' }],
        },
      ],
    },
  ],
};

let emu: Emulator;
const dir = mkdtempSync(join(tmpdir(), 'kw-remediate-'));
const journal = join(dir, 'journal.jsonl');
const policyPath = join(dir, 'keywarden.yaml');
const outputs: string[] = [];

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDREMEDIATOR', AWS_SECRET_ACCESS_KEY: 'x' };

beforeAll(async () => {
  writeFileSync(
    policyPath,
    [
      'version: 1',
      'notifications:',
      '  securityTeamEmail: security@example.com',
      `  sns: { topicArn: "${TOPIC}" }`,
      '  email: { from: keywarden@example.com }',
    ].join('\n'),
  );
  emu = await startTestEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });
  // An earlier run saw app-spare's inactive key 20 days ago: its window has passed, it may go.
  writeJournal(
    journal,
    sightingRun(ACCOUNT, 'app-spare', 'AKIAAPPSPAREOLD00001', addDays(emu.clock.now(), -20)),
  );
  // The remediator works in the prod account: unknown keys act as the default account, so assume a role there.
  emu.state.defaultAccountId = ACCOUNT;
});
afterAll(() => emu.stop());

async function cli(args: string[], options: { tty?: boolean; columns?: number } = {}) {
  const result = await runCli(
    [
      ...args,
      '--endpoint-url',
      emu.url,
      '--journal',
      journal,
      // undo reads no policy
      ...(args[0] === 'undo' ? [] : ['--config', policyPath]),
    ],
    { env: ENV, cwd: dir, ...options },
  );
  outputs.push(result.stdout, result.stderr);
  return result;
}

async function applyJson(extra: string[] = []) {
  const result = await cli(['apply', '--yes', '--format', 'json', ...extra]);
  expect(result.stderr).not.toMatch(/keywarden: (?!warning)/);
  return {
    ...result,
    ...(JSON.parse(result.stdout) as { runId: string; plan: Plan; results: ActionResult[] }),
  };
}

const keysOf = (user: string) => emu.state.accounts.get(ACCOUNT)?.iam.users.get(user)?.accessKeys ?? [];
const statusOf = (user: string, id: string) =>
  keysOf(user).find((k) => k.accessKeyId === id)?.status ?? 'gone';
const userResults = (results: readonly ActionResult[], user: string) =>
  results.filter((r) => r.userName === user).map((r) => `${r.type}:${r.status}`);

/** Acts as the application: reads its key from Secrets Manager and makes one call with it. */
async function appSwitchesToNewKey(secretName: string) {
  const sm = new SecretsManagerClient(clientConfig(emu, { accessKeyId: 'AKIDAPP' }));
  const secret = JSON.parse(
    (await sm.send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString ?? '{}',
  ) as { AccessKeyId: string; SecretAccessKey: string; UserName: string; CreateDate: string };
  sm.destroy();
  const sts = new STSClient(
    clientConfig(emu, { accessKeyId: secret.AccessKeyId, secretAccessKey: secret.SecretAccessKey }),
  );
  await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  return secret;
}

async function useKey(accessKeyId: string) {
  const sts = new STSClient(clientConfig(emu, { accessKeyId }));
  await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
}

describe('remediation lifecycle through the CLI', () => {
  let firstRun = '';
  let secretName = '';

  it('plan shows each stage and changes nothing', async () => {
    emu.faults.resetCounts();
    const result = await cli(['plan', '--format', 'json']);
    expect(result.exitCode).toBe(0);
    const plan = JSON.parse(result.stdout) as Plan;
    const of = (user: string) =>
      plan.actions.filter((a) => a.userName === user).map((a) => `${a.type}/${a.stage}`);
    expect(of('app-rotate')).toEqual(['create-key/rotate', 'store-secret/rotate', 'notify/rotate']);
    expect(of('app-warn')).toEqual(['notify/warn']);
    expect(of('app-unused')).toEqual(['deactivate-key/revoke-unused', 'notify/revoke-unused']);
    expect(of('console-unused')).toEqual(['delete-login-profile/revoke-unused', 'notify/revoke-unused']);
    expect(of('app-spare').slice(0, 3)).toEqual([
      'delete-key/rotate',
      'create-key/rotate',
      'store-secret/rotate',
    ]);
    expect(of('vendor-exempt')).toEqual([]);
    expect(plan.skipped.map((s) => s.userName)).toContain('vendor-exempt');
    expect(plan.blocked.map((b) => b.userName)).toContain('app-two-active');
    expect(emu.faults.writeCalls()).toEqual([]);
  });

  it('plans the same actions from the credential report as from live IAM', async () => {
    const live = JSON.parse((await cli(['plan', '--format', 'json'])).stdout) as Plan;
    const report = JSON.parse(
      (await cli(['plan', '--format', 'json', '--inventory', 'report'])).stdout,
    ) as Plan;
    expect(report.actions.map((a) => a.id)).toEqual(live.actions.map((a) => a.id));
  });

  it('--preset aws-config plans exactly the AWS runbook: revoke unused credentials, never rotate or delete', async () => {
    const result = await cli(['plan', '--format', 'json', '--preset', 'aws-config']);
    const plan = JSON.parse(result.stdout) as Plan;
    const changes = new Set(
      plan.actions.filter((a) => a.type !== 'notify').map((a) => `${a.type}/${a.stage}`),
    );
    expect([...changes].sort()).toEqual([
      'deactivate-key/revoke-unused',
      'delete-login-profile/revoke-unused',
    ]);
    expect(plan.mode).toBe('runbook');
  });

  it('apply without --yes is a dry run: no write call reaches AWS', async () => {
    emu.faults.resetCounts();
    const result = await cli(['apply', '--format', 'json']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/dry run: nothing changed/);
    expect(emu.faults.writeCalls()).toEqual([]);
  });

  it('apply --yes rotates (new key only in Secrets Manager), revokes unused credentials, frees a slot, notifies', async () => {
    const run = await applyJson();
    firstRun = run.runId;
    expect(run.exitCode).toBe(0);
    expect(userResults(run.results, 'app-rotate')).toEqual([
      'create-key:done',
      'store-secret:done',
      'notify:done',
    ]);
    const created = run.results.find((r) => r.userName === 'app-rotate' && r.type === 'create-key');
    secretName = created?.secretName ?? '';
    expect(secretName).toBe(`keywarden/${ACCOUNT}/app-rotate`);
    expect(statusOf('app-rotate', OLD_KEY)).toBe('Active');
    expect(keysOf('app-rotate')).toHaveLength(2);
    expect(statusOf('app-unused', 'AKIAAPPUNUSED0000001')).toBe('Inactive');
    expect(emu.state.accounts.get(ACCOUNT)?.iam.users.get('console-unused')?.loginProfile).toBeNull();
    expect(statusOf('app-spare', 'AKIAAPPSPAREOLD00001')).toBe('gone');
    expect(statusOf('vendor-exempt', 'AKIAVENDOREXEMPT0001')).toBe('Active');
    const messages = emu.state.accounts.get(CENTRAL)?.sns.messages ?? [];
    expect(messages.some((m) => m.topicArn === TOPIC && m.message.includes('app-rotate'))).toBe(true);
    const emails = emu.state.accounts.get(ACCOUNT)?.ses.sent ?? [];
    expect(emails.some((e) => e.to.includes('dana@example.com') && e.body.includes(secretName))).toBe(true);
  });

  it('the secret holds the new key, in the documented JSON shape', async () => {
    const secret = await appSwitchesToNewKey(secretName);
    expect(secret.UserName).toBe('app-rotate');
    expect(secret.AccessKeyId).not.toBe(OLD_KEY);
    expect(keysOf('app-rotate').map((k) => k.accessKeyId)).toContain(secret.AccessKeyId);
  });

  it('a second run the same day repeats nothing (notifications are sent once)', async () => {
    const run = await applyJson();
    expect(run.results.filter((r) => r.status === 'done')).toEqual([]);
  });

  it('after the switch-over window: deactivates the switched key, keeps notifying about the one still in use', async () => {
    emu.clock.advance(14);
    await useKey(STUCK_KEY); // app-stuck never moved to its new key
    const run = await applyJson();
    expect(userResults(run.results, 'app-rotate')).toContain('deactivate-key:done');
    expect(statusOf('app-rotate', OLD_KEY)).toBe('Inactive');
    expect(statusOf('app-stuck', STUCK_KEY)).toBe('Active');
    expect(run.plan.actions.some((a) => a.userName === 'app-stuck' && a.stage === 'still-in-use')).toBe(true);
  });

  it('undo reactivates what a run deactivated', async () => {
    const history = await runCli(
      ['history', '--user', 'app-rotate', '--format', 'json', '--journal', journal],
      {
        cwd: dir,
      },
    );
    expect(history.exitCode).toBe(0);
    const rows = JSON.parse(history.stdout) as { runId: string; type: string; status: string }[];
    const deactivation = rows.find((r) => r.type === 'deactivate-key' && r.status === 'done');
    expect(deactivation).toBeDefined();
    const undo = await cli(['undo', deactivation?.runId ?? '', '--yes']);
    expect(undo.exitCode).toBe(0);
    expect(statusOf('app-rotate', OLD_KEY)).toBe('Active');
    // The undo holds the key (rotation.inUseGraceDays, 7 days): the next run leaves it alone...
    const held = await applyJson();
    expect(userResults(held.results, 'app-rotate')).not.toContain('deactivate-key:done');
    expect(held.plan.skipped.map((s) => `${s.userName}:${s.reason.slice(0, 10)}`)).toContain(
      'app-rotate:Held until',
    );
    // ...and once the hold ends, a run deactivates it again (the app still uses only the new key).
    // A minute past: the service clock reads whole seconds from the Date header, so a run can
    // estimate the time up to a second behind the one before it.
    emu.clock.advance(7 + 1 / 1440);
    const again = await applyJson();
    expect(userResults(again.results, 'app-rotate')).toContain('deactivate-key:done');
  });

  it('after the delete window: deletes the inactive old key; undo then lists it as impossible', async () => {
    emu.clock.advance(14);
    const run = await applyJson();
    expect(userResults(run.results, 'app-rotate')).toContain('delete-key:done');
    expect(statusOf('app-rotate', OLD_KEY)).toBe('gone');
    // On an 80-column terminal: every line fits, and each "cannot undo" names the user on its first line.
    const undo = await cli(['undo', firstRun, '--yes'], { tty: true, columns: 80 });
    expect(undo.stdout).toMatch(/cannot undo .*AKIAAPPSPAREOLD00001|cannot undo .*app-spare/);
    for (const line of undo.stdout.split('\n')) expect(visibleWidth(line), line).toBeLessThanOrEqual(80);
  });

  it('never touched the exempt user', () => {
    expect(keysOf('vendor-exempt').map((k) => `${k.accessKeyId}:${k.status}`)).toEqual([
      'AKIAVENDOREXEMPT0001:Active',
    ]);
  });

  it('no secret access key appears in any output, the journal, SNS messages or emails', () => {
    const secrets = [...(emu.state.accounts.get(ACCOUNT)?.secrets.values() ?? [])].flatMap((s) =>
      s.versions.map(
        (v) => (JSON.parse(v.secretString ?? '{}') as { SecretAccessKey: string }).SecretAccessKey,
      ),
    );
    expect(secrets.length).toBeGreaterThan(0);
    const haystack = [
      ...outputs,
      readFileSync(journal, 'utf8'),
      ...[...emu.state.accounts.values()].flatMap((a) => a.sns.messages.map((m) => m.message)),
      ...[...emu.state.accounts.values()].flatMap((a) => a.ses.sent.map((e) => e.body)),
    ].join('\n');
    for (const secret of secrets) expect(haystack.includes(secret)).toBe(false);
  });
});

describe('remediation input errors change nothing in AWS', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'version: 1\nrotation: { rotateAfterDays: 120, deactivateAfterDays: 100 }\n');

  it.each([
    [
      ['apply', '--yes', '--max-actions', 'lots'],
      /--max-actions: must be an integer from 0 to 10000 \(got "lots"\)/,
    ],
    [['apply', '--yes', '--inventory', 'psychic'], /--inventory: must be one of report, live/],
    [['apply', '--yes', '--format', 'yaml'], /--format: must be one of table, json/],
    [['plan', '--now', 'tomorrow'], /--now: must be an ISO-8601 time/],
    [
      ['apply', '--yes', '--now', '2027-06-01T00:00:00Z'],
      /--now: this command changes AWS, so it acts at the current time/,
    ],
    [
      ['rotate', '--user', 'app-rotate', '--yes', '--now', '2027-06-01T00:00:00Z'],
      /--now: this command changes AWS/,
    ],
    [['undo', 'some-run', '--yes', '--now', '2027-06-01T00:00:00Z'], /--now: this command changes AWS/],
    [
      ['rotate', '--user', 'app-warn', '--yes', '--poll-seconds', '-1'],
      /--poll-seconds: must be a positive number/,
    ],
    [['rotate', '--yes'], /required option '--user <name>'/],
    [['undo', 'no-such-run', '--yes'], /no run no-such-run/],
  ])('%j', async (args, message) => {
    emu.faults.resetCounts();
    const result = await runCli([...args, '--endpoint-url', emu.url, '--journal', journal], {
      env: ENV,
      cwd: dir,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(emu.faults.writeCalls()).toEqual([]);
  });

  it('a bad policy file', async () => {
    emu.faults.resetCounts();
    const result = await runCli(
      ['apply', '--yes', '--config', bad, '--endpoint-url', emu.url, '--journal', journal],
      {
        env: ENV,
        cwd: dir,
      },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/rotation/);
    expect(emu.faults.count()).toBe(0);
  });
});
