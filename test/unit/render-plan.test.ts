import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/cli/render/plan.js';
import { renderResults } from '../../src/cli/render/results.js';
import { NO_JOURNAL_FACTS } from '../../src/core/plan/facts.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import { planAccount } from '../../src/core/plan/planner.js';
import { stripAnsi, visibleWidth } from '../support/terminal.js';
import { daysAgo, inventory, key, NOW, policy, user } from './builders.js';

const flat = (text: string) => stripAnsi(text).replace(/\s+/g, ' ');

/** A rotation, a blocked user (two active keys) and a skipped one with a two-line exemption reason. */
const PLAN = planAccount(
  inventory({
    users: [
      user({
        userName: 'orders-api-with-a-rather-long-name',
        tags: { 'keywarden:owner': 'orders-team@example.com' },
        accessKeys: [
          key({ accessKeyId: 'AKIAORDERS000000001', createDate: daysAgo(95), lastUsedDate: daysAgo(1) }),
        ],
      }),
      user({
        userName: 'two-keys',
        accessKeys: [
          key({ accessKeyId: 'AKIATWOA00000000001', createDate: daysAgo(96), lastUsedDate: daysAgo(1) }),
          key({
            accessKeyId: 'AKIATWOB00000000001',
            slot: 2,
            createDate: daysAgo(95),
            lastUsedDate: daysAgo(1),
          }),
        ],
      }),
      user({
        userName: 'vendor',
        accessKeys: [
          key({ accessKeyId: 'AKIAVENDOR000000001', createDate: daysAgo(300), lastUsedDate: daysAgo(1) }),
        ],
      }),
    ],
  }),
  policy({
    exemptions: { users: [{ name: 'vendor', reason: 'the vendor rotates it\nevery spring (SEC-1234)' }] },
  }),
  NOW,
  NO_JOURNAL_FACTS,
);

describe('renderPlan', () => {
  it.each([{ color: false }, { color: true }])('fits 80 columns (color: $color)', ({ color }) => {
    expect(PLAN.actions.length).toBeGreaterThan(0);
    expect(PLAN.blocked.length).toBeGreaterThan(0);
    for (const line of renderPlan(PLAN, { color, columns: 80 }).split('\n')) {
      expect(visibleWidth(line), line).toBeLessThanOrEqual(80);
    }
  });

  it('keeps every reason whole, its line breaks as spaces', () => {
    const text = flat(renderPlan(PLAN, { color: false, columns: 80 }));
    for (const reason of [...PLAN.actions, ...PLAN.blocked].map((a) => a.reason)) {
      expect(text).toContain(reason.replace(/\s+/g, ' '));
    }
    expect(text).toContain('the vendor rotates it every spring (SEC-1234)');
    expect(renderPlan(PLAN, { color: false, columns: 200 })).toContain('the vendor rotates it every spring');
  });
});

describe('renderResults', () => {
  const results: ActionResult[] = [
    {
      actionId: 'a/1',
      type: 'store-secret',
      accountId: '222222222222',
      userName: 'orders-api-with-a-rather-long-name',
      accessKeyId: 'AKIAORDERS000000001',
      status: 'done',
      reason: null,
      newAccessKeyId: 'AKIANEWKEY000000001',
      secretName: 'keywarden/222222222222/orders-api-with-a-rather-long-name',
    },
    {
      actionId: 'a/2',
      type: 'deactivate-key',
      accountId: '222222222222',
      userName: 'two-keys',
      accessKeyId: 'AKIATWOA00000000001',
      status: 'skipped',
      reason: 'the key was used 2 hours ago,\nafter the plan was made: it is still in use',
    },
  ];

  it.each([{ color: false }, { color: true }])('fits 80 columns (color: $color)', ({ color }) => {
    for (const line of renderResults('run-1', results, { color, columns: 80 }).split('\n')) {
      expect(visibleWidth(line), line).toBeLessThanOrEqual(80);
    }
  });

  it('keeps the new key, the secret and the reason whole', () => {
    const text = flat(renderResults('run-1', results, { color: false, columns: 80 }));
    expect(text).toContain(
      '→ new key AKIANEWKEY000000001 in keywarden/222222222222/orders-api-with-a-rather-long-name',
    );
    expect(text).toContain('(the key was used 2 hours ago, after the plan was made: it is still in use)');
    expect(renderResults('run-1', results, { color: false, columns: 200 })).toContain('2 hours ago, after');
  });
});
