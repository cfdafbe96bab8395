/** AWS Config PutEvaluations, as a custom rule's Lambda handler calls it, with the real SDK client. */
import {
  ConfigServiceClient,
  type Evaluation,
  PutEvaluationsCommand,
  type PutEvaluationsCommandInput,
} from '@aws-sdk/client-config-service';
import { beforeEach, describe, expect, it } from 'vitest';
import { latestConfigEvaluations } from '../../src/emulator/state.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const MEMBER_KEY = { accessKeyId: 'AKIAMEMBERAUDITOR001', secretAccessKey: 'member-secret' };
const WORLD = {
  accounts: [
    { id: MANAGEMENT },
    { id: MEMBER, users: [{ name: 'config-rule', accessKeys: [{ id: MEMBER_KEY.accessKeyId }] }] },
  ],
};
const ORDERED_AT = new Date('2026-11-22T11:00:00Z');
const TOKEN = 'eyJlbmNyeXB0ZWREYXRhIjpbMSwyLDNdfQ==';

/** An evaluation of one IAM user; override what a case is about. */
function evaluation(overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    ComplianceResourceType: 'AWS::IAM::User',
    ComplianceResourceId: 'AIDAEXAMPLEUSER00001',
    ComplianceType: 'NON_COMPLIANT',
    Annotation: 'access key AKIAEXAMPLE is 120 days old (limit 90)',
    OrderingTimestamp: ORDERED_AT,
    ...overrides,
  };
}

