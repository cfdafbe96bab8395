import { describe, expect, it } from 'vitest';
import { type KeyOwnership, keyOwnership } from '../../src/core/plan/ownership.js';
import {
  type OrphanedKey,
  orphanOwnership,
  planOrphanRecovery,
  settleLostCreate,
} from '../../src/core/plan/recovery.js';
import type { CreateKeyAction, StoreSecretAction } from '../../src/core/plan/types.js';

const INTENT_AT = '2026-12-01T10:00:00.000Z';
const ANSWER_BY = '2026-12-01T10:01:10.000Z';
const at = (offsetMs: number) => new Date(Date.parse(INTENT_AT) + offsetMs);
const END = Date.parse(ANSWER_BY) - Date.parse(INTENT_AT);
/** How far outside a call's window a key may be made and still be the call's (clock skew): 1 minute. */
const CLOCK_SKEW_MS = 60_000;
/** The window assumed for an intent journaled before `answerBy` existed: 2 minutes. */
const LEGACY_CALL_WINDOW_MS = 120_000;

const store: StoreSecretAction = {
  id: '111122223333/alice/AKIAOLD/store-secret/rotate',
  chainId: '111122223333/alice/AKIAOLD/rotate',
  accountId: '111122223333',
  userName: 'alice',
  stage: 'rotate',
  rule: 'KEY_ROTATION',
  reason: 'old key 100 days old',
  type: 'store-secret',
  replacesAccessKeyId: 'AKIAOLD',
  createKeyActionId: '111122223333/alice/AKIAOLD/create-key/rotate',
  secretName: 'keywarden/alice',
};

function orphan(overrides: Partial<OrphanedKey> = {}): OrphanedKey {
  return {
    accountId: '111122223333',
    userName: 'alice',
    accessKeyId: null,
    replacesAccessKeyId: 'AKIAOLD',
    createIntentAt: INTENT_AT,
    answerBy: ANSWER_BY,
    createActionId: store.createKeyActionId,
    recipient: 'alice@example.com',
    rule: 'KEY_ROTATION',
    store: null,
    ...overrides,
  };
}

const listedAt = (pairs: readonly (readonly [string, number])[]) =>
  pairs.map(([accessKeyId, offset]) => ({ accessKeyId, createDate: at(offset) }));

describe('keyOwnership: which new key a CreateAccessKey made', () => {
  const call = (o: { answered?: string; refused?: boolean } = {}) => ({
    answeredKeyId: o.answered ?? null,
    refused: o.refused ?? false,
    window: { from: at(0), to: at(END) },
    replacesAccessKeyId: 'AKIAOLD',
  });

  it.each([
    {
      name: 'answered: the key in the answer, whatever else appeared',
      c: call({ answered: 'AKIANEW' }),
      listed: [
        ['AKIANEW', 10],
        ['AKIAOTHER', 20],
      ],
      ours: 'AKIANEW',
      foreign: ['AKIAOTHER'],
    },
    {
      name: "refused (a 4xx): no key was made, so a new key is someone else's",
      c: call({ refused: true }),
      listed: [['AKIAOTHER', 10]],
      ours: null,
      foreign: ['AKIAOTHER'],
    },
    {
      name: 'unknown: a key made inside the window',
      c: call(),
      listed: [['AKIANEW', 10]],
      ours: 'AKIANEW',
      foreign: [],
    },
    {
      name: 'unknown: made at the skew margin before the intent',
      c: call(),
      listed: [['AKIANEW', -CLOCK_SKEW_MS]],
      ours: 'AKIANEW',
      foreign: [],
    },
    {
      name: 'unknown: not one made a millisecond before the margin',
      c: call(),
      listed: [['AKIANEW', -CLOCK_SKEW_MS - 1]],
      ours: null,
      foreign: ['AKIANEW'],
    },
    {
      name: 'unknown: made at the skew margin after the window',
      c: call(),
      listed: [['AKIANEW', END + CLOCK_SKEW_MS]],
      ours: 'AKIANEW',
      foreign: [],
    },
    {
      name: 'unknown: not one made a millisecond after the margin',
      c: call(),
      listed: [['AKIANEW', END + CLOCK_SKEW_MS + 1]],
      ours: null,
      foreign: ['AKIANEW'],
    },
    {
      name: 'unknown: two keys in the window are ambiguous: neither is taken',
      c: call(),
      listed: [
        ['AKIAONE', 10],
        ['AKIATWO', 20],
      ],
      ours: null,
      foreign: ['AKIAONE', 'AKIATWO'],
    },
    { name: 'never the key being replaced', c: call(), listed: [['AKIAOLD', 10]], ours: null, foreign: [] },
    {
      name: 'never a known key (listed before, or made by another run)',
      c: call(),
      listed: [['AKIAKNOWN', 10]],
      ours: null,
      foreign: [],
    },
  ] as const)('$name', ({ c, listed, ours, foreign }) => {
    // Act
    const got = keyOwnership(c, listedAt(listed), new Set(['AKIAKNOWN']));

    // Assess
    expect(got.ours?.accessKeyId ?? null).toBe(ours);
    expect(got.ours?.foundByTime ?? null).toBe(ours === null ? null : c.answeredKeyId === null);
    expect(got.foreign.map((k) => k.accessKeyId)).toEqual(foreign);
  });
});

