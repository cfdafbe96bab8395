/** A rotation guessed when no journal is there to confirm one: which keys look like it, and what the audit makes of it. */
import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import { buildAuditReport, hasFailure } from '../../src/core/audit-summary.js';
import type { AccessKeyRecord } from '../../src/core/model.js';
import { likelyRotation } from '../../src/core/rotation-likely.js';
import { ACCOUNT_ID, daysAgo, inventory, key, NOW, policy, user } from './builders.js';

const OLD = 'AKIAOLDKEY';
const NEW = 'AKIANEWKEY';
const HOUR_MS = 3_600_000;
/** The default policy's switch-over window: deactivateAfterDays 104 - rotateAfterDays 90. */
const WINDOW = 14;

const old = (ageDays = 95, over: Partial<AccessKeyRecord> = {}) =>
  key({ accessKeyId: OLD, slot: 1, createDate: daysAgo(ageDays), lastUsedDate: daysAgo(1), ...over });
const young = (createDate: Date, over: Partial<AccessKeyRecord> = {}) =>
  key({ accessKeyId: NEW, slot: 2, createDate, lastUsedDate: null, ...over });

describe('likelyRotation', () => {
  it.each([
    { name: 'a new key 2 days old beside a 95-day-old one', keys: [old(), young(daysAgo(2))], newKey: NEW },
    {
      name: 'the new key in slot 1',
      keys: [young(daysAgo(2), { slot: 1 }), old(95, { slot: 2 })],
      newKey: NEW,
    },
    { name: 'the new key made just now', keys: [old(), young(NOW)], newKey: NEW },
    {
      name: 'the new key one second short of the window',
      keys: [old(), young(new Date(daysAgo(WINDOW).getTime() + 1000))],
      newKey: NEW,
    },
    { name: 'the new key exactly at the window', keys: [old(), young(daysAgo(WINDOW))], newKey: null },
    { name: 'the new key past the window', keys: [old(), young(daysAgo(WINDOW + 1))], newKey: null },
    {
      name: 'an old key just inside the window too (two young keys)',
      keys: [old(WINDOW - 1), young(daysAgo(2))],
      newKey: null,
    },
    { name: 'an old key exactly at the window', keys: [old(WINDOW), young(daysAgo(2))], newKey: NEW },
    { name: 'one key only', keys: [young(daysAgo(2))], newKey: null },
    {
      name: 'the old key inactive',
      keys: [old(95, { status: 'Inactive' }), young(daysAgo(2))],
      newKey: null,
    },
    {
      name: 'the young key inactive',
      keys: [old(), young(daysAgo(2), { status: 'Inactive' })],
      newKey: null,
    },
    { name: 'no keys', keys: [], newKey: null },
  ])('$name → $newKey', ({ keys, newKey }) => {
    const likely = likelyRotation(user({ accessKeys: keys }), policy().rotation, NOW);
    expect(likely?.newKey.accessKeyId ?? null).toBe(newKey);
    if (likely !== null) expect(likely.oldKey.accessKeyId).toBe(OLD);
  });

  it("reads the window from the policy's rotation ages", () => {
    const keys = [old(), young(daysAgo(20))];
    const wide = policy({
      rotation: { rotateAfterDays: 90, deactivateAfterDays: 120, deleteAfterDays: 130 },
    });
    expect(likelyRotation(user({ accessKeys: keys }), policy().rotation, NOW)).toBeNull();
    expect(likelyRotation(user({ accessKeys: keys }), wide.rotation, NOW)).toMatchObject({
      newKeyAgeDays: 20,
      switchOverDays: 30,
    });
  });
});

