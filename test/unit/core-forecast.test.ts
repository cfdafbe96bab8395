import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/days.js';
import {
  countEvents,
  type Forecast,
  type ForecastEntry,
  type ForecastView,
  forecastAccount,
} from '../../src/core/forecast.js';
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
  view: ForecastView = 'if-nobody-acts',
): Forecast {
  return forecastAccount(inventory({ users }), p, NOW, facts, { days, view });
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

describe('forecastAccount, if nobody acts', () => {
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
    const f = forecastAccount(inv, RECOMMENDED, NOW, NO_JOURNAL_FACTS, { days: 40, view: 'if-nobody-acts' });
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

/** `day user event type/stage key` per AWS-changing action, the simulation's milestones. */
function changes(f: Forecast): string[] {
  return f.entries.flatMap((e) =>
    e.kind === 'action' && e.changesAws
      ? [`${e.day} ${e.userName} ${e.type}/${e.stage} ${e.accessKeyId}`]
      : [],
  );
}

const simulate = (
  users: readonly UserRecord[],
  days: number,
  p: Policy = RECOMMENDED,
  facts = NO_JOURNAL_FACTS,
) => forecast(users, days, p, facts, 'simulated');

describe('forecastAccount, simulated daily runs', () => {
  it.each([
    // [age today, warn day, rotate day, deactivate day, delete day]: warn at 76, rotate at 90, the old
    // key deactivated 14 days after its replacement (unused since that day, past the 7-day grace) and
    // deleted 14 days after that, no sooner than at age 118.
    [70, 6, 20, 34, 48],
    [100, null, 0, 14, 28],
    [110, null, 0, 14, 28],
    [80, 0, 10, 24, 38],
  ])(
    'a key %i days old and in use: warned day %s, rotated day %i, deactivated day %i, deleted day %i',
    (age, warn, rotate, deactivate, del) => {
      // Act
      const f = simulate([user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', age)] })], 60);
      // Assess
      expect(changes(f)).toEqual([
        `${rotate} app create-key/rotate AKIAAPP`,
        `${rotate} app store-secret/rotate AKIAAPP`,
        `${deactivate} app deactivate-key/deactivate AKIAAPP`,
        `${del} app delete-key/delete AKIAAPP`,
      ]);
      const warnings = f.entries.filter((e) => e.event === 'warning').map((e) => e.day);
      expect(warnings).toEqual(warn === null ? [] : [warn]);
      expect(f).toMatchObject({ view: 'simulated' });
      expect(f.assumptions.join(' ')).toContain('owners switch to a replacement key the day it is created');
    },
  );

  it('lists each action once, on the day its run carries it out, and rotates the replacement in turn', () => {
    // Act: 366 days of a key rotated today; its replacement AKIAAPP+1 turns 90 on day 90
    const f = simulate([user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', 95)] })], 366);
    // Assess
    const ids = f.entries.flatMap((e) => (e.kind === 'action' ? [e.actionId] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(changes(f).filter((c) => c.includes('create-key'))).toEqual([
      '0 app create-key/rotate AKIAAPP',
      '90 app create-key/rotate AKIAAPP+1',
      '180 app create-key/rotate AKIAAPP+2',
      '270 app create-key/rotate AKIAAPP+3',
      '360 app create-key/rotate AKIAAPP+4',
    ]);
    expect(f.entries.filter((e) => e.event === 'warning').map((e) => e.day)).toEqual([76, 166, 256, 346]);
  });

  it('holds a deactivation while the old key is within the in-use grace, then deactivates it', () => {
    // Prepare: a 5-day switch-over window, shorter than the 7-day grace; the key is in use, so its
    // last use is the rotation day (day 0)
    const p = policy({ rotation: { deactivateAfterDays: 95, deleteAfterDays: 110 } });
    // Act
    const f = simulate([user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', 100)] })], 30, p);
    // Assess: told on day 5 that the key is still in use, deactivated on day 7, deleted 15 days later
    const warnings = f.entries.flatMap((e) =>
      e.kind === 'action' && e.event === 'warning' ? [`${e.day} ${e.stage}`] : [],
    );
    expect(warnings).toEqual(['5 still-in-use']);
    expect(changes(f)).toEqual([
      '0 app create-key/rotate AKIAAPP',
      '0 app store-secret/rotate AKIAAPP',
      '7 app deactivate-key/deactivate AKIAAPP',
      '22 app delete-key/delete AKIAAPP',
    ]);
  });

  it('takes a user who already holds a replacement to use it: the old key is deactivated after the window', () => {
    // Prepare: the old key was used yesterday; its replacement, 5 days old, not yet
    const users = [
      user({ userName: 'mid', accessKeys: [activeKey('AKIAOLD', 100), activeKey('AKIANEW', 5, null, 2)] }),
    ];
    // Act
    const f = simulate(users, 30);
    // Assess: the replacement turns 14 days old on day 9; the old key, last used on day -1, is out of
    // the grace by then, so it is not held as still in use
    expect(changes(f)).toEqual([
      '9 mid deactivate-key/deactivate AKIAOLD',
      '23 mid delete-key/delete AKIAOLD',
    ]);
    expect(f.entries.filter((e) => e.event === 'warning')).toEqual([]);
  });

  it('does not hold a key nobody uses: deactivated when the switch-over window ends', () => {
    // Prepare: last used 10 days ago, outside the 7-day grace: not in use, nor is its replacement
    const f = simulate([user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', 100, 10)] })], 30);
    // Assess
    expect(changes(f)).toEqual([
      '0 app create-key/rotate AKIAAPP',
      '0 app store-secret/rotate AKIAAPP',
      '14 app deactivate-key/deactivate AKIAAPP',
      '28 app delete-key/delete AKIAAPP',
    ]);
  });

  it('starts the sequence on the day an exemption ends', () => {
    // Prepare: exempt through 2026-12-01: the first day without it is day 10
    const p = policy({
      exemptions: { users: [{ name: 'vendor', reason: 'vendor rotates it', until: '2026-12-01' }] },
    });
    // Act
    const f = simulate([user({ userName: 'vendor', accessKeys: [activeKey('AKIAVENDOR', 100)] })], 60, p);
    // Assess
    expect(f.entries[0]).toMatchObject({ day: 10, kind: 'exemption-expiry' });
    expect(changes(f)).toEqual([
      '10 vendor create-key/rotate AKIAVENDOR',
      '10 vendor store-secret/rotate AKIAVENDOR',
      '24 vendor deactivate-key/deactivate AKIAVENDOR',
      '38 vendor delete-key/delete AKIAVENDOR',
    ]);
  });

  it('deactivates an unused key, then deletes it once the deactivate-to-delete window has passed', () => {
    // Prepare: never used in 95 days; deletion no sooner than at age 118 (day 23) and 14 days after
    // the deactivation (day 14)
    const f = simulate([user({ userName: 'idle', accessKeys: [activeKey('AKIAIDLE', 95, null)] })], 30);
    // Assess
    expect(changes(f)).toEqual([
      '0 idle deactivate-key/revoke-unused AKIAIDLE',
      '23 idle delete-key/delete AKIAIDLE',
    ]);
    expect(countEvents(f.entries)).toMatchObject({ deactivation: 1, deletion: 1, rotation: 0 });
  });

  it('invents no use: a key last used 60 days ago becomes unused and is revoked, not switched over', () => {
    // Prepare: 70 days old, last used 60 days ago: rotated at 90 (day 20), unused at 90 days (day 30)
    const f = simulate([user({ userName: 'gone', accessKeys: [activeKey('AKIAGONE', 70, 60)] })], 50);
    // Assess: revoked as unused on day 30, deleted at age 118 (day 48); its replacement stays
    expect(changes(f)).toEqual([
      '20 gone create-key/rotate AKIAGONE',
      '20 gone store-secret/rotate AKIAGONE',
      '30 gone deactivate-key/revoke-unused AKIAGONE',
      '48 gone delete-key/delete AKIAGONE',
    ]);
  });

  it("spreads changes over days under the policy's maxActions, as daily runs would", () => {
    // Prepare: four keys due for rotation today; each rotation is 2 changes (create, store)
    const p = policy({ remediation: { maxActions: 4 } });
    const users = ['a', 'b', 'c', 'd'].map((name) =>
      user({ userName: name, accessKeys: [activeKey(`AKIA${name.toUpperCase()}`, 95)] }),
    );
    // Act
    const f = simulate(users, 30, p);
    // Assess: two rotations a day, in plan order
    const rotations = changes(f).filter((c) => c.includes('create-key'));
    expect(rotations.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(['0 a', '0 b', '1 c', '1 d']);
    for (let day = 0; day <= 30; day++) {
      expect(changes(f).filter((c) => c.startsWith(`${day} `)).length).toBeLessThanOrEqual(4);
    }
  });

  it('keeps the "if nobody acts" view apart: days 1 to 30 there hold no deactivation', () => {
    const users = [user({ userName: 'app', accessKeys: [activeKey('AKIAAPP', 100)] })];
    expect(countEvents(forecast(users, 30).entries)).toMatchObject({ rotation: 1, deactivation: 0 });
    expect(countEvents(simulate(users, 30).entries)).toMatchObject({
      rotation: 1,
      deactivation: 1,
      deletion: 1,
    });
  });
});

describe('countEvents', () => {
  it('counts a journal-only note as no deletion: "3 deletions" were 2 real ones', () => {
    // Prepare: two keys Keywarden deactivated 20 days ago (deleted today) and one inactive key it has
    // no record of (journaled as first seen inactive today, deleted 14 days later)
    const inactive = (id: string) =>
      key({ accessKeyId: id, status: 'Inactive', createDate: daysAgo(200), lastUsedDate: daysAgo(150) });
    const facts = journalFactsFrom({
      inactiveSince: { [`${ACCOUNT_ID}/AKIAOFF1`]: daysAgo(20), [`${ACCOUNT_ID}/AKIAOFF2`]: daysAgo(20) },
    });
    const users = [
      user({ userName: 'off1', accessKeys: [inactive('AKIAOFF1')] }),
      user({ userName: 'off2', accessKeys: [inactive('AKIAOFF2')] }),
      user({ userName: 'unknown', accessKeys: [inactive('AKIAUNKNOWN')] }),
    ];
    // Act
    const nobody = forecast(users, 10, RECOMMENDED, facts);
    const daily = simulate(users, 30, RECOMMENDED, facts);
    // Assess: the note is listed, journal only, and not counted
    const note = nobody.entries.find((e) => e.kind === 'action' && e.type === 'note-inactive');
    expect(note).toMatchObject({ day: 0, userName: 'unknown', event: 'deletion', changesAws: false });
    expect(countEvents(nobody.entries).deletion).toBe(2);
    expect(countEvents(nobody.entries.filter((e) => e.day === 0)).deletion).toBe(2);
    // Daily runs journal the sighting today and delete the key 14 days later: 3 real deletions
    expect(changes(daily)).toEqual([
      '0 off1 delete-key/delete AKIAOFF1',
      '0 off2 delete-key/delete AKIAOFF2',
      '14 unknown delete-key/delete AKIAUNKNOWN',
    ]);
    expect(countEvents(daily.entries).deletion).toBe(3);
  });

  it('counts a notice alone (no change that day) as nothing, and a warning as a warning', () => {
    const base = {
      kind: 'action',
      day: 0,
      date: '2026-11-22',
      accountId: ACCOUNT_ID,
      userName: 'u',
      stage: 'deactivate',
      rule: 'KEY_ROTATION',
      accessKeyId: 'AKIAX',
      reason: 'r',
      dueDate: null,
    } as const;
    const entries: ForecastEntry[] = [
      { ...base, event: 'deactivation', actionId: 'n1', chainId: 'c1', type: 'notify', changesAws: false },
      {
        ...base,
        event: 'warning',
        stage: 'warn',
        actionId: 'n2',
        chainId: 'c2',
        type: 'notify',
        changesAws: false,
      },
    ];
    expect(countEvents(entries)).toMatchObject({ deactivation: 0, warning: 1 });
  });
});