describe('orphanOwnership: after a crash, the window is the journaled intent to its answerBy', () => {
  it.each([
    { name: 'the key id the journal recorded', o: { accessKeyId: 'AKIANEW' }, listed: null, ours: 'AKIANEW' },
    { name: 'a key made before answerBy', o: {}, listed: [['AKIANEW', END]], ours: 'AKIANEW' },
    {
      name: 'not one made after answerBy and the margin',
      o: {},
      listed: [['AKIANEW', END + CLOCK_SKEW_MS + 1]],
      ours: null,
    },
    {
      name: 'an older journal without answerBy: the legacy window',
      o: { answerBy: null },
      listed: [['AKIANEW', LEGACY_CALL_WINDOW_MS + CLOCK_SKEW_MS]],
      ours: 'AKIANEW',
    },
    {
      name: 'an older journal without answerBy: not after it',
      o: { answerBy: null },
      listed: [['AKIANEW', LEGACY_CALL_WINDOW_MS + CLOCK_SKEW_MS + 1]],
      ours: null,
    },
  ] as const)('$name', ({ o, listed, ours }) => {
    const got = orphanOwnership(orphan(o), listed === null ? null : listedAt(listed), new Set());
    expect(got.ours?.accessKeyId ?? null).toBe(ours);
  });
});

describe('planOrphanRecovery', () => {
  const candidate: KeyOwnership = { ours: { accessKeyId: 'AKIANEW', foundByTime: false }, foreign: [] };

  it('keeps a key Secrets Manager already holds and journals its store, deleting nothing', () => {
    const got = planOrphanRecovery(orphan({ store }), 'run-1', candidate, new Set(['AKIANEW']));
    expect(got.adopted).toEqual({ accessKeyId: 'AKIANEW', store });
    expect(got.cleanups).toEqual([]);
  });

  it('deletes a key whose secret was never stored', () => {
    const got = planOrphanRecovery(orphan({ store }), 'run-1', candidate, new Set());
    expect(got.adopted).toBeNull();
    expect(got.cleanups.map((c) => [c.type, c.accessKeyId])).toEqual([['cleanup-key', 'AKIANEW']]);
    expect(got.cleanups[0]?.reason).toContain('run-1 stopped before its secret was stored');
  });

  it('adopts nothing when the run never started the store, even if a version exists', () => {
    const got = planOrphanRecovery(orphan(), 'run-1', candidate, new Set(['AKIANEW']));
    expect(got.adopted).toBeNull();
    expect(got.cleanups).toHaveLength(1);
  });

  it('leaves a foreign key alone, reports it and tells the owner, and still cleans up its own', () => {
    // Prepare
    const ownership: KeyOwnership = {
      ours: { accessKeyId: 'AKIAONE', foundByTime: true },
      foreign: [{ accessKeyId: 'AKIATWO', createDate: at(END * 3) }],
    };

    // Act
    const got = planOrphanRecovery(orphan({ store }), 'run-1', ownership, new Set());

    // Assess
    expect(got.cleanups.map((c) => [c.accessKeyId, c.requireNeverUsed])).toEqual([['AKIAONE', true]]);
    expect(got.foreign.map((k) => k.accessKeyId)).toEqual(['AKIATWO']);
    expect(got.notices).toMatchObject([
      { type: 'notify', stage: 'blocked', accessKeyId: 'AKIATWO', recipient: 'alice@example.com' },
    ]);
  });
});

