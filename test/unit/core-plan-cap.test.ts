import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../../src/core/model.js';
import { capPlan } from '../../src/core/plan/cap.js';
import { journalFactsFrom } from '../../src/core/plan/facts.js';
import { planAccount } from '../../src/core/plan/planner.js';
import type { Plan } from '../../src/core/plan/types.js';
import { daysAgo, inventory, key, NOW, policy, user } from './builders.js';

/** Chains in plan order: ann rotate (3 changes: free slot, create, store), bob revoke (1), cid warn (0), dee revoke (1). */
function fixture(): Plan {
  const users: UserRecord[] = [
    user({
      userName: 'ann',
      accessKeys: [
        key({ accessKeyId: 'AKIAANN', createDate: daysAgo(95) }),
        key({
          accessKeyId: 'AKIASPARE',
          slot: 2,
          status: 'Inactive',
          createDate: daysAgo(5),
          lastUsedDate: null,
        }),
      ],
    }),
    user({
      userName: 'bob',
      accessKeys: [key({ accessKeyId: 'AKIABOB', createDate: daysAgo(200), lastUsedDate: null })],
    }),
    user({ userName: 'cid', accessKeys: [key({ accessKeyId: 'AKIACID', createDate: daysAgo(80) })] }),
    user({
      userName: 'dee',
      accessKeys: [key({ accessKeyId: 'AKIADEE', createDate: daysAgo(200), lastUsedDate: null })],
    }),
  ];
  // ann's inactive second key has been inactive (per the journal) for the whole window: it may go.
  const facts = journalFactsFrom({ inactiveSince: { [`${inventory().accountId}/AKIASPARE`]: daysAgo(30) } });
  return planAccount(inventory({ users }), policy(), NOW, facts);
}

function users(actions: Plan['actions']): string[] {
  return [...new Set(actions.map((a) => a.userName))];
}

describe('capPlan', () => {
  it.each([
    { max: 0, kept: ['cid'], deferred: ['ann', 'bob', 'dee'] },
    { max: 2, kept: ['cid'], deferred: ['ann', 'bob', 'dee'] },
    { max: 3, kept: ['ann', 'cid'], deferred: ['bob', 'dee'] },
    { max: 4, kept: ['ann', 'bob', 'cid'], deferred: ['dee'] },
    { max: 5, kept: ['ann', 'bob', 'cid', 'dee'], deferred: [] },
  ])('maxActions $max keeps whole chains in order', ({ max, kept, deferred }) => {
    // Act
    const capped = capPlan(fixture(), max);
    // Assess
    expect(users(capped.actions)).toEqual(kept);
    expect(users(capped.deferred)).toEqual(deferred);
    expect(capped.actions.filter((a) => a.type !== 'notify').length).toBeLessThanOrEqual(max);
  });

  it('never keeps a create-key without its store-secret and notification', () => {
    const capped = capPlan(fixture(), 2);
    expect(capped.deferred.filter((a) => a.userName === 'ann').map((a) => a.type)).toEqual([
      'delete-key',
      'create-key',
      'store-secret',
      'notify',
    ]);
  });

  it('loses nothing and keeps the order', () => {
    const plan = fixture();
    const capped = capPlan(plan, 3);
    expect([...capped.actions, ...capped.deferred].map((a) => a.id).sort()).toEqual(
      plan.actions.map((a) => a.id).sort(),
    );
    const order = plan.actions.map((a) => a.id);
    const kept = capped.actions.map((a) => order.indexOf(a.id));
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
  });

  it.each([-1, 1.5, Number.NaN])('rejects maxActions %s', (max) => {
    expect(() => capPlan(fixture(), max)).toThrow(/maxActions must be a whole number of 0 or more/);
  });
});
