/** Live re-verification before deactivate, delete and login-profile removal; undo; notify once. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/core/journal/records.js';
import { factsFromJournal } from '../../src/core/journal/views.js';
import { ACCOUNT, actionOf, type Harness, startHarness, useKey, worldOf } from './apply-harness.js';

const OLD = 'AKIABOB0000000000OLD';
const NEW = 'AKIABOB0000000000NEW';
const CAROL = 'AKIACAROL00000000OLD';

/** bob's old key is past deactivateAfterDays, unused for 10 days, and its replacement is 20 days old. */
const bob = {
  name: 'bob',
  createdDaysAgo: 200,
  accessKeys: [
    { id: OLD, createdDaysAgo: 110, lastUsedDaysAgo: 10 },
    { id: NEW, createdDaysAgo: 20, lastUsedDaysAgo: 1 },
  ],
};
/** carol's only key is inactive, 130 days old and unused for 40 days: due for deletion. */
const carol = {
  name: 'carol',
  createdDaysAgo: 200,
  accessKeys: [{ id: CAROL, status: 'Inactive' as const, createdDaysAgo: 130, lastUsedDaysAgo: 40 }],
};
/** dina's console password has not been used for 120 days. */
const dina = {
  name: 'dina',
  createdDaysAgo: 200,
  loginProfile: { createdDaysAgo: 200, passwordLastUsedDaysAgo: 120 },
};

describe('applyPlan: deactivate-key', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('deactivates the old key while its replacement is active', async () => {
    // Prepare
    h = await startHarness(worldOf([bob]));
    const plan = await h.plan();
    expect(actionOf(plan, 'bob', 'deactivate-key').expect.replacementAccessKeyId).toBe(NEW);

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual(['deactivate-key:done', 'notify:done']);
    expect(h.key('bob', OLD).status).toBe('Inactive');
    expect(h.key('bob', NEW).status).toBe('Active');
  });

  it('skips a key used after the plan was made', async () => {
    // Prepare
    h = await startHarness(worldOf([bob]));
    const plan = await h.plan();
    await useKey(h, 'bob', OLD);

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual(['deactivate-key:skipped', 'notify:skipped']);
    expect(results[0]?.reason).toContain(`access key ${OLD} was used since the plan`);
    expect(h.key('bob', OLD).status).toBe('Active');
    expect(h.emu.faults.count('iam', 'UpdateAccessKey')).toBe(0);
  });

  it.each([
    [
      'is now inactive',
      (x: Harness) => {
        x.key('bob', NEW).status = 'Inactive';
      },
      `replacement ${NEW} is Inactive`,
    ],
    [
      'was deleted',
      (x: Harness) => {
        x.user('bob').accessKeys = x.user('bob').accessKeys.filter((k) => k.accessKeyId !== NEW);
      },
      `replacement ${NEW} no longer exists`,
    ],
  ])('skips when the replacement %s, so the user keeps a working key', async (_, change, reason) => {
    // Prepare
    h = await startHarness(worldOf([bob]));
    const plan = await h.plan();
    change(h);

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results[0]).toMatchObject({ type: 'deactivate-key', status: 'skipped' });
    expect(results[0]?.reason).toContain(reason);
    expect(h.key('bob', OLD).status).toBe('Active');
  });
});

describe('applyPlan: delete-key', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('deletes an inactive key', async () => {
    // Prepare
    h = await startHarness(worldOf([carol]));
    await h.seenInactive('carol', CAROL);
    const plan = await h.plan();

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual(['delete-key:done', 'notify:done']);
    expect(h.user('carol').accessKeys).toEqual([]);
  });

  it('never deletes a key that is active again', async () => {
    // Prepare
    h = await startHarness(worldOf([carol]));
    await h.seenInactive('carol', CAROL);
    const plan = await h.plan();
    h.key('carol', CAROL).status = 'Active';

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results[0]).toMatchObject({ type: 'delete-key', status: 'skipped' });
    expect(results[0]?.reason).toContain('is Active again; only an Inactive key is deleted');
    expect(h.emu.faults.count('iam', 'DeleteAccessKey')).toBe(0);
  });

  it('skips a key already gone', async () => {
    // Prepare
    h = await startHarness(worldOf([carol]));
    const plan = await h.plan();
    h.user('carol').accessKeys = [];

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results[0]).toMatchObject({ status: 'skipped', reason: `access key ${CAROL} no longer exists` });
  });
});

describe('applyPlan: delete-login-profile', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('deletes an unused console password', async () => {
    // Prepare
    h = await startHarness(worldOf([dina]));
    const plan = await h.plan();

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results.map((r) => `${r.type}:${r.status}`)).toEqual(['delete-login-profile:done', 'notify:done']);
    expect(h.user('dina').loginProfile).toBeNull();
  });

  it.each([
    [
      'used',
      (x: Harness) => {
        x.user('dina').passwordLastUsed = x.emu.clock.now();
      },
      'was used since the plan',
    ],
    [
      'set again',
      (x: Harness) => {
        x.user('dina').loginProfile = { createDate: x.emu.clock.now(), passwordResetRequired: false };
      },
      'was set again',
    ],
  ])('skips when the password was %s since the plan', async (_, change, reason) => {
    // Prepare
    h = await startHarness(worldOf([dina]));
    const plan = await h.plan();
    change(h);

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results[0]).toMatchObject({ type: 'delete-login-profile', status: 'skipped' });
    expect(results[0]?.reason).toContain(reason);
    expect(h.user('dina').loginProfile).not.toBeNull();
  });
});

