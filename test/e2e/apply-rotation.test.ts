/** Rotation through the SDK against the emulator: create + store, secret hygiene, two-key users, caps. */
import { CreateSecretCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/core/journal/records.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import {
  ACCOUNT,
  fakeNotifier,
  type Harness,
  policyWith,
  rotating,
  startHarness,
  worldOf,
} from './apply-harness.js';

describe('applyPlan: rotate stage', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('creates the replacement, stores it in Secrets Manager and leaves the old key active', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('alice', 'AKIAALICE00000000001')]), {
      policy: policyWith({
        secretKmsKeyId: 'alias/keywarden',
        secretTags: { team: 'sec', 'managed-by': 'keywarden' },
      }),
    });
    const plan = await h.plan();
    expect(plan.actions.map((a) => a.type)).toEqual(['create-key', 'store-secret', 'notify']);

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => [r.type, r.status])).toEqual([
      ['create-key', 'done'],
      ['store-secret', 'done'],
      ['notify', 'done'],
    ]);
    const newKeyId = results[0]?.newAccessKeyId ?? '';
    const keys = h.user('alice').accessKeys;
    expect(keys.map((k) => [k.accessKeyId, k.status])).toEqual([
      ['AKIAALICE00000000001', 'Active'],
      [newKeyId, 'Active'],
    ]);
    const name = `keywarden/${ACCOUNT}/alice`;
    const stored = JSON.parse((await h.secret(name)) ?? '{}') as Record<string, string>;
    expect(stored).toEqual({
      AccessKeyId: newKeyId,
      SecretAccessKey: h.key('alice', newKeyId).secretAccessKey,
      UserName: 'alice',
      CreateDate: h.emu.clock.now().toISOString(),
    });
    const described = await h.clients.secretsManager.send(new DescribeSecretCommand({ SecretId: name }));
    expect(described.KmsKeyId).toBe('alias/keywarden');
    expect(described.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'team', Value: 'sec' },
        { Key: 'managed-by', Value: 'keywarden' },
      ]),
    );
  });

  it('journals intent and outcome with the AWS request id, and never the secret', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('alice', 'AKIAALICE00000000001')]));
    const plan = await h.plan();
    const events: ActionResult[] = [];
    const notifier = fakeNotifier();

    // Act
    const { runId, results } = await h.apply(plan, { notifier, onResult: (r) => events.push(r) });

    // Assess
    const newKeyId = results[0]?.newAccessKeyId ?? '';
    const secret = h.key('alice', newKeyId).secretAccessKey;
    const stored = JSON.parse((await h.secret(`keywarden/${ACCOUNT}/alice`)) ?? '{}') as Record<
      string,
      string
    >;
    expect(stored.SecretAccessKey).toBe(secret);
    const text = h.journalText();
    for (const haystack of [
      text,
      JSON.stringify(results),
      JSON.stringify(events),
      JSON.stringify(notifier.batches),
    ]) {
      expect(haystack).not.toContain(secret);
    }
    const { records } = parseJournal(text);
    expect(
      records.map((r) =>
        r.type === 'intent' || r.type === 'outcome' ? `${r.type}:${r.actionId.split('/')[3]}` : r.type,
      ),
    ).toEqual([
      'run-started',
      'intent:create-key',
      'outcome:create-key',
      'intent:store-secret',
      'outcome:store-secret',
      'intent:notify',
      'outcome:notify',
      'run-finished',
    ]);
    for (const r of records) {
      if (r.type === 'outcome' && r.actionId.includes('/create-key/')) {
        expect(r).toMatchObject({ runId, status: 'done', newAccessKeyId: newKeyId });
        expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
      }
      if (r.type === 'outcome' && r.actionId.includes('/store-secret/')) {
        expect(r.secretArn).toContain(`secret:keywarden/${ACCOUNT}/alice-`);
        expect(r.requestId).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
    expect(records.at(-1)).toMatchObject({
      type: 'run-finished',
      done: 3,
      skipped: 0,
      failed: 0,
      deferred: 0,
    });
  });

  it('puts a new AWSCURRENT version when the secret already exists', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('alice', 'AKIAALICE00000000001')]));
    const name = `keywarden/${ACCOUNT}/alice`;
    await h.clients.secretsManager.send(
      new CreateSecretCommand({ Name: name, SecretString: '{"old":true}' }),
    );
    const plan = await h.plan();

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.find((r) => r.type === 'store-secret')?.status).toBe('done');
    const stored = JSON.parse((await h.secret(name)) ?? '{}') as Record<string, string>;
    expect(stored.AccessKeyId).toBe(results[0]?.newAccessKeyId);
  });

  it('deletes the inactive second key first to free the slot', async () => {
    // Prepare
    h = await startHarness(
      worldOf([
        {
          name: 'dave',
          createdDaysAgo: 300,
          accessKeys: [
            { id: 'AKIADAVE000000000OLD', status: 'Inactive', createdDaysAgo: 250, lastUsedDaysAgo: 200 },
            { id: 'AKIADAVE00000000000A', createdDaysAgo: 95, lastUsedDaysAgo: 1 },
          ],
        },
      ]),
    );
    await h.seenInactive('dave', 'AKIADAVE000000000OLD');
    const plan = await h.plan();

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.type}:${r.accessKeyId}:${r.status}`)).toEqual([
      'delete-key:AKIADAVE000000000OLD:done',
      'create-key:AKIADAVE00000000000A:done',
      'store-secret:AKIADAVE00000000000A:done',
      'notify:AKIADAVE00000000000A:done',
    ]);
    expect(h.user('dave').accessKeys.map((k) => k.accessKeyId)).toEqual([
      'AKIADAVE00000000000A',
      results[1]?.newAccessKeyId,
    ]);
  });

  it('skips the create when the user gained a key since the plan', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('alice', 'AKIAALICE00000000001')]));
    const plan = await h.plan();
    const user = h.user('alice');
    user.accessKeys.push({
      ...(user.accessKeys[0] as (typeof user.accessKeys)[number]),
      accessKeyId: 'AKIAALICEBYHAND00002',
    });

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => [r.type, r.status])).toEqual([
      ['create-key', 'skipped'],
      ['store-secret', 'skipped'],
      ['notify', 'skipped'],
    ]);
    expect(results[0]?.reason).toContain('user now has 2 access keys (the plan expected 1)');
    expect(h.emu.faults.count('iam', 'CreateAccessKey')).toBe(0);
  });

  it('caps the changes at maxActions and defers whole chains', async () => {
    // Prepare
    h = await startHarness(
      worldOf([rotating('erin', 'AKIAERIN000000000001'), rotating('frank', 'AKIAFRANK00000000001')]),
      { policy: policyWith({ maxActions: 2 }) },
    );
    const plan = await h.plan();

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.userName}:${r.type}:${r.status}`)).toEqual([
      'erin:create-key:done',
      'erin:store-secret:done',
      'erin:notify:done',
      'frank:create-key:deferred',
      'frank:store-secret:deferred',
      'frank:notify:deferred',
    ]);
    expect(h.user('frank').accessKeys).toHaveLength(1);
    const { records } = parseJournal(h.journalText());
    expect(records[0]).toMatchObject({ type: 'run-started', planned: 3, deferred: 3 });
    expect(records.some((r) => r.type === 'intent' && r.action.userName === 'frank')).toBe(false);
  });

  it('records notify actions as skipped when no notifier is configured', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('alice', 'AKIAALICE00000000001')]));
    const plan = await h.plan();

    // Act
    const { results } = await h.apply(plan, { notifier: null });

    // Assess
    expect(results.at(-1)).toMatchObject({
      type: 'notify',
      status: 'skipped',
      reason: 'no notification channel configured',
    });
  });
});

