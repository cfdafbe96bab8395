import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/core/days.js';
import type { AccessKeyRecord, UserRecord } from '../../src/core/model.js';
import { journalFactsFrom, NO_JOURNAL_FACTS } from '../../src/core/plan/facts.js';
import { planAccount } from '../../src/core/plan/planner.js';
import {
  type Action,
  changesAws,
  type JournalFacts,
  type NotifyAction,
  type Plan,
} from '../../src/core/plan/types.js';
import type { PolicyInput } from '../../src/core/policy/schema.js';
import type { Policy } from '../../src/core/policy/types.js';
import { ACCOUNT_ID, daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';

const OLD = 'AKIAOLD';
const NEW = 'AKIANEW';

/** Recommended defaults: warn 14, rotate 90, deactivate 104, delete 118, grace 7, unused 90. */
const RECOMMENDED = policy();

function plan(
  users: readonly UserRecord[],
  p: Policy = RECOMMENDED,
  facts: JournalFacts = NO_JOURNAL_FACTS,
): Plan {
  return planAccount(inventory({ users }), p, NOW, facts);
}

/** `<subject>/<type>/<stage>` per action: the id without account and user. */
function steps(p: Plan): string[] {
  return p.actions.map((a) => a.id.split('/').slice(2).join('/'));
}

/** An active key `ageDays` old, last used `usedDaysAgo` days ago (null = never). */
function activeKey(
  id: string,
  ageDays: number,
  usedDaysAgo: number | null = 1,
  slot: 1 | 2 = 1,
): AccessKeyRecord {
  return key({
    accessKeyId: id,
    slot,
    createDate: daysAgo(ageDays),
    lastUsedDate: usedDaysAgo === null ? null : daysAgo(usedDaysAgo),
  });
}

function inactiveKey(
  id: string,
  ageDays: number,
  usedDaysAgo: number | null = null,
  slot: 1 | 2 = 2,
): AccessKeyRecord {
  return { ...activeKey(id, ageDays, usedDaysAgo, slot), status: 'Inactive' };
}

function only<T extends Action['type']>(p: Plan, type: T): Extract<Action, { type: T }> {
  const found = p.actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
  expect(found).toHaveLength(1);
  return found[0] as Extract<Action, { type: T }>;
}

function withPolicy(file: Omit<PolicyInput, 'version'>): Policy {
  return policy(file);
}

describe('rotation lifecycle (recommended policy)', () => {
  it.each([
    { name: 'before the warning window', ageDays: 75, steps: [] },
    {
      name: 'warning starts at rotateAfterDays - warnBeforeDays',
      ageDays: 76,
      steps: [`${OLD}/notify/warn`],
    },
    { name: 'one day before rotation: still a warning', ageDays: 89, steps: [`${OLD}/notify/warn`] },
    {
      name: 'exactly rotateAfterDays: rotate',
      ageDays: 90,
      steps: [`${OLD}/create-key/rotate`, `${OLD}/store-secret/rotate`, `${OLD}/notify/rotate`],
    },
    {
      name: 'long past every date and first seen now: rotate, nothing else',
      ageDays: 400,
      steps: [`${OLD}/create-key/rotate`, `${OLD}/store-secret/rotate`, `${OLD}/notify/rotate`],
    },
  ])('single key in use, $name', ({ ageDays, steps: expected }) => {
    // Act
    const result = plan([user({ accessKeys: [activeKey(OLD, ageDays)] })]);
    // Assess
    expect(steps(result)).toEqual(expected);
  });

  it('rotation stores the new key and tells the owner where and by when', () => {
    // Prepare
    const alice = user({
      tags: { 'keywarden:owner': 'alice@example.com' },
      accessKeys: [activeKey(OLD, 200)],
    });
    // Act
    const result = plan([alice]);
    // Assess
    const create = only(result, 'create-key');
    const store = only(result, 'store-secret');
    const note = only(result, 'notify');
    expect(create).toMatchObject({
      id: `${ACCOUNT_ID}/alice/${OLD}/create-key/rotate`,
      replacesAccessKeyId: OLD,
      secretName: `keywarden/${ACCOUNT_ID}/alice`,
      rule: 'KEY_ROTATION',
      expect: { status: 'Active', accessKeyCount: 1 },
    });
    expect(store).toMatchObject({ createKeyActionId: create.id, secretName: create.secretName });
    // Replacement created today: the old key keeps the whole 14-day switch-over window.
    expect(note).toMatchObject({
      recipient: 'alice@example.com',
      secretName: `keywarden/${ACCOUNT_ID}/alice`,
      dueDate: addDays(NOW, 14).toISOString(),
    });
  });

  it('a warning is due on the rotation date and goes to the security team without an owner tag', () => {
    const note = only(plan([user({ accessKeys: [activeKey(OLD, 80)] })]), 'notify');
    expect(note).toMatchObject({ stage: 'warn', recipient: null, dueDate: addDays(NOW, 10).toISOString() });
  });

  describe('deactivation', () => {
    it.each([
      { name: 'old key one day before deactivateAfterDays', oldAge: 103, newAge: 14, used: 30, steps: [] },
      {
        name: 'old key at deactivateAfterDays, replacement old enough',
        oldAge: 104,
        newAge: 14,
        used: 30,
        steps: [`${OLD}/deactivate-key/deactivate`, `${OLD}/notify/deactivate`],
      },
      {
        name: 'replacement one day short of the switch-over window',
        oldAge: 300,
        newAge: 13,
        used: 30,
        steps: [],
      },
      {
        name: 'last used one day inside the grace period',
        oldAge: 120,
        newAge: 20,
        used: 6,
        steps: [`${OLD}/notify/still-in-use`],
      },
      {
        name: 'last used exactly inUseGraceDays ago',
        oldAge: 120,
        newAge: 20,
        used: 7,
        steps: [`${OLD}/deactivate-key/deactivate`, `${OLD}/notify/deactivate`],
      },
      {
        name: 'still in use with force deactivation off, years on',
        oldAge: 900,
        newAge: 800,
        used: 1,
        // Notifications come last, in id order.
        steps: [`${NEW}/notify/blocked`, `${OLD}/notify/still-in-use`],
      },
    ])('$name', ({ oldAge, newAge, used, steps: expected }) => {
      // Prepare
      const keys = [activeKey(OLD, oldAge, used, 1), activeKey(NEW, newAge, 1, 2)];
      // Act
      const result = plan([user({ accessKeys: keys })]);
      // Assess
      expect(steps(result).filter((s) => !s.startsWith(`${NEW}/notify/warn`))).toEqual(expected);
    });

    it('a never-used old key is deactivated (when the unused rule is off)', () => {
      const p = withPolicy({ rules: { UNUSED_CREDENTIALS: { enabled: false } } });
      const keys = [activeKey(OLD, 120, null, 1), activeKey(NEW, 20, 1, 2)];
      expect(steps(plan([user({ accessKeys: keys })], p))).toEqual([
        `${OLD}/deactivate-key/deactivate`,
        `${OLD}/notify/deactivate`,
      ]);
    });

    it('expects the key Active, unused since the plan, and its replacement present', () => {
      const keys = [activeKey(OLD, 120, 30, 1), activeKey(NEW, 20, 1, 2)];
      const action = only(plan([user({ accessKeys: keys })]), 'deactivate-key');
      expect(action.expect).toEqual({
        status: 'Active',
        lastUsedDate: daysAgo(30).toISOString(),
        replacementAccessKeyId: NEW,
      });
    });

    it.each([
      { name: 'one day before forceDeactivateAfterDays', oldAge: 149, steps: [`${OLD}/notify/still-in-use`] },
      {
        name: 'at forceDeactivateAfterDays',
        oldAge: 150,
        steps: [`${OLD}/deactivate-key/force-deactivate`, `${OLD}/notify/force-deactivate`],
      },
    ])('force deactivation on (150 days), still in use: $name', ({ oldAge, steps: expected }) => {
      // Prepare
      const p = withPolicy({ rotation: { forceDeactivateAfterDays: 150 } });
      const keys = [activeKey(OLD, oldAge, 1, 1), activeKey(NEW, 30, 1, 2)];
      // Act
      const result = plan([user({ accessKeys: keys })], p);
      // Assess
      expect(steps(result)).toEqual(expected);
    });

    it('the still-in-use notice names the forced deactivation date', () => {
      const p = withPolicy({ rotation: { forceDeactivateAfterDays: 150 } });
      const keys = [activeKey(OLD, 140, 1, 1), activeKey(NEW, 30, 1, 2)];
      const note = only(plan([user({ accessKeys: keys })], p), 'notify');
      expect(note.dueDate).toBe(addDays(NOW, 10).toISOString());
    });
  });

  describe('deletion', () => {
    const deactivatedDaysAgo = (n: number) =>
      journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/${OLD}`]: daysAgo(n) } });

    it.each([
      {
        name: 'journal: inactive 14 days, 118 days old',
        ageDays: 118,
        facts: deactivatedDaysAgo(14),
        deleted: true,
      },
      { name: 'journal: inactive 13 days', ageDays: 118, facts: deactivatedDaysAgo(13), deleted: false },
      { name: 'journal: 117 days old', ageDays: 117, facts: deactivatedDaysAgo(14), deleted: false },
      // Without a record of when the key became inactive, last use says nothing about it (a key
      // unused for 400 days may have been deactivated a minute ago): today's sighting is journaled
      // and starts the window.
      { name: 'no record: last used 400 days ago', ageDays: 500, used: 400, noted: true },
      { name: 'no record, never used', ageDays: 118, used: null, noted: true },
      {
        name: 'used after the recorded deactivation: the record is stale, seen again today',
        ageDays: 200,
        used: 10,
        facts: deactivatedDaysAgo(30),
        noted: true,
      },
      {
        name: 'used before the recorded deactivation: counted from the record',
        ageDays: 200,
        used: 40,
        facts: deactivatedDaysAgo(30),
        deleted: true,
      },
    ])('$name', ({ ageDays, used = null, facts = NO_JOURNAL_FACTS, deleted = false, noted = false }) => {
      // Act
      const result = plan([user({ accessKeys: [inactiveKey(OLD, ageDays, used, 1)] })], RECOMMENDED, facts);
      // Assess
      expect(steps(result)).toEqual(
        deleted
          ? [`${OLD}/delete-key/delete`, `${OLD}/notify/delete`]
          : noted
            ? [`${OLD}/note-inactive/inactive-seen`, `${OLD}/notify/inactive-seen`]
            : [],
      );
    });

    it('a first sighting tells the owner the deletion date: the full window from today', () => {
      const result = plan([user({ accessKeys: [inactiveKey(OLD, 500, 400, 1)] })]);
      expect(only(result, 'note-inactive')).toMatchObject({
        deleteFrom: addDays(NOW, 14).toISOString(),
        expect: { status: 'Inactive' },
      });
      expect(only(result, 'notify')).toMatchObject({
        dueDate: addDays(NOW, 14).toISOString(),
        happened: expect.stringContaining(`deletes it from ${addDays(NOW, 14).toISOString().slice(0, 10)}`),
      });
    });

    it('a sighting 13 days ago is not yet enough; 14 days ago is', () => {
      const seen = (n: number) =>
        journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/${OLD}`]: daysAgo(n) } });
      const at = (n: number) =>
        steps(plan([user({ accessKeys: [inactiveKey(OLD, 500, 400, 1)] })], RECOMMENDED, seen(n)));
      expect(at(13)).toEqual([]);
      expect(at(14)).toEqual([`${OLD}/delete-key/delete`, `${OLD}/notify/delete`]);
    });

    it('expects the key still Inactive', () => {
      const result = plan(
        [user({ accessKeys: [inactiveKey(OLD, 200, null, 1)] })],
        RECOMMENDED,
        deactivatedDaysAgo(20),
      );
      expect(only(result, 'delete-key').expect).toEqual({ status: 'Inactive', lastUsedDate: null });
    });

    it('never deletes an active key', () => {
      const keys = [activeKey(OLD, 500, 1, 1), activeKey(NEW, 300, 1, 2)];
      const result = plan([user({ accessKeys: keys })]);
      expect(result.actions.filter((a) => a.type === 'delete-key')).toEqual([]);
    });
  });
});