describe('undoRun', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('reactivates the keys a run deactivated and lists the deleted ones as cannot-undo', async () => {
    // Prepare
    h = await startHarness(worldOf([bob, carol]));
    await h.seenInactive('carol', CAROL);
    const applied = await h.apply(await h.plan());
    expect(factsFromJournal((await h.journal.read()).records).inactiveSince(ACCOUNT, OLD)).toEqual(
      h.emu.clock.now(),
    );
    h.emu.clock.advance(1);

    // Act
    const undone = await h.undo(applied.runId);

    // Assess
    expect(undone.results.map((r) => `${r.type}:${r.accessKeyId}:${r.status}`)).toEqual([
      `reactivate-key:${OLD}:done`,
    ]);
    expect(h.key('bob', OLD).status).toBe('Active');
    expect(undone.cannotUndo.map(({ actionId, reason }) => ({ actionId, reason }))).toEqual([
      {
        actionId: `${ACCOUNT}/carol/${CAROL}/delete-key/delete`,
        reason: expect.stringContaining('was deleted'),
      },
    ]);
    const { records } = await h.journal.read();
    expect(
      records.filter((r) => r.type === 'run-started').map((r) => r.type === 'run-started' && r.command),
    ).toEqual(['apply', 'apply', 'undo']); // the earlier run that saw carol's key inactive, this one, the undo
    expect(factsFromJournal(records).inactiveSince(ACCOUNT, OLD)).toBeNull();
  });

  it('skips a key that was deleted since', async () => {
    // Prepare
    h = await startHarness(worldOf([bob]));
    const applied = await h.apply(await h.plan());
    h.user('bob').accessKeys = h.user('bob').accessKeys.filter((k) => k.accessKeyId !== OLD);

    // Act
    const undone = await h.undo(applied.runId);

    // Assess
    expect(undone.results[0]).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('no longer exists'),
    });
  });

  it('refuses a run id the journal does not know', async () => {
    // Prepare
    h = await startHarness(worldOf([bob]));

    // Act
    const attempt = h.undo('2026-01-01T00-00-00Z-000000');

    // Assess
    await expect(attempt).rejects.toThrow(/no run 2026-01-01T00-00-00Z-000000 in the journal/);
  });
});

describe('notifications', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it('sends a notice for a key and stage once: the journal tells the next plan it was sent', async () => {
    // Prepare
    h = await startHarness(
      worldOf([
        { name: 'omar', createdDaysAgo: 200, accessKeys: [{ createdDaysAgo: 80, lastUsedDaysAgo: 1 }] },
      ]),
    );
    const first = await h.plan();
    expect(first.actions.map((a) => `${a.type}:${a.stage}`)).toEqual(['notify:warn']);

    // Act
    const { results } = await h.apply(first);
    const second = await h.plan();

    // Assess
    expect(results[0]?.status).toBe('done');
    expect(second.actions).toEqual([]);
    const outcome = parseJournal(h.journalText()).records.find((r) => r.type === 'outcome');
    expect(outcome).toMatchObject({
      deliveries: [{ channel: 'sns', status: 'sent', messageId: 'm-1' }],
    });
  });
});

describe('a change whose answer is lost (IAM applied it, then the connection was reset)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.stop();
  });

  it.each([
    ['deactivate-key, not retried: live state shows it Inactive, so it is done', 1, bob, 'UpdateAccessKey'],
    ['deactivate-key, retried: the same status again', 2, bob, 'UpdateAccessKey'],
    ['delete-key, not retried: live state shows it gone, so it is done', 1, carol, 'DeleteAccessKey'],
    ['delete-key, retried: the retry finds it gone, so it is done', 2, carol, 'DeleteAccessKey'],
    ['delete-login-profile, retried: the retry finds it gone, so it is done', 2, dina, 'DeleteLoginProfile'],
  ] as const)('%s', async (_, maxAttempts, user, operation) => {
    // Prepare
    h = await startHarness(worldOf([user]), { maxAttempts, retryMode: 'standard' });
    if (user === carol) await h.seenInactive('carol', CAROL);
    const plan = await h.plan();
    h.emu.faults.configure({ rules: [{ service: 'iam', operation, times: 1, kind: 'lose-answer' }] });

    // Act
    const { results } = await h.apply(plan);

    // Assess
    expect(results[0]?.status, results[0]?.reason ?? '').toBe('done');
    expect(h.emu.faults.count('iam', operation)).toBe(maxAttempts);
    expect(
      factsFromJournal((await h.journal.read()).records).notified(actionOf(plan, user.name, 'notify').id),
    ).toBe(true);
  });
});
