import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/days.js';
import { type Forecast, type ForecastEntry, forecastAccount } from '../../src/core/forecast.js';
import type { UserRecord } from '../../src/core/model.js';
import { journalFactsFrom, NO_JOURNAL_FACTS } from '../../src/core/plan/facts.js';
import { planAccount } from '../../src/core/plan/planner.js';
import type { JournalFacts } from '../../src/core/plan/types.js';
import type { Policy } from '../../src/core/policy/types.js';
import { ACCOUNT_ID, daysAgo, inventory, key, NOW, policy, user } from './builders.js';

/** Recommended defaults: warn 14 days before rotating at 90, deactivate 104, delete 118, unused 90. */
const RECOMMENDED = policy();

function forecast(
  users: readonly UserRecord[],
  days = 30,
  p: Policy = RECOMMENDED,
  facts: JournalFacts = NO_JOURNAL_FACTS,
): Forecast {
  return forecastAccount(inventory({ users }), p, NOW, facts, days);
}

/** `day user event type/stage` per entry, compact enough to compare whole. */
function lines(f: Forecast): string[] {
  return f.entries.map(
    (e) =>
      `${e.day} ${e.userName} ${e.event} ` +
      (e.kind === 'action' ? `${e.type}/${e.stage}` : `${e.source} until ${e.until} ${e.rules.join(',')}`),
  );
}

const activeKey = (id: string, ageDays: number, usedDaysAgo: number | null = 1, slot: 1 | 2 = 1) =>
  key({
    accessKeyId: id,
    slot,
    createDate: daysAgo(ageDays),
    lastUsedDate: usedDaysAgo === null ? null : daysAgo(usedDaysAgo),
  });