describe('two keys', () => {
  it('other key inactive for the whole window: deletes it first, then rotates', () => {
    // Prepare: the inactive key is recent, so only the make-room delete applies.
    const keys = [activeKey(OLD, 95, 1, 1), inactiveKey(NEW, 20, null, 2)];
    const facts = journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/${NEW}`]: daysAgo(14) } });
    // Act
    const result = plan([user({ accessKeys: keys })], RECOMMENDED, facts);
    // Assess
    expect(steps(result)).toEqual([
      `${NEW}/delete-key/rotate`,
      `${OLD}/create-key/rotate`,
      `${OLD}/store-secret/rotate`,
      `${OLD}/notify/rotate`,
    ]);
    expect(new Set(result.actions.map((a) => a.chainId)).size).toBe(1);
  });

  it.each([
    { name: 'no record of it: seen today', facts: NO_JOURNAL_FACTS, noted: true, waitDays: 14 },
    {
      name: 'inactive for 13 days',
      facts: journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/${NEW}`]: daysAgo(13) } }),
      noted: false,
      waitDays: 1,
    },
  ])('other key inactive, $name: the rotation waits for its window', ({ facts, noted, waitDays }) => {
    const keys = [activeKey(OLD, 95, 1, 1), inactiveKey(NEW, 20, null, 2)];
    const result = plan([user({ accessKeys: keys })], RECOMMENDED, facts);
    expect(steps(result)).toEqual(
      noted ? [`${NEW}/note-inactive/inactive-seen`, `${NEW}/notify/inactive-seen`] : [],
    );
    expect(result.blocked).toEqual([expect.objectContaining({ accessKeyId: OLD, rule: 'KEY_ROTATION' })]);
    expect(result.blocked[0]?.reason).toContain(
      `holds inactive key ${NEW}, which may be deleted from ${addDays(NOW, waitDays).toISOString().slice(0, 10)}`,
    );
  });

  it('both active and the older still in use: no change, user blocked, owner told once', () => {
    // Prepare
    const keys = [activeKey(OLD, 200, 1, 1), activeKey(NEW, 100, 1, 2)];
    // Act
    const result = plan([user({ accessKeys: keys })]);
    // Assess
    expect(result.actions.filter((a) => a.type !== 'notify')).toEqual([]);
    expect(steps(result)).toContain(`${NEW}/notify/blocked`);
    expect(result.blocked).toEqual([
      expect.objectContaining({ userName: 'alice', accessKeyId: NEW, rule: 'KEY_ROTATION' }),
    ]);
    expect(result.blocked[0]?.reason).toContain(`${OLD} is active`);
  });

  it('both past rotateAfterDays: the newer is kept, the older deactivated, the newer rotates next run', () => {
    // Prepare
    const keys = [activeKey(OLD, 200, 30, 1), activeKey(NEW, 100, 1, 2)];
    // Act
    const today = plan([user({ accessKeys: keys })]);
    const deactivated = [
      { ...activeKey(OLD, 201, 31, 1), status: 'Inactive' as const },
      activeKey(NEW, 101, 1, 2),
    ];
    const later = (days: number) =>
      planAccount(
        inventory({ users: [user({ accessKeys: deactivated })] }),
        RECOMMENDED,
        addDays(NOW, days),
        journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/${OLD}`]: NOW } }),
      );
    // Assess: the old key may be reactivated for the whole window its notice promised.
    expect(steps(today)).toEqual([`${OLD}/deactivate-key/deactivate`, `${OLD}/notify/deactivate`]);
    expect(today.blocked).toEqual([]);
    expect(steps(later(13))).toEqual([]);
    expect(steps(later(14))).toEqual([
      `${OLD}/delete-key/rotate`,
      `${NEW}/create-key/rotate`,
      `${NEW}/store-secret/rotate`,
      `${NEW}/notify/rotate`,
    ]);
  });
});

describe('unused credentials', () => {
  it('an unused key is revoked, not rotated', () => {
    // Act
    const result = plan([user({ accessKeys: [activeKey(OLD, 200, 100)] })]);
    // Assess
    expect(steps(result)).toEqual([`${OLD}/deactivate-key/revoke-unused`, `${OLD}/notify/revoke-unused`]);
    expect(only(result, 'deactivate-key')).toMatchObject({
      rule: 'UNUSED_CREDENTIALS',
      expect: { status: 'Active', lastUsedDate: daysAgo(100).toISOString(), replacementAccessKeyId: null },
    });
  });

  it.each([
    { ageDays: 89, steps: [`${OLD}/notify/warn`] },
    { ageDays: 90, steps: [`${OLD}/deactivate-key/revoke-unused`, `${OLD}/notify/revoke-unused`] },
  ])('a never-used key $ageDays days old (unusedDays 90)', ({ ageDays, steps: expected }) => {
    expect(steps(plan([user({ accessKeys: [activeKey(OLD, ageDays, null)] })]))).toEqual(expected);
  });

  it.each([
    { used: 89, steps: [] },
    { used: 90, steps: ['password/delete-login-profile/revoke-unused', 'password/notify/revoke-unused'] },
  ])('a console password last used $used days ago', ({ used, steps: expected }) => {
    // Prepare
    const alice = user({ loginProfile: { createDate: daysAgo(300) }, passwordLastUsed: daysAgo(used) });
    // Act
    const result = plan([alice]);
    // Assess
    expect(steps(result)).toEqual(expected);
  });

  it('the login-profile deletion records what it assumed', () => {
    const alice = user({ loginProfile: { createDate: daysAgo(300) }, passwordLastUsed: null });
    expect(only(plan([alice]), 'delete-login-profile').expect).toEqual({
      loginProfileCreateDate: daysAgo(300).toISOString(),
      passwordLastUsed: null,
    });
  });

  it('an unused newer key waiting to replace an old key in use is not revoked', () => {
    // Prepare
    const keys = [activeKey(OLD, 120, 1, 1), activeKey(NEW, 95, null, 2)];
    // Act
    const result = plan([user({ accessKeys: keys })]);
    // Assess: the owner is told to switch, and NEW's own rotation waits for OLD.
    expect(steps(result)).toEqual([`${NEW}/notify/blocked`, `${OLD}/notify/still-in-use`]);
  });

  it.each([
    { used: 6, revoked: false },
    { used: 7, revoked: true },
  ])(
    'never strands a user who used their only key $used days ago (unusedDays 5, grace 7)',
    ({ used, revoked }) => {
      // Prepare
      const p = withPolicy({ rules: { UNUSED_CREDENTIALS: { unusedDays: 5 } } });
      // Act
      const result = plan([user({ accessKeys: [activeKey(OLD, 30, used)] })], p);
      // Assess
      expect(result.actions.some((a) => a.type === 'deactivate-key')).toBe(revoked);
      expect(result.blocked.length).toBe(revoked ? 0 : 1);
    },
  );
});

describe('exemptions', () => {
  const oldKeyInUse = () => [activeKey(OLD, 200, 1)];

  it('exempt credentials are never touched, and the plan says why', () => {
    // Prepare
    const p = withPolicy({ exemptions: { users: [{ name: 'alice', reason: 'break-glass' }] } });
    // Act
    const result = plan([user({ accessKeys: oldKeyInUse() })], p);
    // Assess
    expect(result.actions).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({ accessKeyId: OLD, rule: 'KEY_ROTATION', stage: 'rotate' }),
    ]);
    expect(result.skipped[0]?.reason).toContain('break-glass');
  });

  it('an exemption tag protects like the audit', () => {
    const result = plan([user({ tags: { 'keywarden:exempt': 'true' }, accessKeys: oldKeyInUse() })]);
    expect(result.actions).toEqual([]);
    expect(result.skipped).toHaveLength(1);
  });

  it('an expired exemption does not protect', () => {
    const p = withPolicy({
      exemptions: { users: [{ name: 'alice', reason: 'vendor', until: '2026-11-21' }] },
    });
    const result = plan([user({ accessKeys: oldKeyInUse() })], p);
    expect(steps(result)).toContain(`${OLD}/create-key/rotate`);
    expect(result.skipped).toEqual([]);
  });

  it('exempt from UNUSED_CREDENTIALS only: an idle key is not revoked but still rotated', () => {
    // Prepare
    const p = withPolicy({
      exemptions: { users: [{ name: 'alice', reason: 'break-glass', rules: ['UNUSED_CREDENTIALS'] }] },
    });
    // Act
    const result = plan([user({ accessKeys: [activeKey(OLD, 200, 100)] })], p);
    // Assess
    expect(steps(result)).toEqual([
      `${OLD}/create-key/rotate`,
      `${OLD}/store-secret/rotate`,
      `${OLD}/notify/rotate`,
    ]);
    expect(result.skipped).toEqual([
      expect.objectContaining({ rule: 'UNUSED_CREDENTIALS', stage: 'revoke-unused' }),
    ]);
  });
});

describe('presets', () => {
  describe('aws-config: the RevokeUnusedIAMUserCredentials runbook', () => {
    const runbook = withPolicy({ preset: 'aws-config' });

    it.each([
      { name: 'warning window', keys: [activeKey(OLD, 80)], steps: [] },
      { name: 'old key in use', keys: [activeKey(OLD, 400)], steps: [] },
      { name: 'old inactive key', keys: [inactiveKey(OLD, 400, null, 1)], steps: [] },
      {
        name: 'two keys, older past deactivation and idle for a month',
        keys: [activeKey(OLD, 200, 30, 1), activeKey(NEW, 100, 1, 2)],
        steps: [],
      },
      {
        name: 'unused key',
        keys: [activeKey(OLD, 400, 90)],
        steps: [`${OLD}/deactivate-key/revoke-unused`, `${OLD}/notify/revoke-unused`],
      },
    ])('$name', ({ keys, steps: expected }) => {
      const result = plan([user({ accessKeys: keys })], runbook);
      expect(result.mode).toBe('runbook');
      expect(steps(result)).toEqual(expected);
    });

    it('deletes an unused login profile', () => {
      const alice = user({ loginProfile: { createDate: daysAgo(100) }, passwordLastUsed: null });
      expect(steps(plan([alice], runbook))).toEqual([
        'password/delete-login-profile/revoke-unused',
        'password/notify/revoke-unused',
      ]);
    });
  });

  describe('rotation-165-180-185', () => {
    const schedule = withPolicy({ preset: 'rotation-165-180-185' });
    const facts = (n: number) =>
      journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/${OLD}`]: daysAgo(n) } });

    it.each([
      { name: 'age 149', keys: [activeKey(OLD, 149)], steps: [] },
      { name: 'age 150: warn', keys: [activeKey(OLD, 150)], steps: [`${OLD}/notify/warn`] },
      { name: 'age 164: warn', keys: [activeKey(OLD, 164)], steps: [`${OLD}/notify/warn`] },
      {
        name: 'age 165: rotate',
        keys: [activeKey(OLD, 165)],
        steps: [`${OLD}/create-key/rotate`, `${OLD}/store-secret/rotate`, `${OLD}/notify/rotate`],
      },
      {
        name: 'age 180, replacement 15 days old, used 10 days ago: deactivate',
        keys: [activeKey(OLD, 180, 10, 1), activeKey(NEW, 15, 1, 2)],
        steps: [`${OLD}/deactivate-key/deactivate`, `${OLD}/notify/deactivate`],
      },
      {
        name: 'age 180, used 9 days ago: still in use',
        keys: [activeKey(OLD, 180, 9, 1), activeKey(NEW, 15, 1, 2)],
        steps: [`${OLD}/notify/still-in-use`],
      },
      {
        name: 'age 180, replacement 14 days old: wait',
        keys: [activeKey(OLD, 180, 10, 1), activeKey(NEW, 14, 1, 2)],
        steps: [],
      },
      {
        name: 'inactive, age 185, deactivated 5 days ago: delete',
        keys: [inactiveKey(OLD, 185, 20, 1)],
        facts: facts(5),
        steps: [`${OLD}/delete-key/delete`, `${OLD}/notify/delete`],
      },
      {
        name: 'inactive, deactivated 4 days ago',
        keys: [inactiveKey(OLD, 185, 20, 1)],
        facts: facts(4),
        steps: [],
      },
    ])('$name', ({ keys, facts: f = NO_JOURNAL_FACTS, steps: expected }) => {
      expect(steps(plan([user({ accessKeys: keys })], schedule, f))).toEqual(expected);
    });
  });
});

