import { describe, expect, it } from 'vitest';
import {
  CLOCK_SKEW_MS,
  type OrphanedKey,
  orphanCandidates,
  planOrphanRecovery,
} from '../../src/core/plan/recovery.js';
import type { StoreSecretAction } from '../../src/core/plan/types.js';

const INTENT_AT = '2026-12-01T10:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(INTENT_AT) + offsetMs);

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
    createActionId: store.createKeyActionId,
    store: null,
    ...overrides,
  };
}

describe('orphanCandidates', () => {
  it.each([
    {
      name: 'the key id the journal recorded, whatever IAM lists',
      o: { accessKeyId: 'AKIANEW' },
      want: ['AKIANEW'],
    },
    { name: 'a key created after the intent', o: {}, listed: [['AKIANEW', 1000]], want: ['AKIANEW'] },
    {
      name: 'a key created within the clock skew before it',
      o: {},
      listed: [['AKIANEW', -CLOCK_SKEW_MS]],
      want: ['AKIANEW'],
    },
    {
      name: 'not a key created just beyond the skew',
      o: {},
      listed: [['AKIANEW', -CLOCK_SKEW_MS - 1]],
      want: [],
    },
    { name: 'not the key being replaced', o: {}, listed: [['AKIAOLD', 1000]], want: [] },
    { name: 'not a key another run recorded creating', o: {}, listed: [['AKIAKNOWN', 1000]], want: [] },
  ] as const)('$name', ({ o, listed, want }) => {
    const keys = (listed ?? []).map(([accessKeyId, offset]) => ({ accessKeyId, createDate: at(offset) }));
    const got = orphanCandidates(orphan(o), keys, new Set(['AKIAKNOWN']));
    expect(got.map((c) => c.accessKeyId)).toEqual(want);
  });
});

describe('planOrphanRecovery', () => {
  const candidate = { accessKeyId: 'AKIANEW', foundByTime: false };

  it('keeps a key Secrets Manager already holds and journals its store, deleting nothing', () => {
    const got = planOrphanRecovery(orphan({ store }), 'run-1', [candidate], new Set(['AKIANEW']));
    expect(got.adopted).toEqual({ accessKeyId: 'AKIANEW', store });
    expect(got.cleanups).toEqual([]);
  });

  it('deletes a key whose secret was never stored', () => {
    const got = planOrphanRecovery(orphan({ store }), 'run-1', [candidate], new Set());
    expect(got.adopted).toBeNull();
    expect(got.cleanups.map((c) => [c.type, c.accessKeyId])).toEqual([['cleanup-key', 'AKIANEW']]);
    expect(got.cleanups[0]?.reason).toContain('run-1 stopped before its secret was stored');
  });

  it('adopts nothing when the run never started the store, even if a version exists', () => {
    const got = planOrphanRecovery(orphan(), 'run-1', [candidate], new Set(['AKIANEW']));
    expect(got.adopted).toBeNull();
    expect(got.cleanups).toHaveLength(1);
  });

  it('keeps the stored key and deletes the other candidates found by time', () => {
    const byTime = [
      { accessKeyId: 'AKIAONE', foundByTime: true },
      { accessKeyId: 'AKIATWO', foundByTime: true },
    ];
    const got = planOrphanRecovery(orphan({ store }), 'run-1', byTime, new Set(['AKIATWO']));
    expect(got.adopted?.accessKeyId).toBe('AKIATWO');
    expect(got.cleanups.map((c) => c.accessKeyId)).toEqual(['AKIAONE']);
  });
});