describe.each(['error', 'throttle'] as const)('applyPlan: CreateAccessKey keeps failing (%s)', (kind) => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('records the failure, stops that chain and goes on with the next user', async () => {
    // Prepare
    h = await startHarness(
      worldOf([rotating('gina', 'AKIAGINA000000000001'), rotating('hank', 'AKIAHANK000000000001')]),
      // Standard mode retries the same number of times; adaptive mode's client-side rate limiter
      // would only add seconds of waiting after the throttles.
      { maxAttempts: 2, retryMode: 'standard' },
    );
    const plan = await h.plan();
    // A throttle is a refusal: retried. A 5xx may come after IAM acted: never sent again (item 3 of
    // the foreign-keys issue), so one failure is enough.
    const failures = kind === 'throttle' ? 2 : 1;
    h.emu.faults.configure({
      rules: [{ service: 'iam', operation: 'CreateAccessKey', times: failures, kind }],
    });

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.userName}:${r.type}:${r.status}`)).toEqual([
      'gina:create-key:failed',
      'gina:store-secret:skipped',
      'gina:notify:skipped',
      'hank:create-key:done',
      'hank:store-secret:done',
      'hank:notify:done',
    ]);
    expect(results[0]?.reason).toMatch(/^iam:CreateAccessKey for gina failed: /);
    expect(results[1]?.reason).toContain('not attempted');
    expect(h.emu.faults.count('iam', 'CreateAccessKey')).toBe(failures + 1);
    expect(h.emu.faults.count('secretsmanager', 'CreateSecret')).toBe(1);
    expect(h.user('gina').accessKeys).toHaveLength(1);
  });
});

describe('applyPlan: Secrets Manager refuses the new key', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('deletes the key it could not store, so no key is left that nobody can use', async () => {
    // Prepare
    h = await startHarness(worldOf([rotating('alice', 'AKIAALICE00000000001')]));
    const plan = await h.plan();
    h.emu.faults.configure({ rules: [{ service: 'secretsmanager', operation: 'CreateSecret', times: 1 }] });

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual([
      'create-key:done',
      'store-secret:failed',
      'cleanup-key:done',
      'notify:skipped',
    ]);
    expect(h.user('alice').accessKeys.map((k) => k.accessKeyId)).toEqual(['AKIAALICE00000000001']);
    expect(results[1]?.reason).toMatch(
      /^secretsmanager:CreateSecret keywarden\/111111111111\/alice failed: InternalFailure/,
    );
  });
});

describe('applyPlan: the answer to CreateAccessKey is lost after IAM created the key', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('finds the key nobody got the secret of and deletes it', async () => {
    // Prepare: IAM creates the key, but the caller sees a 500 (a dropped connection looks the same).
    h = await startHarness(worldOf([rotating('alice', 'AKIAALICE00000000001')]));
    const plan = await h.plan();
    h.clients.iam.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'CreateAccessKeyCommand') {
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
            name: 'ServiceFailure',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return out;
      },
      { step: 'deserialize', name: 'loseCreateAccessKeyAnswer' },
    );

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual([
      'create-key:failed',
      'cleanup-key:done',
      'store-secret:skipped',
      'notify:skipped',
    ]);
    expect(h.emu.faults.count('iam', 'CreateAccessKey')).toBe(1);
    expect(h.user('alice').accessKeys.map((k) => k.accessKeyId)).toEqual(['AKIAALICE00000000001']);
  });
});