describe('notifications', () => {
  it('a notification already sent is not planned again', () => {
    // Prepare
    const alice = user({ accessKeys: [activeKey(OLD, 80)] });
    const sent = journalFactsFrom({ notified: [`${ACCOUNT_ID}/alice/${OLD}/notify/warn`] });
    // Act
    const first = plan([alice]);
    const again = plan([alice], RECOMMENDED, sent);
    // Assess
    expect(steps(first)).toEqual([`${OLD}/notify/warn`]);
    expect(again.actions).toEqual([]);
  });

  it('only the notification is dropped, never the change it reports', () => {
    const sent = journalFactsFrom({ notified: [`${ACCOUNT_ID}/alice/${OLD}/notify/rotate`] });
    const result = plan([user({ accessKeys: [activeKey(OLD, 95)] })], RECOMMENDED, sent);
    expect(steps(result)).toEqual([`${OLD}/create-key/rotate`, `${OLD}/store-secret/rotate`]);
  });

  it('uses the configured owner tag and secret prefix', () => {
    // Prepare
    const p = withPolicy({ remediation: { ownerTag: 'team', secretNamePrefix: 'corp/iam' } });
    const alice = user({ tags: { team: ' payments@example.com ' }, accessKeys: [activeKey(OLD, 95)] });
    // Act
    const result = plan([alice], p);
    // Assess
    expect(only(result, 'notify')).toMatchObject({ recipient: 'payments@example.com' });
    expect(only(result, 'create-key').secretName).toBe(`corp/iam/${ACCOUNT_ID}/alice`);
  });
});

