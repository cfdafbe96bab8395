/**
 * The `remediate` handler (AWS Config's remediation through SSM Automation) and the `scheduled`
 * handler (EventBridge) against the emulator, with a file journal: one user's part of the plan,
 * twice for Config's retries; the whole lifecycle within the cap, the security team's topic, and an
 * invocation cut short by Lambda's timeout, resumed by the next.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { withNotifyTopic } from '../../src/core/deployment.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import type { World } from '../../src/emulator/world-types.js';
import { HandlerConfigError } from '../../src/engine/errors.js';
import { lambdaRemediationPermissions } from '../../src/engine/permissions.js';
import { HandlerEventError } from '../../src/lambda/define-handler.js';
import { createRemediateHandler } from '../../src/lambda/remediate.js';
import { createScheduledHandler } from '../../src/lambda/scheduled.js';
import { FIXED_NOW, useEmulator } from '../support/emulator.js';
import { emptyDir } from '../support/env.js';
import { captureLogs, emulatorRuntime, eventBridgeScheduledEvent } from '../support/lambda.js';

const ACCOUNT = '111111111111';
const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:keywarden-security`;

function world(): World {
  return {
    accounts: [
      {
        id: ACCOUNT,
        snsTopics: [{ name: 'keywarden-security' }],
        users: [
          { name: 'alice', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
          { name: 'bob', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
          { name: 'carol', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] },
          {
            name: 'vendor-sync',
            tags: { 'keywarden:exempt': 'true' },
            accessKeys: [{ createdDaysAgo: 400, lastUsedDaysAgo: 1 }],
          },
        ],
      },
    ],
  };
}

describe('remediate handler on the emulator', () => {
  const emu = useEmulator({ world: world() });
  const account = () => emu.current.state.accounts.get(ACCOUNT)!;
  const userId = (name: string) => account().iam.users.get(name)!.userId;
  let journal: string;
  beforeEach(() => {
    journal = join(emptyDir('lambda-'), 'journal.jsonl');
  });
  const handler = (logs = captureLogs(), env: NodeJS.ProcessEnv = {}) =>
    createRemediateHandler(
      emulatorRuntime(emu.current, logs, { env: { KEYWARDEN_JOURNAL: journal, ...env } }),
    );

  it("applies one user's part of the plan, and a second call (Config's retry) does nothing new", async () => {
    // Prepare
    const logs = captureLogs();
    // The stack's topic carries the notice, so it is delivered once and never planned again.
    const remediate = handler(logs, { KEYWARDEN_NOTIFY_TOPIC_ARN: TOPIC });
    const writesBefore = emu.current.faults.writeCalls();
    // Act
    const first = await remediate({ ResourceId: userId('alice') });
    const writesAfterFirst = emu.current.faults.writeCalls();
    const second = await remediate({ ResourceId: userId('alice') });
    // Assess
    expect(first).toMatchObject({ handler: 'remediate', userName: 'alice', found: true });
    if (!first.found || !second.found) throw new Error('alice not found');
    expect(first.results).toMatchObject({ failed: 0 });
    expect(first.notices).toEqual({ sent: 1, notSent: 0 });
    expect(first.results.done).toBeGreaterThan(0);
    expect(new Set(first.actions.map((a) => a.userName))).toEqual(new Set(['alice']));
    expect(account().iam.users.get('alice')!.accessKeys).toHaveLength(2);
    expect(account().iam.users.get('bob')!.accessKeys).toHaveLength(1);
    expect(second.planned.actions).toBe(0);
    expect(second.results).toEqual({ done: 0, skipped: 0, failed: 0 });
    expect(emu.current.faults.writeCalls()).toEqual(writesAfterFirst);
    expect(writesAfterFirst).not.toEqual(writesBefore);
    // No secret in the logs: the new key's SecretAccessKey lives in Secrets Manager only.
    const newKey = account().iam.users.get('alice')!.accessKeys[1]!;
    expect(logs.text()).not.toContain(newKey.secretAccessKey);
    expect(logs.text()).toContain(newKey.accessKeyId);
    expect(JSON.stringify(first)).not.toContain(newKey.secretAccessKey);
  });

  it('makes only calls its role is built from (lambdaRemediationPermissions)', async () => {
    const before = new Map(emu.current.faults.calls().map((c) => [`${c.service}:${c.operation}`, c.count]));

    await handler(captureLogs(), { KEYWARDEN_NOTIFY_TOPIC_ARN: TOPIC })({ ResourceId: userId('bob') });

    const seen = emu.current.faults
      .calls()
      .filter((c) => c.count > (before.get(`${c.service}:${c.operation}`) ?? 0))
      .map((c) => `${c.service}:${c.operation}`);
    const withTopic = withNotifyTopic(DEFAULT_POLICY, { KEYWARDEN_NOTIFY_TOPIC_ARN: TOPIC }).policy;
    const declared: readonly string[] = lambdaRemediationPermissions(withTopic);
    expect(seen).toEqual(expect.arrayContaining(['iam:ListUsers', 'iam:CreateAccessKey', 'sns:Publish']));
    expect(seen.filter((call) => !declared.includes(call))).toEqual([]);
  });

  it('leaves an exempt user alone', async () => {
    const out = await handler()({ ResourceId: userId('vendor-sync') });

    if (!out.found) throw new Error('vendor-sync not found');
    expect(out.results.done).toBe(0);
    expect(account().iam.users.get('vendor-sync')!.accessKeys).toHaveLength(1);
  });

  it('does nothing for a user id no user has (deleted since)', async () => {
    const out = await handler()({ ResourceId: 'AIDAGONEUSER000000001' });

    expect(out).toEqual({
      handler: 'remediate',
      userId: 'AIDAGONEUSER000000001',
      userName: null,
      found: false,
    });
  });

  it.each([
    [{}],
    [{ ResourceId: 'alice' }],
    [{ ResourceId: 'arn:aws:iam::111111111111:user/alice' }],
    [{ resourceId: 'AIDAGONEUSER000000001' }],
    ['AIDA'],
  ])('refuses a payload without an IAM user id in ResourceId (%j), with no AWS call', async (event) => {
    emu.current.faults.resetCounts();

    await expect(handler()(event)).rejects.toMatchObject({
      name: HandlerEventError.name,
      field: expect.stringMatching(/ResourceId|event/),
    });
    expect(emu.current.faults.count()).toBe(0);
  });

  it.each([
    [{ AWS_MAX_ATTEMPTS: '0' }, /^AWS_MAX_ATTEMPTS: a whole number from 1 to 20 \(got "0"\)$/],
    [{ AWS_RETRY_MODE: 'legacy' }, /^AWS_RETRY_MODE: adaptive or standard \(got "legacy"\)$/],
  ])(
    'reads the retry settings as the CLI does, refusing %j in one line, with no AWS call',
    async (retry, message) => {
      emu.current.faults.resetCounts();
      const { connection: _connection, ...options } = emulatorRuntime(emu.current, captureLogs());
      const remediate = createRemediateHandler({
        ...options,
        env: { AWS_ENDPOINT_URL: emu.current.url, KEYWARDEN_JOURNAL: journal, ...retry },
      });

      const run = remediate({ ResourceId: userId('bob') });

      await expect(run).rejects.toThrow(HandlerConfigError);
      await expect(run).rejects.toThrow(message);
      expect(emu.current.faults.count()).toBe(0);
    },
  );

  it('refuses to run without a journal, naming the variable', async () => {
    const remediate = createRemediateHandler(emulatorRuntime(emu.current, captureLogs(), { env: {} }));

    await expect(remediate({ ResourceId: userId('bob') })).rejects.toThrow(HandlerConfigError);
    await expect(remediate({ ResourceId: userId('bob') })).rejects.toThrow(/^KEYWARDEN_JOURNAL: not set/);
  });
});

describe('scheduled handler on the emulator', () => {
  const emu = useEmulator({ world: world() });
  const account = () => emu.current.state.accounts.get(ACCOUNT)!;

  it('runs the lifecycle within the cap, notifies the security topic, and the next run carries on', async () => {
    // Prepare
    const journal = join(emptyDir('lambda-'), 'journal.jsonl');
    const env = { KEYWARDEN_JOURNAL: journal, KEYWARDEN_MAX_ACTIONS: '2', KEYWARDEN_NOTIFY_TOPIC_ARN: TOPIC };
    const scheduled = createScheduledHandler(emulatorRuntime(emu.current, captureLogs(), { env }));
    // Act
    const first = await scheduled(eventBridgeScheduledEvent(FIXED_NOW));
    const second = await scheduled(eventBridgeScheduledEvent(FIXED_NOW));
    // Assess
    expect(first).toMatchObject({ handler: 'scheduled', maxActions: 2, stopped: false, journal });
    expect(first.results.failed).toBe(0);
    expect(first.planned.deferred).toBeGreaterThan(0);
    expect(second.results.done).toBeGreaterThan(0);
    expect(first.notices.sent + second.notices.sent).toBeGreaterThan(0);
    expect(account().sns.messages.map((m) => m.topicArn)).toContain(TOPIC);
    expect(account().iam.users.get('vendor-sync')!.accessKeys).toHaveLength(1);
  });

  it("stops starting changes near Lambda's timeout, and the next invocation finishes the interrupted run", async () => {
    // Prepare: a clock of remaining time that runs out after the first change.
    const journal = join(emptyDir('lambda-'), 'journal.jsonl');
    const scheduled = createScheduledHandler(
      emulatorRuntime(emu.current, captureLogs(), { env: { KEYWARDEN_JOURNAL: journal } }),
    );
    let asked = 0;
    const context = {
      awsRequestId: 'req-1',
      getRemainingTimeInMillis: () => (asked++ < 1 ? 600_000 : 1_000),
    };
    // Act
    const cut = await scheduled(eventBridgeScheduledEvent(FIXED_NOW), context);
    const next = await scheduled(eventBridgeScheduledEvent(FIXED_NOW), { awsRequestId: 'req-2' });
    // Assess
    expect(cut.stopped).toBe(true);
    expect(cut.runId).not.toBeNull();
    expect(next.recoveredRuns).toContain(cut.runId);
    expect(next.stopped).toBe(false);
  });
});
