/**
 * Notices are never lost quietly: plan says when no channel will carry them, apply warns (and fails
 * when a channel failed), and an undelivered notice is sent by a later run, once.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/core/journal/records.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

const ACCOUNT = '123456789012';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:keywarden`;
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      snsTopics: [{ name: 'keywarden' }],
      users: [
        {
          name: 'app',
          tags: { 'keywarden:owner': 'owner@example.com' },
          accessKeys: [{ id: 'AKIAAPPUNUSED0000001', createdDaysAgo: 200, lastUsedDaysAgo: 'never' }],
        },
        {
          name: 'svc',
          accessKeys: [{ id: 'AKIASVCUNUSED0000001', createdDaysAgo: 200, lastUsedDaysAgo: 'never' }],
        },
      ],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x' };

let emu: Emulator;
const dir = mkdtempSync(join(tmpdir(), 'kw-notify-'));
const journal = join(dir, 'journal.jsonl');
const policies = {
  none: join(dir, 'none.yaml'),
  sns: join(dir, 'sns.yaml'),
  slack: join(dir, 'slack.yaml'),
};

beforeAll(async () => {
  writeFileSync(policies.none, 'version: 1\nrules: { UNUSED_CREDENTIALS: { enabled: true } }\n');
  writeFileSync(policies.sns, `version: 1\nnotifications: { sns: { topicArn: "${TOPIC}" } }\n`);
  writeFileSync(
    policies.slack,
    'version: 1\nnotifications: { slack: { webhookUrlEnv: KEYWARDEN_TEST_HOOK } }\n',
  );
  emu = await startTestEmulator({ world: WORLD });
});
afterAll(() => emu.stop());

function cli(args: string[], config: string, env: NodeJS.ProcessEnv = {}) {
  return runCli([...args, '--endpoint-url', emu.url, '--journal', journal, '--config', config], {
    env: { ...ENV, ...env },
    cwd: dir,
  });
}
const snsMessages = () => emu.state.accounts.get(ACCOUNT)?.sns.messages ?? [];

describe('notices without a channel', () => {
  it('plan says none will be sent; apply warns; a later run with a channel sends them, once', async () => {
    // Act 1: no channel.
    const planned = await cli(
      ['plan', '--format', 'table', '--user', 'app'].filter((a) => a !== '--user' && a !== 'app'),
      policies.none,
    );
    const applied = await cli(['apply', '--yes', '--format', 'json'], policies.none);

    // Assess 1
    expect(planned.stderr).toMatch(
      /notice\(s\) are planned but the policy configures no notification channel/,
    );
    expect(planned.stdout.replace(/\s+/g, ' ')).toMatch(/→ owner@example.com \(not sent: no channel\)/);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stderr).toMatch(/2 notice\(s\) were not delivered \(no notification channel configured\)/);
    expect(snsMessages()).toHaveLength(0);

    // Act 2: a channel now exists; nothing else is due.
    const later = await cli(['apply', '--yes', '--format', 'json'], policies.sns);
    const again = await cli(['apply', '--yes', '--format', 'json'], policies.sns);

    // Assess 2: the two earlier notices go out once.
    const sent = (JSON.parse(later.stdout) as { results: ActionResult[] }).results;
    expect(sent.map((r) => `${r.type}:${r.userName}:${r.status}`).sort()).toEqual([
      'notify:app:done',
      'notify:svc:done',
    ]);
    expect(snsMessages().length).toBeGreaterThan(0);
    const count = snsMessages().length;
    expect((JSON.parse(again.stdout) as { results: ActionResult[] }).results).toEqual([]);
    expect(snsMessages()).toHaveLength(count);
  });
});

describe('a Slack channel whose webhook variable is unset', () => {
  it('validate refuses it, naming the variable', async () => {
    const result = await runCli(['validate', '--config', policies.slack], { env: ENV, cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'keywarden: notifications.slack.webhookUrlEnv: the environment variable KEYWARDEN_TEST_HOOK is not set, so Slack notices would fail; set it to the incoming webhook URL',
    );
  });

  it('apply warns before and after, records the reason, and exits 1', async () => {
    // Prepare: something new to tell: a user whose key is unused.
    const account = emu.state.accounts.get(ACCOUNT);
    const user = account?.iam.users.get('svc');
    if (user === undefined) throw new Error('no svc');
    const [key] = user.accessKeys;
    if (key !== undefined) key.status = 'Active';
    const fresh = join(dir, 'slack-journal.jsonl');
    // Act
    const result = await runCli(
      [
        'apply',
        '--yes',
        '--format',
        'json',
        '--endpoint-url',
        emu.url,
        '--journal',
        fresh,
        '--config',
        policies.slack,
      ],
      { env: ENV, cwd: dir },
    );
    // Assess
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /warning: notifications.slack.webhookUrlEnv: the environment variable KEYWARDEN_TEST_HOOK/,
    );
    expect(result.stderr).toMatch(/notice\(s\) were not delivered \(not delivered: slack/);
    const records = parseJournal(readFileSync(fresh, 'utf8')).records;
    const last = records.filter((r) => r.type === 'outcome').at(-1);
    expect(last).toMatchObject({ status: 'failed', reason: expect.stringContaining('KEYWARDEN_TEST_HOOK') });
  });
});
