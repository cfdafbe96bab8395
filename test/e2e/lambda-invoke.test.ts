/**
 * `keywarden invoke`: each handler run locally on the sample events in docs/events/ against the
 * sandbox's world (the demo world, seed 1, as `keywarden sandbox` serves it), then against moto,
 * whose PutEvaluations works only in TestMode (the samples' TESTMODE result token).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import type { ScheduledSummary } from '../../src/engine/account-lifecycle.js';
import type { RemediateSummary } from '../../src/engine/config-remediation.js';
import type { ConfigRuleSummary } from '../../src/engine/config-rule-run.js';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';
import { type Moto, motoAvailable, startMoto } from '../support/moto.js';

const EVENTS = join(REPO_ROOT, 'docs', 'events');
const sample = (name: string) => join(EVENTS, name);
/** What the sandbox prints to export. */
const SANDBOX_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

/** Every stderr line is a structured log line (JSON), never free text. */
function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('keywarden invoke on the sandbox world with the sample events', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ world: await loadWorldFile(DEMO_WORLD_PATH), seed: 1 });
  });
  afterAll(() => emu.stop());
  const invoke = (args: readonly string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) =>
    runCli(['invoke', ...args, '--endpoint-url', emu.url], {
      env: { ...SANDBOX_ENV, ...options.env },
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    });

  it('config-rule, change of the exempt ops-oncall: COMPLIANT with the tag reason, logs on stderr', async () => {
    const result = await invoke(['config-rule', '--event', sample('config-rule-change.json')]);

    expect(result.exitCode).toBe(0);
    const summary = json<ConfigRuleSummary>(result.stdout);
    expect(summary).toMatchObject({ handler: 'config-rule', testMode: true, putEvaluationsCalls: 1 });
    expect(summary.evaluations).toEqual([
      expect.objectContaining({
        userName: 'ops-oncall',
        complianceType: 'COMPLIANT',
        annotation: expect.stringContaining('PagerDuty webhook key'),
      }),
    ]);
    expect(logLines(result.stderr).map((l) => l.message)).toContain('evaluations delivered');
  });

  it('config-rule, a deleted user: NOT_APPLICABLE', async () => {
    const result = await invoke(['config-rule', '--event', sample('config-rule-deleted.json')]);

    expect(result.exitCode).toBe(0);
    expect(json<ConfigRuleSummary>(result.stdout).evaluations[0]?.complianceType).toBe('NOT_APPLICABLE');
  });

  it('config-rule, scheduled with rule KEY_ROTATION: one evaluation per user of the account', async () => {
    const result = await invoke(['config-rule', '--event', sample('config-rule-scheduled.json')]);

    const summary = json<ConfigRuleSummary>(result.stdout);
    expect(summary.rule).toBe('KEY_ROTATION');
    expect(summary.evaluations).toHaveLength(emu.state.accounts.get('111111111111')!.iam.users.size);
    expect(summary.compliance.NON_COMPLIANT).toBeGreaterThan(0);
  });

  it('remediate, read from stdin: the sample user is found and remediated once', async () => {
    const dir = emptyDir('invoke-');
    const args = ['remediate', '--event', '-', '--journal', join(dir, 'journal.jsonl')];
    const stdin = readFileSync(sample('remediate.json'), 'utf8');

    const first = await invoke(args, { stdin });
    const second = await invoke(args, { stdin });

    expect(first.exitCode).toBe(0);
    const summary = json<RemediateSummary>(first.stdout);
    expect(summary).toMatchObject({ handler: 'remediate', userName: 'breakglass-admin', found: true });
    if (!summary.found) throw new Error('not found');
    expect(summary.results.done).toBeGreaterThan(0);
    const again = json<RemediateSummary>(second.stdout);
    if (!again.found) throw new Error('not found');
    expect(again.results.done).toBe(0);
  });

  it('scheduled: the lifecycle within the cap, with the journal named', async () => {
    const journal = join(emptyDir('invoke-'), 'journal.jsonl');

    const result = await invoke(['scheduled', '--event', sample('scheduled.json'), '--journal', journal], {
      env: { KEYWARDEN_MAX_ACTIONS: '3' },
    });

    expect(result.exitCode).toBe(0);
    const summary = json<ScheduledSummary>(result.stdout);
    expect(summary).toMatchObject({ handler: 'scheduled', maxActions: 3, journal });
    expect(summary.results.done + summary.results.skipped + summary.results.failed).toBeLessThanOrEqual(3);
  });

  it('logs cold_start true: each invoke is a new execution environment', async () => {
    const journal = join(emptyDir('invoke-'), 'journal.jsonl');

    const result = await invoke(['scheduled', '--event', sample('scheduled.json'), '--journal', journal]);

    expect(result.exitCode).toBe(0);
    const lines = logLines(result.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.cold_start)).toEqual(lines.map(() => true));
  });

  it.each([
    [
      ['config-rule', '--event', '-'],
      '{"resultToken": "x"}',
      /^keywarden: --event: invokingEvent: is missing/,
    ],
    [
      ['remediate', '--event', '-'],
      '{"ResourceId": "arn:aws:iam::111111111111:user/bob"}',
      /^keywarden: --event: ResourceId: must be an IAM user id/,
    ],
    [['remediate', '--event', '-'], '{not json', /^keywarden: --event: standard input is not JSON/],
    [
      ['remediate', '--event', 'no-such-file.json'],
      '',
      /^keywarden: --event: cannot read no-such-file.json: ENOENT/,
    ],
    [['lambda', '--event', '-'], '{}', /value 'lambda' is invalid for argument 'handler'/],
    [
      ['scheduled', '--event', '-', '--config', 'missing.yaml'],
      '{}',
      /^keywarden: --config: policy file not found/,
    ],
  ])('refuses %j in one line, exit 2, no AWS call', async (args, stdin, message) => {
    const before = emu.faults.count();

    const result = await invoke(args, { stdin });

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(emu.faults.count()).toBe(before);
  });

  it('has --help with examples', async () => {
    const result = await runCli(['invoke', '--help']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('docs/events/config-rule-scheduled.json');
  });
});