describe("settleLostCreate: a create-key whose call's answer did not come", () => {
  const create: CreateKeyAction = {
    id: store.createKeyActionId,
    chainId: store.chainId,
    accountId: '111122223333',
    userName: 'alice',
    stage: 'rotate',
    rule: 'KEY_ROTATION',
    reason: 'old key 100 days old',
    type: 'create-key',
    replacesAccessKeyId: 'AKIAOLD',
    secretName: 'keywarden/alice',
    expect: { status: 'Active', lastUsedDate: null, accessKeyCount: 1 },
    recipient: 'alice@example.com',
  };
  const FAILURE = 'TimeoutError: no answer';

  it.each([
    {
      name: 'its key, found in the window: cleaned up after this outcome, only if never used',
      refused: false,
      listed: [
        ['AKIAOLD', -86_400_000],
        ['AKIANEW', 10],
      ],
      storedElsewhere: [],
      cleanup: 'AKIANEW',
      foreign: [],
      says: 'IAM made AKIANEW although its answer was lost; nobody holds its secret, so it is removed if never used',
    },
    {
      name: 'no new key: nothing to clean up, nobody told',
      refused: false,
      listed: [['AKIAOLD', -86_400_000]],
      storedElsewhere: [],
      cleanup: null,
      foreign: [],
      says: 'no key made by this call was found',
    },
    {
      name: "refused: no key was made, so a new one is someone else's",
      refused: true,
      listed: [
        ['AKIAOLD', -86_400_000],
        ['AKIAOTHER', 10],
      ],
      storedElsewhere: [],
      cleanup: null,
      foreign: ['AKIAOTHER'],
      says: 'the rotation of AKIAOLD is blocked and the owner is told',
    },
    {
      name: 'a key Secrets Manager already holds was stored by another run: foreign, never cleaned up',
      refused: false,
      listed: [
        ['AKIAOLD', -86_400_000],
        ['AKIASTORED', 10],
      ],
      storedElsewhere: ['AKIASTORED'],
      cleanup: null,
      foreign: ['AKIASTORED'],
      says: 'access key AKIASTORED (created',
    },
    {
      name: 'two keys in the window: neither is taken; both owners told',
      refused: false,
      listed: [
        ['AKIAONE', 10],
        ['AKIATWO', 20],
      ],
      storedElsewhere: [],
      cleanup: null,
      foreign: ['AKIAONE', 'AKIATWO'],
      says: 'the rotation of AKIAOLD is blocked',
    },
  ] as const)('$name', ({ refused, listed, storedElsewhere, cleanup, foreign, says }) => {
    // Act
    const got = settleLostCreate(
      create,
      { failure: FAILURE, refused, window: { from: at(0), to: at(END) } },
      { listed: listedAt(listed), before: new Set(['AKIAOLD']), storedElsewhere: new Set(storedElsewhere) },
    );

    // Assess
    expect(got.reason.startsWith(`${FAILURE}; `)).toBe(true);
    expect(got.reason).toContain(says);
    expect(got.cleanup === null ? null : [got.cleanup.accessKeyId, got.cleanup.requireNeverUsed]).toEqual(
      cleanup === null ? null : [cleanup, true],
    );
    expect(got.foreign.map((k) => k.accessKeyId)).toEqual(foreign);
    expect(got.notices.map((n) => [n.stage, n.accessKeyId, n.recipient])).toEqual(
      foreign.map((id) => ['blocked', id, 'alice@example.com']),
    );
  });

  it('names the create-key it cleans up after, under its stage', () => {
    // Act
    const got = settleLostCreate(
      create,
      { failure: FAILURE, refused: false, window: { from: at(0), to: at(END) } },
      { listed: listedAt([['AKIANEW', 10]]), before: new Set(['AKIAOLD']), storedElsewhere: new Set() },
    );

    // Assess
    expect(got.cleanup).toMatchObject({
      id: '111122223333/alice/AKIANEW/cleanup-key/rotate',
      createKeyActionId: create.id,
    });
    expect(got.cleanup?.reason).toContain("its call's answer was lost");
  });
});