describe('what is never remediated', () => {
  it('root: never, whatever the inventory says', () => {
    // Prepare
    const rootKey = { slot: 1 as const, active: true, lastRotated: daysAgo(900), lastUsedDate: daysAgo(400) };
    const inv = inventory({
      root: root({ accessKeys: [rootKey] }),
      users: [user({ userName: '<root_account>', accessKeys: [activeKey(OLD, 900, 400)] })],
    });
    // Act
    const result = planAccount(inv, RECOMMENDED, NOW, NO_JOURNAL_FACTS);
    // Assess
    expect(result.actions).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({ userName: '<root_account>', rule: 'ROOT_ACCESS_KEY', stage: null }),
    ]);
  });

  it.each([
    { name: 'unknown', overrides: { accessKeyId: null } },
    { name: 'ambiguous', overrides: { idAmbiguous: true } },
  ])('keys whose id is $name: blocked, nothing changed', ({ overrides }) => {
    // Prepare
    const alice = user({
      loginProfile: { createDate: daysAgo(300) },
      accessKeys: [{ ...activeKey(OLD, 200, 100), ...overrides }],
    });
    // Act
    const result = plan([alice]);
    // Assess: the password is still handled, the keys are not.
    expect(steps(result)).toEqual([
      'password/delete-login-profile/revoke-unused',
      'password/notify/revoke-unused',
    ]);
    expect(result.blocked).toEqual([
      expect.objectContaining({ accessKeyId: null, rule: 'UNUSED_CREDENTIALS' }),
    ]);
  });

  it('a user name Secrets Manager cannot hold: blocked rather than renamed', () => {
    const result = plan([user({ userName: 'svc,legacy', accessKeys: [activeKey(OLD, 95)] })]);
    expect(steps(result)).toEqual([`${OLD}/notify/blocked`]);
    expect(result.blocked[0]?.reason).toContain('Secrets Manager');
  });
});