describe('forecastAccount', () => {
  it('puts the warning on the day the key turns 76 and the rotation on the day it turns 90', () => {
    // Act: a 70-day-old key in use
    const f = forecast([user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', 70)] })]);
    // Assess
    expect(lines(f)).toEqual([
      '6 app warning notify/warn',
      '20 app rotation create-key/rotate',
      '20 app rotation store-secret/rotate',
      '20 app rotation notify/rotate',
    ]);
    const warn = f.entries[0] as ForecastEntry & { kind: 'action' };
    expect(warn).toMatchObject({
      date: '2026-11-28',
      actionId: `${ACCOUNT_ID}/app/AKIAAPP/notify/warn`,
      accessKeyId: 'AKIAAPP',
      rule: 'KEY_ROTATION',
    });
    expect(f).toMatchObject({ schemaVersion: 1, generatedAt: NOW.toISOString(), days: 30 });
  });

  it('stops at the horizon: the day before an event shows nothing', () => {
    expect(lines(forecast([user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', 70)] })], 5))).toEqual(
      [],
    );
    expect(lines(forecast([user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', 70)] })], 6))).toEqual([
      '6 app warning notify/warn',
    ]);
  });

  it("lists today's plan on day 0 and never repeats an action that stays due", () => {
    // Act: 95 days old, no replacement: rotation is due today and stays due while nobody acts
    const f = forecast([user({ userName: 'old', accessKeys: [activeKey('AKIAOLD', 95)] })]);
    // Assess
    expect(lines(f)).toEqual([
      '0 old rotation create-key/rotate',
      '0 old rotation store-secret/rotate',
      '0 old rotation notify/rotate',
    ]);
  });

  it('deactivates only where the replacement already exists, and deletes nothing nobody deactivated', () => {
    // Prepare: "rotated" has a 100-day-old key unused for 20 days and a 10-day-old replacement
    const users = [
      user({
        userName: 'rotated',
        accessKeys: [activeKey('AKIAOLD', 100, 20), activeKey('AKIANEW', 10, 1, 2)],
      }),
      user({ userName: 'stuck', accessKeys: [activeKey('AKIASTUCK', 110)] }),
    ];
    // Act
    const f = forecast(users);
    // Assess: age 104 with a 14-day-old replacement on day 4; the key stays Active, so never deleted
    expect(lines(f)).toEqual([
      '0 stuck rotation create-key/rotate',
      '0 stuck rotation store-secret/rotate',
      '0 stuck rotation notify/rotate',
      '4 rotated deactivation deactivate-key/deactivate',
      '4 rotated deactivation notify/deactivate',
    ]);
  });

  it('deletes a key Keywarden deactivated once it has been inactive long enough', () => {
    // Prepare: inactive 112-day-old key deactivated by Keywarden 8 days ago; delete at 118 days old
    // and 14 days inactive
    const facts = journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/AKIAOFF`]: daysAgo(8) } });
    const users = [
      user({
        userName: 'off',
        accessKeys: [
          key({
            accessKeyId: 'AKIAOFF',
            status: 'Inactive',
            createDate: daysAgo(112),
            lastUsedDate: daysAgo(20),
          }),
          activeKey('AKIAON', 20, 1, 2),
        ],
      }),
    ];
    // Act
    const f = forecast(users, 10, RECOMMENDED, facts);
    // Assess
    expect(lines(f)).toEqual(['6 off deletion delete-key/delete', '6 off deletion notify/delete']);
  });

  it('revokes unused keys and passwords as deactivation and deletion', () => {
    // Prepare: a key never used in 85 days (warned of rotation today, revoked as unused on day 5);
    // a console password last used 88 days ago
    const users = [
      user({ userName: 'idle', accessKeys: [activeKey('AKIAIDLE', 85, null)] }),
      user({
        userName: 'console',
        loginProfile: { createDate: daysAgo(300) },
        passwordLastUsed: daysAgo(88),
      }),
    ];
    // Act
    const f = forecast(users, 10);
    // Assess
    expect(lines(f)).toEqual([
      '0 idle warning notify/warn',
      '2 console deletion delete-login-profile/revoke-unused',
      '2 console deletion notify/revoke-unused',
      '5 idle deactivation deactivate-key/revoke-unused',
      '5 idle deactivation notify/revoke-unused',
    ]);
  });

  it('reports an exemption ending on the first day without it, before what it unblocks', () => {
    // Prepare: exempt through 2026-12-01 (inclusive): NOW + 9 days is 2026-12-01T12:00, still exempt
    const p = policy({
      exemptions: { users: [{ name: 'vendor', reason: 'vendor rotates it', until: '2026-12-01' }] },
    });
    const users = [user({ userName: 'vendor', accessKeys: [activeKey('AKIAVENDOR', 100)] })];
    // Act
    const f = forecast(users, 30, p);
    // Assess
    expect(lines(f)).toEqual([
      '10 vendor exemption-expiry exemptions.users[0] until 2026-12-01 KEY_ROTATION,UNUSED_CREDENTIALS,MULTIPLE_ACTIVE_KEYS',
      '10 vendor rotation create-key/rotate',
      '10 vendor rotation store-secret/rotate',
      '10 vendor rotation notify/rotate',
    ]);
    expect(f.entries[0]).toMatchObject({ date: '2026-12-02', reason: 'vendor rotates it' });
  });

  it('reads end dates from exemption tags, follows a later exemption, and ignores ones that never end', () => {
    // Prepare
    const p = policy({
      exemptions: {
        users: [{ name: 'chained', reason: 'first', until: '2026-11-25' }],
        paths: [{ path: '/vendors/', reason: 'second', until: '2026-11-30' }],
        groups: [{ group: 'forever', reason: 'no end' }],
      },
    });
    const users = [
      user({
        userName: 'tagged',
        tags: { 'keywarden:exempt': '2026-11-23', 'keywarden:exempt-reason': 'migration' },
      }),
      user({ userName: 'chained', path: '/vendors/' }),
      user({ userName: 'always', groups: ['forever'] }),
      user({ userName: 'later', tags: { 'keywarden:exempt': '2027-06-30' } }),
    ];
    // Act
    const f = forecast(users, 30, p);
    // Assess
    expect(lines(f)).toEqual([
      '2 tagged exemption-expiry tag keywarden:exempt until 2026-11-23 KEY_ROTATION,UNUSED_CREDENTIALS,MULTIPLE_ACTIVE_KEYS',
      '9 chained exemption-expiry exemptions.paths[0] until 2026-11-30 KEY_ROTATION,UNUSED_CREDENTIALS,MULTIPLE_ACTIVE_KEYS',
    ]);
  });

  it('matches the planner: entries of day D are in plan(D) and, after day 0, not in plan(D - 1)', () => {
    // Prepare: a mix of lifecycles
    const users = [
      user({ userName: 'a', accessKeys: [activeKey('AKIAA', 60)] }),
      user({ userName: 'b', accessKeys: [activeKey('AKIAB1', 98, 30), activeKey('AKIAB2', 5, 1, 2)] }),
      user({ userName: 'c', accessKeys: [activeKey('AKIAC', 70, null)] }),
    ];
    const inv = inventory({ users });
    // Act
    const f = forecastAccount(inv, RECOMMENDED, NOW, NO_JOURNAL_FACTS, 40);
    // Assess
    expect(f.entries.length).toBeGreaterThan(5);
    const ids = (d: number) =>
      new Set(planAccount(inv, RECOMMENDED, addDays(NOW, d), NO_JOURNAL_FACTS).actions.map((a) => a.id));
    for (const e of f.entries) {
      if (e.kind !== 'action') continue;
      expect(ids(e.day).has(e.actionId)).toBe(true);
      if (e.day > 0) expect(ids(e.day - 1).has(e.actionId)).toBe(false);
    }
  });

  it.each([0, 367, 1.5])('refuses %s days', (days) => {
    expect(() => forecast([], days)).toThrow(/days must be an integer from 1 to 366/);
  });

  it.each([1, 366])('accepts %s days', (days) => {
    expect(forecast([user({ accessKeys: [activeKey('AKIAX', 10)] })], days).days).toBe(days);
  });
});
