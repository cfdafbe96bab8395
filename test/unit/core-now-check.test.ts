import { describe, expect, it } from 'vitest';
import type { AccountInventory } from '../../src/core/model.js';
import { nowBeforeData } from '../../src/core/now-check.js';
import { inventory, key, NOW, root, user } from './builders.js';

const HOUR = 3_600_000;
const at = (msAfterNow: number) => new Date(NOW.getTime() + msAfterNow);

describe('nowBeforeData', () => {
  it('is null when nothing in the inventory is later than now', () => {
    expect(nowBeforeData(inventory({ users: [user({ accessKeys: [key()] })] }), NOW)).toBeNull();
  });

  it.each([
    { offsetMs: 0, expected: null },
    { offsetMs: 1, expected: 1 },
  ])('the credential report generated $offsetMs ms after now → $expected', ({ offsetMs, expected }) => {
    const found = nowBeforeData(inventory({ reportGeneratedAt: at(offsetMs) }), NOW);
    expect(found?.aheadMs ?? null).toBe(expected);
  });

  it.each<[string, AccountInventory, string]>([
    ['the report', inventory({ reportGeneratedAt: at(5 * HOUR) }), 'the credential report was generated'],
    [
      'a key created',
      inventory({ users: [user({ accessKeys: [key({ createDate: at(5 * HOUR), lastUsedDate: null })] })] }),
      'access key AKIAAAAAAAAAAAAAAAA1 of alice was created',
    ],
    [
      'a key used',
      inventory({ users: [user({ accessKeys: [key({ lastUsedDate: at(5 * HOUR) })] })] }),
      'access key AKIAAAAAAAAAAAAAAAA1 of alice was last used',
    ],
    [
      'a key without an id',
      inventory({
        users: [user({ accessKeys: [key({ accessKeyId: null, slot: 2, lastUsedDate: at(5 * HOUR) })] })],
      }),
      'access key 2 of alice was last used',
    ],
    [
      'a password used',
      inventory({ users: [user({ loginProfile: { createDate: NOW }, passwordLastUsed: at(5 * HOUR) })] }),
      'the console password of alice was last used',
    ],
    [
      'a login profile created',
      inventory({ users: [user({ loginProfile: { createDate: at(5 * HOUR) } })] }),
      'the console password of alice was created',
    ],
    ['a user created', inventory({ users: [user({ createDate: at(5 * HOUR) })] }), 'user alice was created'],
    [
      'a root key used',
      inventory({
        root: root({ accessKeys: [{ slot: 1, active: true, lastRotated: NOW, lastUsedDate: at(5 * HOUR) }] }),
      }),
      'root access key 1 was last used',
    ],
  ])('names the newest moment: %s', (_name, inv, what) => {
    // Prepare: the report (2 h before NOW by default) is older than the moment under test
    const now = at(-HOUR);
    // Act
    const found = nowBeforeData(inv, now);
    // Assess
    expect(found).toEqual({ aheadMs: 6 * HOUR, at: at(5 * HOUR).toISOString(), what });
  });

  it('in live mode (no report) looks at the credentials alone', () => {
    const inv = inventory({
      source: 'live',
      reportGeneratedAt: null,
      users: [user({ accessKeys: [key({ lastUsedDate: at(HOUR) })] })],
    });
    expect(nowBeforeData(inv, NOW)?.aheadMs).toBe(HOUR);
  });
});