describe('ids and order', () => {
  const users = () => [
    user({ userName: 'bob', accessKeys: [activeKey('AKIABOB', 200, 100)] }),
    user({
      userName: 'alice',
      loginProfile: { createDate: daysAgo(300) },
      accessKeys: [activeKey('AKIAAL1', 200, 100, 1), inactiveKey('AKIAAL2', 300, null, 2)],
    }),
    user({
      userName: 'carol',
      accessKeys: [activeKey('AKIACAROL', 95, 1, 1), inactiveKey('AKIASPARE', 5, null, 2)],
    }),
  ];

  it('same input, same plan: ids are stable and readable', () => {
    // Act
    const first = plan(users());
    const second = plan(users().reverse());
    // Assess
    expect(second).toEqual(first);
    expect(first.actions[0]?.id).toBe(`${ACCOUNT_ID}/alice/AKIAAL1/deactivate-key/revoke-unused`);
    expect(new Set(first.actions.map((a) => a.id)).size).toBe(first.actions.length);
  });

  it('users by name; per user: free slot, create, store, deactivate, delete, login profile, notify', () => {
    const facts = journalFactsFrom({
      inactiveSince: { [`${ACCOUNT_ID}/AKIAAL2`]: daysAgo(30), [`${ACCOUNT_ID}/AKIASPARE`]: daysAgo(30) },
    });
    expect(
      plan(users(), RECOMMENDED, facts).actions.map((a) => `${a.userName} ${a.type}/${a.stage}`),
    ).toEqual([
      'alice deactivate-key/revoke-unused',
      'alice delete-key/delete',
      'alice delete-login-profile/revoke-unused',
      'alice notify/revoke-unused',
      'alice notify/delete',
      'alice notify/revoke-unused',
      'bob deactivate-key/revoke-unused',
      'bob notify/revoke-unused',
      'carol delete-key/rotate',
      'carol create-key/rotate',
      'carol store-secret/rotate',
      'carol notify/rotate',
    ]);
  });

  it('is plain data that survives JSON', () => {
    const p = plan(users());
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(p.generatedAt).toBe(NOW.toISOString());
  });
});