describe('the audit with no journal to read', () => {
  const half = (newKeyCreated: Date, journal: 'read' | 'absent' | undefined) => {
    const inv = inventory({ users: [user({ userName: 'svc', accessKeys: [old(), young(newKeyCreated)] })] });
    const p = policy();
    const context = { rotationsInProgress: [], ...(journal === undefined ? {} : { journal }) };
    return buildAuditReport([evaluateAccount(inv, p, NOW, context)], p, NOW, {
      name: 'keywarden',
      version: 't',
    });
  };

  it('marks the two-keys finding and the old key’s age as a likely rotation, still open', () => {
    const r = half(daysAgo(2), 'absent');
    expect(r.findings.map((f) => [f.rule, f.rotationLikely?.newAccessKeyId ?? null]).sort()).toEqual([
      ['KEY_ROTATION', NEW],
      ['MULTIPLE_ACTIVE_KEYS', NEW],
    ]);
    const first = r.findings[0];
    expect(first?.rotationLikely?.newKeyCreated).toBe(daysAgo(2).toISOString());
    expect(first?.rotationInProgress).toBeNull();
    expect(first?.message).toMatch(
      /Rotation likely in progress: key AKIANEWKEY is 2 days old, within the policy's 14-day switch-over window/,
    );
    expect(first?.message).toMatch(/--journal dynamodb:\/\/TABLE or KEYWARDEN_JOURNAL/);
    expect(r.summary).toMatchObject({ findings: 2, inProgress: 0, open: 2, rotationLikely: 2 });
    expect(hasFailure(r, 'any')).toBe(true);
    expect(r.evaluations.find((e) => e.rule === 'MULTIPLE_ACTIVE_KEYS')?.compliance).toBe('NON_COMPLIANT');
  });

  it.each([
    { name: 'a journal was read (empty)', journal: 'read' as const, created: daysAgo(2) },
    { name: 'no journal state given', journal: undefined, created: daysAgo(2) },
    { name: 'the new key is at the window', journal: 'absent' as const, created: daysAgo(WINDOW) },
  ])('guesses nothing when $name', ({ journal, created }) => {
    const r = half(created, journal);
    expect(r.findings.every((f) => f.rotationLikely === null)).toBe(true);
    expect(r.findings.every((f) => !/Rotation likely/.test(f.message))).toBe(true);
    expect(r.summary.rotationLikely).toBe(0);
  });

  it('guesses on the new key one hour inside the window', () => {
    const r = half(new Date(daysAgo(WINDOW).getTime() + HOUR_MS), 'absent');
    expect(r.summary.rotationLikely).toBe(2);
  });

  it('leaves the findings of rules a rotation does not explain alone', () => {
    // The young key never used, the old one unused for 100 days: UNUSED_CREDENTIALS is not a rotation's doing.
    const inv = inventory({
      users: [
        user({ userName: 'svc', accessKeys: [old(120, { lastUsedDate: daysAgo(100) }), young(daysAgo(2))] }),
      ],
    });
    const audit = evaluateAccount(inv, policy(), NOW, { rotationsInProgress: [], journal: 'absent' });
    const unused = audit.findings.filter((f) => f.rule === 'UNUSED_CREDENTIALS');
    expect(unused.length).toBeGreaterThan(0);
    expect(unused.every((f) => f.rotationLikely === null)).toBe(true);
  });

  it('names the new key by slot when the audit has no id for it', () => {
    const inv = inventory({
      users: [
        user({
          userName: 'svc',
          accessKeys: [old(95, { accessKeyId: null }), young(daysAgo(2), { accessKeyId: null })],
        }),
      ],
    });
    const audit = evaluateAccount(inv, policy(), NOW, { rotationsInProgress: [], journal: 'absent' });
    const multiple = audit.findings.find((f) => f.rule === 'MULTIPLE_ACTIVE_KEYS');
    expect(multiple?.rotationLikely?.newAccessKeyId).toBeNull();
    expect(multiple?.rotationLikely?.reason).toMatch(/^key 2 \(created 2026-11-20\) is 2 days old/);
    expect(multiple?.accountId).toBe(ACCOUNT_ID);
  });
});
