/**
 * The AWS Config custom rule handler against the emulator, with the event shapes AWS Config sends:
 * periodic and change-triggered evaluations, deleted and out-of-scope users, rule parameters,
 * TESTMODE, 250 users over three PutEvaluations calls, and FailedEvaluations retried then reported.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/days.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import { latestConfigEvaluations } from '../../src/emulator/state.js';
import type { World } from '../../src/emulator/world-types.js';
import { HandlerConfigError } from '../../src/engine/errors.js';
import { configRulePermissions } from '../../src/engine/permissions.js';
import { createConfigRuleHandler } from '../../src/lambda/config-rule.js';
import { HandlerEventError } from '../../src/lambda/define-handler.js';
import { FIXED_NOW, useEmulator } from '../support/emulator.js';
import {
  captureLogs,
  changeEvent,
  emulatorRuntime,
  oversizedEvent,
  scheduledEvent,
} from '../support/lambda.js';

const ACCOUNT = '111111111111';
const NOTIFIED_AT = new Date('2026-11-22T11:30:00.000Z');
const CAPTURED_AT = new Date('2026-11-22T11:45:00.000Z');
const OLD_KEY = 'AKIAOLDKEY0000000001';

const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      ssmParameters: [
        {
          name: '/keywarden/policy',
          type: 'SecureString',
          value: 'version: 1\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: 200 }\n',
        },
        { name: '/keywarden/bad-policy', type: 'String', value: 'version: 2\n' },
      ],
      users: [
        { name: 'alice', accessKeys: [{ id: OLD_KEY, createdDaysAgo: 120, lastUsedDaysAgo: 1 }] },
        { name: 'bob', accessKeys: [{ createdDaysAgo: 10, lastUsedDaysAgo: 1 }] },
        {
          name: 'vendor-sync',
          tags: { 'keywarden:exempt': 'true', 'keywarden:exempt-reason': 'vendor rotates it, ticket SEC-42' },
          accessKeys: [{ createdDaysAgo: 400, lastUsedDaysAgo: 2 }],
        },
        { name: 'no-credentials', createdDaysAgo: 30 },
        { name: 'ninety-one', accessKeys: [{ createdDaysAgo: 91, lastUsedDaysAgo: 1 }] },
      ],
    },
  ],
};

describe('config-rule handler on the emulator', () => {
  const emu = useEmulator({ world: WORLD });
  const account = () => emu.current.state.accounts.get(ACCOUNT)!;
  const userId = (name: string) => account().iam.users.get(name)!.userId;
  const latest = () => latestConfigEvaluations(account());
  const handler = (logs = captureLogs()) => createConfigRuleHandler(emulatorRuntime(emu.current, logs));

  beforeEach(() => {
    account().config.evaluationCalls.length = 0;
    account().config.failures = [];
    emu.current.faults.resetCounts();
  });

  it('judges every user on a schedule, with the audit rules, the exemption reason and notificationCreationTime', async () => {
    // Act
    const summary = await handler()(scheduledEvent(NOTIFIED_AT));
    // Assess
    const byName = (name: string) => latest().get(userId(name));
    expect(summary.putEvaluationsCalls).toBe(1);
    expect(summary.compliance).toEqual({ COMPLIANT: 2, NON_COMPLIANT: 2, NOT_APPLICABLE: 1 });
    expect(latest().size).toBe(5);
    expect(byName('alice')).toMatchObject({
      complianceResourceType: 'AWS::IAM::User',
      complianceType: 'NON_COMPLIANT',
      orderingTimestamp: NOTIFIED_AT,
    });
    expect(byName('alice')?.annotation).toMatch(new RegExp(`^KEY_ROTATION: .*${OLD_KEY} is 120 days old`));
    expect(byName('bob')).toMatchObject({ complianceType: 'COMPLIANT', annotation: null });
    expect(byName('vendor-sync')?.complianceType).toBe('COMPLIANT');
    expect(byName('vendor-sync')?.annotation).toContain('vendor rotates it, ticket SEC-42');
    expect(byName('no-credentials')?.complianceType).toBe('NOT_APPLICABLE');
    expect(account().config.evaluationCalls[0]).toMatchObject({
      testMode: false,
      resultToken: expect.any(String),
    });
  });

  it('judges one exempt user on a change: reads that user only, COMPLIANT with the reason, at the capture time', async () => {
    // Act
    const summary = await handler()(
      changeEvent({ userId: userId('vendor-sync'), userName: 'vendor-sync', capturedAt: CAPTURED_AT }),
    );
    // Assess
    expect(summary.evaluations).toEqual([
      {
        complianceResourceId: userId('vendor-sync'),
        userName: 'vendor-sync',
        complianceType: 'COMPLIANT',
        annotation: expect.stringContaining(
          'exempt: vendor rotates it, ticket SEC-42 (tag keywarden:exempt)',
        ),
        orderingTimestamp: CAPTURED_AT.toISOString(),
      },
    ]);
    expect(latest().get(userId('vendor-sync'))?.orderingTimestamp).toEqual(CAPTURED_AT);
    expect(emu.current.faults.count('iam', 'ListUsers')).toBe(0);
    expect(emu.current.faults.count('iam', 'GenerateCredentialReport')).toBe(0);
    expect(emu.current.faults.count('iam', 'ListAccessKeys')).toBe(1);
  });

  it('gives a deleted user NOT_APPLICABLE without reading IAM', async () => {
    const summary = await handler()(
      changeEvent({
        userId: 'AIDAGONEUSER000000001',
        userName: 'gone',
        capturedAt: CAPTURED_AT,
        status: 'ResourceDeleted',
      }),
    );

    expect(summary.evaluations).toEqual([
      expect.objectContaining({
        complianceResourceId: 'AIDAGONEUSER000000001',
        complianceType: 'NOT_APPLICABLE',
        annotation: 'configuration item status ResourceDeleted',
      }),
    ]);
    expect(latest().get('AIDAGONEUSER000000001')?.complianceType).toBe('NOT_APPLICABLE');
    expect(emu.current.faults.count('iam')).toBe(0);
  });

  it('gives a resource that left the scope NOT_APPLICABLE', async () => {
    const summary = await handler()(
      changeEvent(
        { userId: userId('alice'), userName: 'alice', capturedAt: CAPTURED_AT },
        { eventLeftScope: true },
      ),
    );

    expect(summary.evaluations.map((e) => e.complianceType)).toEqual(['NOT_APPLICABLE']);
  });

  it('gives NOT_APPLICABLE when the item names a user that no longer exists, or whose name now has another id', async () => {
    const missing = await handler()(
      changeEvent({ userId: 'AIDAMISSING000000001', userName: 'missing', capturedAt: CAPTURED_AT }),
    );
    const recreated = await handler()(
      changeEvent({ userId: 'AIDAOLDALICE00000001', userName: 'alice', capturedAt: CAPTURED_AT }),
    );

    expect(missing.evaluations[0]).toMatchObject({
      complianceType: 'NOT_APPLICABLE',
      annotation: 'IAM user missing no longer exists',
    });
    expect(recreated.evaluations[0]?.complianceType).toBe('NOT_APPLICABLE');
    expect(recreated.evaluations[0]?.annotation).toContain(`now belongs to ${userId('alice')}`);
  });

  it('reads an oversized change by its summary, finding the user by id when the summary has no name', async () => {
    const summary = await handler()(
      oversizedEvent({ userId: userId('alice'), userName: null, capturedAt: CAPTURED_AT }),
    );

    expect(summary.messageType).toBe('OversizedConfigurationItemChangeNotification');
    expect(summary.evaluations[0]).toMatchObject({ userName: 'alice', complianceType: 'NON_COMPLIANT' });
    expect(emu.current.faults.count('iam', 'ListUsers')).toBe(1);
  });

  it('reads the policy from the SSM parameter KEYWARDEN_POLICY_PARAMETER', async () => {
    const logs = captureLogs();
    const withParameter = createConfigRuleHandler(
      emulatorRuntime(emu.current, logs, { env: { KEYWARDEN_POLICY_PARAMETER: '/keywarden/policy' } }),
    );

    const summary = await withParameter(
      changeEvent(
        { userId: userId('alice'), userName: 'alice', capturedAt: CAPTURED_AT },
        { ruleParameters: { rule: 'KEY_ROTATION' } },
      ),
    );

    expect(summary.evaluations[0]?.complianceType).toBe('COMPLIANT');
  });

  it('reads the policy parameter once per container: a warm invocation uses the cached policy', async () => {
    // Prepare: one container (handler instance), invoked twice; another, cold
    const env = { KEYWARDEN_POLICY_PARAMETER: '/keywarden/policy' };
    const warm = createConfigRuleHandler(emulatorRuntime(emu.current, captureLogs(), { env }));
    const event = changeEvent(
      { userId: userId('alice'), userName: 'alice', capturedAt: CAPTURED_AT },
      { ruleParameters: { rule: 'KEY_ROTATION' } },
    );
    // Act
    const first = await warm(event);
    const second = await warm(event);
    const readsWarm = emu.current.faults.count('ssm', 'GetParameter');
    await createConfigRuleHandler(emulatorRuntime(emu.current, captureLogs(), { env }))(event);
    // Assess: both judged with the parameter's policy (maxKeyAgeDays 200); SSM was read once per container
    expect([first, second].map((s) => s.evaluations[0]?.complianceType)).toEqual(['COMPLIANT', 'COMPLIANT']);
    expect(readsWarm).toBe(1);
    expect(emu.current.faults.count('ssm', 'GetParameter')).toBe(2);
  });

  it('reads the policy parameter at every invocation with POWERTOOLS_PARAMETERS_MAX_AGE=0', async () => {
    const env = { KEYWARDEN_POLICY_PARAMETER: '/keywarden/policy', POWERTOOLS_PARAMETERS_MAX_AGE: '0' };
    const uncached = createConfigRuleHandler(emulatorRuntime(emu.current, captureLogs(), { env }));

    await uncached(scheduledEvent(NOTIFIED_AT));
    await uncached(scheduledEvent(NOTIFIED_AT));

    expect(emu.current.faults.count('ssm', 'GetParameter')).toBe(2);
  });

  it.each([
    [
      { KEYWARDEN_POLICY_PARAMETER: '/keywarden/bad-policy' },
      /^KEYWARDEN_POLICY_PARAMETER: invalid policy: ssm:\/keywarden\/bad-policy/,
    ],
    [
      { KEYWARDEN_POLICY_FILE: '/nonexistent/keywarden.yaml' },
      /^KEYWARDEN_POLICY_FILE: cannot read \/nonexistent\/keywarden.yaml: ENOENT/,
    ],
  ])('refuses a broken deployment (%j) in one line naming the variable', async (env, message) => {
    const broken = createConfigRuleHandler(emulatorRuntime(emu.current, captureLogs(), { env }));

    const run = broken(scheduledEvent(NOTIFIED_AT));

    await expect(run).rejects.toBeInstanceOf(HandlerConfigError);
    await expect(run).rejects.toThrow(message);
  });

  it('makes only calls its role is built from (configRulePermissions)', async () => {
    const before = new Map(emu.current.faults.calls().map((c) => [`${c.service}:${c.operation}`, c.count]));

    await handler()(scheduledEvent(NOTIFIED_AT));
    await handler()(oversizedEvent({ userId: userId('alice'), userName: null, capturedAt: CAPTURED_AT }));

    const seen = emu.current.faults
      .calls()
      .filter((c) => c.count > (before.get(`${c.service}:${c.operation}`) ?? 0))
      .map((c) => `${c.service}:${c.operation}`);
    const declared: readonly string[] = configRulePermissions(DEFAULT_POLICY);
    expect(seen).toContain('config:PutEvaluations');
    expect(seen.filter((call) => !declared.includes(call))).toEqual([]);
  });

  it.each([
    ['90', 'NON_COMPLIANT'],
    ['91', 'COMPLIANT'],
  ] as const)('judges one rule with maxAccessKeyAge %s: a 91-day-old key is %s', async (max, expected) => {
    const summary = await handler()(
      changeEvent(
        { userId: userId('ninety-one'), userName: 'ninety-one', capturedAt: CAPTURED_AT },
        { ruleParameters: { rule: 'KEY_ROTATION', maxAccessKeyAge: max } },
      ),
    );

    expect(summary.rule).toBe('KEY_ROTATION');
    expect(summary.evaluations[0]?.complianceType).toBe(expected);
    if (expected === 'NON_COMPLIANT')
      expect(summary.evaluations[0]?.annotation).toMatch(/is 91 days old \(max 90\)$/);
  });

  it('judges a rule the policy file disables when the Config rule names it', async () => {
    const summary = await handler()(
      changeEvent(
        { userId: userId('alice'), userName: 'alice', capturedAt: CAPTURED_AT },
        { ruleParameters: { rule: 'UNUSED_CREDENTIALS', maxCredentialUsageAge: '1' } },
      ),
    );

    expect(summary.evaluations[0]?.complianceType).toBe('NON_COMPLIANT');
    expect(summary.evaluations[0]?.annotation).toMatch(/was last used 1 day ago \(limit 1\)/);
  });

  it('sets TestMode for the TESTMODE result token, and AWS Config keeps no result', async () => {
    const summary = await handler()(scheduledEvent(NOTIFIED_AT, { resultToken: 'TESTMODE' }));

    expect(summary.testMode).toBe(true);
    expect(account().config.evaluationCalls.map((c) => c.testMode)).toEqual([true]);
    expect(latest().size).toBe(0);
  });

  it('sends FailedEvaluations again, alone, and they are taken', async () => {
    account().config.failures = [{ resourceId: userId('bob'), times: 2 }];

    const summary = await handler()(scheduledEvent(NOTIFIED_AT));

    expect(summary.putEvaluationsCalls).toBe(3);
    expect(account().config.evaluationCalls.map((c) => c.evaluations.length)).toEqual([4, 0, 1]);
    expect(latest().get(userId('bob'))?.complianceType).toBe('COMPLIANT');
  });

  it('reports evaluations AWS Config keeps refusing: the invocation fails and the log names them', async () => {
    account().config.failures = [{ resourceId: userId('bob'), times: 10 }];
    const logs = captureLogs();

    const run = handler(logs)(scheduledEvent(NOTIFIED_AT));

    // Lambda reports the error's name as the invocation's errorType.
    await expect(run).rejects.toMatchObject({ name: 'EvaluationsNotDeliveredError' });
    await expect(run).rejects.toThrow(`refused 1 of 5 evaluation(s) after retries, first ${userId('bob')}`);
    const error = logs.lines().find((l) => l.level === 'ERROR');
    expect(error).toMatchObject({ failedEvaluations: [userId('bob')], handler: 'config-rule' });
    expect(latest().size).toBe(4);
  });

  it.each([
    [{ resultToken: 'x' }, 'invokingEvent'],
    [
      { ...scheduledEvent(NOTIFIED_AT), invokingEvent: '{"messageType":"Bogus"}' },
      'invokingEvent.messageType',
    ],
    [{ ...scheduledEvent(NOTIFIED_AT), invokingEvent: '{not json' }, 'invokingEvent'],
    [{ ...scheduledEvent(NOTIFIED_AT), resultToken: undefined }, 'resultToken'],
    [scheduledEvent(NOTIFIED_AT, { ruleParameters: { rule: 'NO_SUCH_RULE' } }), 'ruleParameters.rule'],
    [scheduledEvent(NOTIFIED_AT, { ruleParameters: { rule: 'ROOT_ACCESS_KEY' } }), 'ruleParameters.rule'],
    [
      scheduledEvent(NOTIFIED_AT, { ruleParameters: { maxAccessKeyAge: 'ninety' } }),
      'ruleParameters.maxAccessKeyAge',
    ],
    [scheduledEvent(NOTIFIED_AT, { ruleParameters: { maxAge: '90' } }), 'ruleParameters.maxAge'],
    [
      {
        ...scheduledEvent(NOTIFIED_AT),
        invokingEvent: JSON.stringify({
          messageType: 'ConfigurationItemChangeNotification',
          configurationItem: {
            resourceType: 'AWS::IAM::User',
            resourceId: 'AIDAX',
            configurationItemStatus: 'OK',
            configurationItemCaptureTime: 'yesterday',
          },
        }),
      },
      'invokingEvent.configurationItem.configurationItemCaptureTime',
    ],
  ])('refuses a bad event naming the field (%#), with no AWS call', async (event, field) => {
    const run = handler()(event);

    await expect(run).rejects.toBeInstanceOf(HandlerEventError);
    await expect(run).rejects.toMatchObject({ field: expect.stringContaining(field) });
    expect(emu.current.faults.count()).toBe(0);
  });
});

describe('config-rule handler with 250 users', () => {
  const users = Array.from({ length: 250 }, (_, i) => ({
    name: `user-${String(i).padStart(3, '0')}`,
    accessKeys: [{ createdDaysAgo: i % 2 === 0 ? 200 : 5, lastUsedDaysAgo: 1 }],
  }));
  const emu = useEmulator({ world: { accounts: [{ id: ACCOUNT, users }] } });

  it('delivers 250 evaluations in three PutEvaluations calls of at most 100, with the result token', async () => {
    const handler = createConfigRuleHandler(emulatorRuntime(emu.current, captureLogs()));

    const summary = await handler(scheduledEvent(addDays(FIXED_NOW, 0), { resultToken: 'token-250' }));

    const calls = emu.current.state.accounts.get(ACCOUNT)!.config.evaluationCalls;
    expect(calls.map((c) => c.evaluations.length)).toEqual([100, 100, 50]);
    expect(new Set(calls.map((c) => c.resultToken))).toEqual(new Set(['token-250']));
    expect(summary.compliance).toEqual({ COMPLIANT: 125, NON_COMPLIANT: 125, NOT_APPLICABLE: 0 });
    expect(new Set(calls.flatMap((c) => c.evaluations.map((e) => e.complianceResourceId))).size).toBe(250);
  });
});