describe('after an early rotation (issue: the notice contradicted itself)', () => {
  it('does not warn about the rotation of a key that already has its replacement', () => {
    // Prepare: rotated early with keywarden rotate: the old key is 80 days old, the new one 2.
    const keys = [activeKey(OLD, 80, 1, 1), activeKey(NEW, 2, 1, 2)];
    // Act
    const result = plan([user({ accessKeys: keys })]);
    // Assess: neither key is warned about (the new one is young, the old one replaced).
    expect(steps(result)).toEqual([]);
  });

  it('still warns a key without a replacement', () => {
    expect(steps(plan([user({ accessKeys: [activeKey(OLD, 80, 1, 1)] })]))).toEqual([`${OLD}/notify/warn`]);
  });
});

describe('notices never delivered (no channel, or every channel failed)', () => {
  const sent = (stage: 'rotate' | 'warn' | 'deactivate'): NotifyAction => ({
    id: `${ACCOUNT_ID}/alice/${OLD}/notify/${stage}`,
    chainId: `${ACCOUNT_ID}/alice/${OLD}/${stage}`,
    type: 'notify',
    accountId: ACCOUNT_ID,
    userName: 'alice',
    stage,
    rule: 'KEY_ROTATION',
    accessKeyId: OLD,
    recipient: null,
    reason: 'Because.',
    happened: 'Something happened.',
    ownerAction: 'Act.',
    dueDate: null,
    secretName: null,
  });

  it('are planned again, once, until delivered; a warning is not carried over', () => {
    // Prepare: alice has a key in use and nothing due; two notices of earlier runs were not delivered.
    const facts = journalFactsFrom({ pendingNotices: [sent('rotate'), sent('warn')] });
    // Act
    const result = plan([user({ accessKeys: [activeKey(NEW, 10, 1, 1)] })], RECOMMENDED, facts);
    // Assess
    expect(result.actions.map((a) => a.id)).toEqual([sent('rotate').id]);
  });

  it('says which channels will carry the notices', () => {
    expect(plan([user()]).channels).toEqual([]);
    const p = withPolicy({ notifications: { sns: { topicArn: 'arn:aws:sns:us-east-1:111111111111:t' } } });
    expect(plan([user()], p).channels).toEqual(['sns']);
  });
});

