import { describe, expect, it } from 'vitest';
import { journalFactsFrom, NO_JOURNAL_FACTS } from '../../src/core/plan/facts.js';
import { planRotateNow } from '../../src/core/plan/rotate-now.js';
import { DEFAULT_POLICY } from '../../src/core/policy/types.js';
import { daysAgo, inventory, key, NOW, user } from './builders.js';

const types = (plan: ReturnType<typeof planRotateNow>) => plan.actions.map((a) => `${a.type}/${a.stage}`);

describe('planRotateNow', () => {
  it('rotates a young key in use today: create, store, notify', () => {
    const inv = inventory({
      users: [
        user({
          userName: 'app',
          accessKeys: [key({ accessKeyId: 'AKIAAPP', createDate: daysAgo(3), lastUsedDate: daysAgo(0) })],
        }),
      ],
    });
    const plan = planRotateNow(inv, 'app', DEFAULT_POLICY, NOW, NO_JOURNAL_FACTS);
    expect(types(plan)).toEqual(['create-key/rotate', 'store-secret/rotate', 'notify/rotate']);
  });

  it('rotates an unused key instead of revoking it (the user asked for a rotation)', () => {
    const inv = inventory({
      users: [
        user({
          userName: 'app',
          accessKeys: [key({ accessKeyId: 'AKIAAPP', createDate: daysAgo(300), lastUsedDate: null })],
        }),
      ],
    });
    expect(types(planRotateNow(inv, 'app', DEFAULT_POLICY, NOW, NO_JOURNAL_FACTS))[0]).toBe(
      'create-key/rotate',
    );
  });

  it('deletes an inactive second key first, and blocks a user with two active keys', () => {
    const spare = inventory({
      users: [
        user({
          userName: 'app',
          accessKeys: [
            key({
              accessKeyId: 'AKIAOLD',
              status: 'Inactive',
              createDate: daysAgo(200),
              lastUsedDate: daysAgo(40),
            }),
            key({ accessKeyId: 'AKIANEW', slot: 2, createDate: daysAgo(10), lastUsedDate: daysAgo(0) }),
          ],
        }),
      ],
    });
    const spareInactive30Days = journalFactsFrom({
      inactiveSince: { [`${inventory().accountId}/AKIAOLD`]: daysAgo(30) },
    });
    expect(types(planRotateNow(spare, 'app', DEFAULT_POLICY, NOW, spareInactive30Days))[0]).toBe(
      'delete-key/rotate',
    );
    // Without a record of when it became inactive, the key is not deleted for the rotation today.
    const unknown = planRotateNow(spare, 'app', DEFAULT_POLICY, NOW, NO_JOURNAL_FACTS);
    expect(unknown.actions.filter((a) => a.type === 'create-key')).toEqual([]);
    expect(unknown.blocked[0]?.reason).toContain('holds inactive key AKIAOLD');
    const twoActive = inventory({
      users: [
        user({
          userName: 'app',
          accessKeys: [
            key({ accessKeyId: 'AKIAA', createDate: daysAgo(20), lastUsedDate: daysAgo(0) }),
            key({ accessKeyId: 'AKIAB', slot: 2, createDate: daysAgo(10), lastUsedDate: daysAgo(0) }),
          ],
        }),
      ],
    });
    const blocked = planRotateNow(twoActive, 'app', DEFAULT_POLICY, NOW, NO_JOURNAL_FACTS);
    expect(blocked.actions.filter((a) => a.type !== 'notify')).toEqual([]);
    expect(blocked.blocked).toHaveLength(1);
  });

  it('leaves other users alone and respects exemptions', () => {
    const inv = inventory({
      users: [
        user({
          userName: 'app',
          tags: { 'keywarden:exempt': 'true' },
          accessKeys: [key({ accessKeyId: 'AKIAAPP', createDate: daysAgo(3) })],
        }),
        user({
          userName: 'other',
          accessKeys: [key({ accessKeyId: 'AKIAOTHER', createDate: daysAgo(300) })],
        }),
      ],
    });
    const plan = planRotateNow(inv, 'app', DEFAULT_POLICY, NOW, NO_JOURNAL_FACTS);
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => s.userName)).toEqual(['app']);
  });
});

describe('planRotateNow wording', () => {
  it('says the rotation was asked for, not "(rotate after 0)"', () => {
    const inv = inventory({
      users: [
        user({ userName: 'app', accessKeys: [key({ accessKeyId: 'AKIAAPP', createDate: daysAgo(3) })] }),
      ],
    });
    const create = planRotateNow(inv, 'app', DEFAULT_POLICY, NOW, NO_JOURNAL_FACTS).actions[0];
    expect(create?.reason).toBe(
      'Access key AKIAAPP is rotated now, as asked (keywarden rotate), and has no replacement yet.',
    );
  });
});