describe('keywarden invoke against moto', () => {
  let moto: Moto;
  const now = new Date();
  beforeAll(async () => {
    const check = await motoAvailable();
    if (!check.ok) throw new Error(check.reason);
    moto = await startMoto({
      now,
      account: {
        id: '123456789012',
        users: [
          { name: 'alice', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
          { name: 'bob', accessKeys: [{ createdDaysAgo: 5, lastUsedDaysAgo: 1 }] },
        ],
      },
    });
  }, 60_000);
  afterAll(() => moto?.stop());
  const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };
  const invoke = (args: readonly string[], stdin?: string) =>
    runCli(['invoke', ...args, '--endpoint-url', moto.endpoint], {
      env,
      ...(stdin === undefined ? {} : { stdin }),
    });
  const userId = async (userName: string) => {
    const iam = new IAMClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    try {
      return (await iam.send(new GetUserCommand({ UserName: userName }))).User?.UserId ?? '';
    } finally {
      iam.destroy();
    }
  };

  it('config-rule on a schedule (TESTMODE): alice NON_COMPLIANT, bob COMPLIANT', async () => {
    const result = await invoke(['config-rule', '--event', sample('config-rule-scheduled.json')]);

    expect(result.stderr).not.toMatch(/"level":"ERROR"/);
    expect(result.exitCode).toBe(0);
    const byName = Object.fromEntries(
      json<ConfigRuleSummary>(result.stdout).evaluations.map((e) => [e.userName, e.complianceType]),
    );
    expect(byName).toEqual({ alice: 'NON_COMPLIANT', bob: 'COMPLIANT' });
  });

  it('config-rule on a change of one user (TESTMODE)', async () => {
    const event = JSON.parse(readFileSync(sample('config-rule-change.json'), 'utf8')) as Record<
      string,
      string
    >;
    const invoking = JSON.parse(event.invokingEvent ?? '{}') as {
      configurationItem: Record<string, unknown>;
    };
    invoking.configurationItem.resourceId = await userId('alice');
    invoking.configurationItem.resourceName = 'alice';

    const result = await invoke(
      ['config-rule', '--event', '-'],
      JSON.stringify({ ...event, invokingEvent: JSON.stringify(invoking) }),
    );

    expect(result.exitCode).toBe(0);
    expect(json<ConfigRuleSummary>(result.stdout).evaluations[0]).toMatchObject({
      userName: 'alice',
      complianceType: 'NON_COMPLIANT',
    });
  });

  it('remediate, then scheduled, sharing a journal', async () => {
    const journal = join(emptyDir('invoke-moto-'), 'journal.jsonl');
    const remediate = await invoke(
      ['remediate', '--event', '-', '--journal', journal],
      JSON.stringify({ ResourceId: await userId('alice') }),
    );
    const scheduled = await invoke(['scheduled', '--event', sample('scheduled.json'), '--journal', journal]);

    expect(remediate.stderr).not.toMatch(/"level":"ERROR"/);
    expect(remediate.exitCode).toBe(0);
    const summary = json<RemediateSummary>(remediate.stdout);
    if (!summary.found) throw new Error('alice not found on moto');
    expect(summary.results).toMatchObject({ failed: 0 });
    expect(summary.actions.map((a) => a.type)).toContain('create-key');
    expect(scheduled.exitCode).toBe(0);
    expect(json<ScheduledSummary>(scheduled.stdout).results.failed).toBe(0);
  });
});