describe('a key an undo reactivated', () => {
  const held = (days: number) =>
    journalFactsFrom({
      holds: {
        [`${ACCOUNT_ID}/${OLD}`]: { until: addDays(NOW, days), runId: '2026-11-22T12-00-00Z-undo01' },
      },
    });
  const unusedKey = () => [activeKey(OLD, 200, 100, 1)];

  it('is left alone while the hold lasts, and the plan says why', () => {
    const result = plan([user({ accessKeys: unusedKey() })], RECOMMENDED, held(1));
    expect(steps(result)).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        accessKeyId: OLD,
        reason: expect.stringMatching(
          /^Held until 2026-11-23 by keywarden undo \(run 2026-11-22T12-00-00Z-undo01\)/i,
        ),
      }),
    ]);
  });

  it('is planned again once the hold has ended', () => {
    const result = plan([user({ accessKeys: unusedKey() })], RECOMMENDED, held(0));
    expect(steps(result)).toEqual([`${OLD}/deactivate-key/revoke-unused`, `${OLD}/notify/revoke-unused`]);
  });
});

describe('a key Active again after Keywarden recorded it going inactive', () => {
  const deactivatedDaysAgo = (n: number) =>
    journalFactsFrom({ inactiveSince: { [`${ACCOUNT_ID}/${OLD}`]: daysAgo(n) } });
  const unusedActiveKey = () => [activeKey(OLD, 500, null)];

  it('is journaled as seen Active, even for an exempt user, and nothing else is planned for it', () => {
    // Prepare: a person reactivated the key and exempted the user.
    const facts = deactivatedDaysAgo(1);

    // Act
    const result = plan(
      [user({ tags: { 'keywarden:exempt': 'true' }, accessKeys: unusedActiveKey() })],
      RECOMMENDED,
      facts,
    );

    // Assess
    expect(steps(result)).toEqual([`${OLD}/note-active/active-seen`]);
    expect(only(result, 'note-active')).toMatchObject({ accessKeyId: OLD, closes: daysAgo(1).toISOString() });
    expect(result.actions.filter(changesAws)).toEqual([]);
  });

  it('is not journaled again once that record is closed', () => {
    // Prepare
    const facts = journalFactsFrom({
      keyEvents: {
        [`${ACCOUNT_ID}/${OLD}`]: [
          { kind: 'deactivated', at: daysAgo(20) },
          { kind: 'seen-active', at: daysAgo(19) },
        ],
      },
    });

    // Act
    const result = plan(
      [user({ tags: { 'keywarden:exempt': 'true' }, accessKeys: unusedActiveKey() })],
      RECOMMENDED,
      facts,
    );

    // Assess
    expect(result.actions).toEqual([]);
  });

  it('deactivated again later (by hand): a first sighting with the whole window, not a delete', () => {
    // Prepare: deactivated by Keywarden 20 days ago, seen Active 19 days ago, Inactive again now.
    const facts = journalFactsFrom({
      keyEvents: {
        [`${ACCOUNT_ID}/${OLD}`]: [
          { kind: 'deactivated', at: daysAgo(20) },
          { kind: 'seen-active', at: daysAgo(19) },
        ],
      },
    });

    // Act
    const result = plan([user({ accessKeys: [inactiveKey(OLD, 500, null, 1)] })], RECOMMENDED, facts);

    // Assess
    expect(steps(result)).toEqual([`${OLD}/note-inactive/inactive-seen`, `${OLD}/notify/inactive-seen`]);
    expect(only(result, 'note-inactive').deleteFrom).toBe(addDays(NOW, 14).toISOString());
  });
});