describe('emulator AWS Config PutEvaluations', () => {
  const emu = useEmulator({ world: WORLD });
  // The member account signs with its user's key; Config records the call in that account.
  const config = (maxAttempts = 1) =>
    new ConfigServiceClient(
      clientConfig(emu.current, {
        accessKeyId: MEMBER_KEY.accessKeyId,
        secretAccessKey: MEMBER_KEY.secretAccessKey,
        maxAttempts,
      }),
    );
  const calls = () => emu.current.state.accounts.get(MEMBER)!.config.evaluationCalls;
  const put = (input: Partial<PutEvaluationsCommandInput>) =>
    config().send(new PutEvaluationsCommand({ ResultToken: TOKEN, ...input } as PutEvaluationsCommandInput));

  async function rejection(
    promise: Promise<unknown>,
  ): Promise<{ name: string; status?: number; message: string }> {
    const error = await promise.then(
      () => expect.fail('expected the call to fail'),
      (e: unknown) => e as { name: string; message: string; $metadata?: { httpStatusCode?: number } },
    );
    return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  }

  beforeEach(() => {
    calls().length = 0;
    emu.current.state.accounts.get(MEMBER)!.config.failures = [];
    emu.current.faults.configure({});
    emu.current.faults.resetCounts();
  });

  it('accepts evaluations, answers no failures, and records the call in the signing account', async () => {
    // Act
    const out = await put({
      Evaluations: [
        evaluation(),
        evaluation({ ComplianceResourceId: 'AIDAEXAMPLEUSER00002', ComplianceType: 'COMPLIANT' }),
        evaluation({
          ComplianceResourceType: 'AWS::::Account',
          ComplianceResourceId: MEMBER,
          Annotation: undefined,
          ComplianceType: 'NOT_APPLICABLE',
        }),
      ],
    });
    // Assess
    expect(out.FailedEvaluations).toEqual([]);
    expect(calls()).toEqual([
      {
        requestId: out.$metadata.requestId,
        accountId: MEMBER,
        resultToken: TOKEN,
        testMode: false,
        receivedAt: FIXED_NOW,
        evaluations: [
          {
            complianceResourceType: 'AWS::IAM::User',
            complianceResourceId: 'AIDAEXAMPLEUSER00001',
            complianceType: 'NON_COMPLIANT',
            annotation: 'access key AKIAEXAMPLE is 120 days old (limit 90)',
            orderingTimestamp: ORDERED_AT,
          },
          expect.objectContaining({ complianceType: 'COMPLIANT' }),
          expect.objectContaining({ complianceType: 'NOT_APPLICABLE', annotation: null }),
        ],
        failedEvaluations: [],
      },
    ]);
    expect(emu.current.state.accounts.get(MANAGEMENT)!.config.evaluationCalls).toEqual([]);
  });

  it('records a TestMode call as such', async () => {
    await put({ Evaluations: [evaluation()], TestMode: true });

    expect(calls().map((c) => c.testMode)).toEqual([true]);
  });

  it('serves the calls on an admin route, for one account or all', async () => {
    await put({ Evaluations: [evaluation()] });
    const admin = (query: string) => fetch(`${emu.current.url}/_keywarden/config/evaluations${query}`);

    const member = (await (await admin(`?account=${MEMBER}`)).json()) as { calls: { resultToken: string }[] };
    const management = (await (await admin(`?account=${MANAGEMENT}`)).json()) as { calls: unknown[] };
    const all = (await (await admin('')).json()) as { calls: unknown[] };
    const unknown = await admin('?account=999999999999');

    expect(member.calls.map((c) => c.resultToken)).toEqual([TOKEN]);
    expect(management.calls).toEqual([]);
    expect(all.calls).toHaveLength(1);
    expect(unknown.status).toBe(404);
  });

  it.each([
    [100, true],
    [101, false],
  ])('with %i evaluations in one call: accepted %s', async (count, accepted) => {
    const evaluations = Array.from({ length: count }, (_, i) =>
      evaluation({ ComplianceResourceId: `AIDAEXAMPLEUSER${String(i).padStart(5, '0')}` }),
    );

    const call = put({ Evaluations: evaluations });

    if (accepted) {
      await expect(call).resolves.toMatchObject({ FailedEvaluations: [] });
      expect(calls()[0]?.evaluations).toHaveLength(100);
    } else {
      const error = await rejection(call);
      expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
      expect(error.message).toMatch(
        /^1 validation error detected: Value '.*' at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to 100$/,
      );
      expect(calls()).toEqual([]);
    }
  });

  it.each([
    [1, true],
    [256, true],
    [257, false],
    [0, false],
  ])('with an Annotation of %i characters: accepted %s', async (length, accepted) => {
    const call = put({ Evaluations: [evaluation({ Annotation: 'a'.repeat(length) })] });

    if (accepted) await expect(call).resolves.toMatchObject({ FailedEvaluations: [] });
    else {
      const error = await rejection(call);
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain(`at 'evaluations.1.member.annotation' failed to satisfy constraint`);
    }
  });

  it.each([
    ['OrderingTimestamp', { OrderingTimestamp: undefined }, 'orderingTimestamp'],
    ['ComplianceResourceType', { ComplianceResourceType: undefined }, 'complianceResourceType'],
    ['ComplianceResourceId', { ComplianceResourceId: undefined }, 'complianceResourceId'],
    ['ComplianceType', { ComplianceType: undefined }, 'complianceType'],
  ] as const)('refuses an evaluation without %s', async (_field, overrides, member) => {
    const error = await rejection(put({ Evaluations: [evaluation(), evaluation(overrides)] }));

    expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(error.message).toBe(
      `1 validation error detected: Value null at 'evaluations.2.member.${member}' failed to satisfy constraint: Member must not be null`,
    );
  });

  it('lists every violation in one ValidationException', async () => {
    const error = await rejection(
      put({
        Evaluations: [evaluation({ ComplianceResourceId: '', Annotation: 'x'.repeat(300) })],
      }),
    );

    expect(error.message).toMatch(/^2 validation errors detected: .*complianceResourceId.*; .*annotation/);
  });

  it.each(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'] as const)(
    'accepts ComplianceType %s',
    async (type) => {
      await expect(put({ Evaluations: [evaluation({ ComplianceType: type })] })).resolves.toBeDefined();
    },
  );

  it('refuses INSUFFICIENT_DATA, which custom rules may not report', async () => {
    const error = await rejection(
      put({ Evaluations: [evaluation({ ComplianceType: 'INSUFFICIENT_DATA' })] }),
    );

    expect(error).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(calls()).toEqual([]);
  });

  it('refuses a ComplianceType outside the enum', async () => {
    const error = await rejection(
      put({ Evaluations: [evaluation({ ComplianceType: 'MAYBE' as Evaluation['ComplianceType'] })] }),
    );

    expect(error.message).toContain(
      "Value 'MAYBE' at 'evaluations.1.member.complianceType' failed to satisfy constraint: Member must satisfy enum value set",
    );
  });

  it('requires a ResultToken, and a real one unless TestMode', async () => {
    const missing = await rejection(
      config().send(new PutEvaluationsCommand({ Evaluations: [] } as unknown as PutEvaluationsCommandInput)),
    );
    const empty = await rejection(put({ ResultToken: '', Evaluations: [evaluation()] }));
    const testMode = await put({ ResultToken: '', Evaluations: [evaluation()], TestMode: true });

    expect(missing).toMatchObject({ name: 'ValidationException' });
    expect(missing.message).toContain("Value null at 'resultToken'");
    expect(empty).toMatchObject({ name: 'InvalidResultTokenException', status: 400 });
    expect(testMode.FailedEvaluations).toEqual([]);
  });

  it('counts calls and applies injected faults like every other operation', async () => {
    emu.current.faults.configure({ rules: [{ service: 'config', operation: 'PutEvaluations', times: 1 }] });

    const failed = await rejection(put({ Evaluations: [evaluation()] }));
    const retried = await config(3).send(
      new PutEvaluationsCommand({ ResultToken: TOKEN, Evaluations: [evaluation()] }),
    );

    expect(failed).toMatchObject({ name: 'InternalFailure', status: 500 });
    expect(retried.FailedEvaluations).toEqual([]);
    expect(emu.current.faults.count('config', 'PutEvaluations')).toBe(2);
    expect(emu.current.faults.writeCalls()).toContainEqual({
      service: 'config',
      operation: 'PutEvaluations',
      count: 2,
    });
    expect(calls()).toHaveLength(1);
  });

  it('answers injected failures in FailedEvaluations, takes the rest, and fails each only as often as asked', async () => {
    // Prepare
    const set = await fetch(`${emu.current.url}/_keywarden/config/failures`, {
      method: 'PUT',
      body: JSON.stringify({ account: MEMBER, failures: [{ resourceId: 'AIDAEXAMPLEUSER00002', times: 1 }] }),
    });
    const batch = [evaluation(), evaluation({ ComplianceResourceId: 'AIDAEXAMPLEUSER00002' })];
    // Act
    const first = await put({ Evaluations: batch });
    const second = await put({ Evaluations: batch });
    // Assess
    expect(set.status).toBe(200);
    expect(first.FailedEvaluations?.map((e) => e.ComplianceResourceId)).toEqual(['AIDAEXAMPLEUSER00002']);
    expect(first.FailedEvaluations?.[0]?.OrderingTimestamp).toEqual(ORDERED_AT);
    expect(second.FailedEvaluations).toEqual([]);
    expect(calls().map((c) => c.evaluations.length)).toEqual([1, 2]);
    expect(calls()[0]?.failedEvaluations.map((e) => e.complianceResourceId)).toEqual([
      'AIDAEXAMPLEUSER00002',
    ]);
    const latest = latestConfigEvaluations(emu.current.state.accounts.get(MEMBER)!);
    expect([...latest.keys()]).toEqual(['AIDAEXAMPLEUSER00001', 'AIDAEXAMPLEUSER00002']);
  });

  it('refuses a failure rule without a whole number of times', async () => {
    const answer = await fetch(`${emu.current.url}/_keywarden/config/failures`, {
      method: 'PUT',
      body: JSON.stringify({ failures: [{ resourceId: 'AIDAX' }] }),
    });

    expect(answer.status).toBe(400);
  });
});
