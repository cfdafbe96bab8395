import { describe, expect, it } from 'vitest';
import type { RuleVerdict, Violation } from '../../src/core/rules/types.js';
import { unusedCredentials } from '../../src/core/rules/unused-credentials.js';
import { daysAgo, key, NOW, policy, user } from './builders.js';

const defaults = policy();

function violations(result: RuleVerdict): readonly Violation[] {
  if (result.kind !== 'evaluated') throw new Error(`expected evaluated, got ${result.kind}`);
  return result.violations;
}

describe('UNUSED_CREDENTIALS', () => {
  describe('access keys', () => {
    it.each([
      { name: 'last used 89 days ago is compliant', lastUsed: 89, created: 400, flagged: false },
      { name: 'last used 90 days ago is unused', lastUsed: 90, created: 400, flagged: true },
      { name: 'never used, created 89 days ago is compliant', lastUsed: null, created: 89, flagged: false },
      { name: 'never used, created 90 days ago is unused', lastUsed: null, created: 90, flagged: true },
    ])('$name', ({ lastUsed, created, flagged }) => {
      // Prepare
      const alice = user({
        accessKeys: [
          key({ createDate: daysAgo(created), lastUsedDate: lastUsed === null ? null : daysAgo(lastUsed) }),
        ],
      });
      // Act
      const found = violations(unusedCredentials.evaluateUser(alice, defaults.rules.UNUSED_CREDENTIALS, NOW));
      // Assess
      expect(found.length).toBe(flagged ? 1 : 0);
    });

    it('ignores inactive keys', () => {
      const alice = user({
        loginProfile: { createDate: daysAgo(5) },
        accessKeys: [key({ status: 'Inactive', createDate: daysAgo(500), lastUsedDate: null })],
      });
      expect(
        violations(unusedCredentials.evaluateUser(alice, defaults.rules.UNUSED_CREDENTIALS, NOW)),
      ).toEqual([]);
    });

    it('describes a never-used key by its creation', () => {
      const alice = user({
        accessKeys: [key({ accessKeyId: 'AKIAIDLE', createDate: daysAgo(120), lastUsedDate: null })],
      });
      const [v] = violations(unusedCredentials.evaluateUser(alice, defaults.rules.UNUSED_CREDENTIALS, NOW));
      expect(v?.text).toBe(
        'Active access key AKIAIDLE has never been used and was created 120 days ago (limit 90)',
      );
      expect(v?.lastUsedDaysAgo).toBeNull();
    });
  });

  describe('console password', () => {
    it.each([
      { name: 'used 89 days ago is compliant', lastUsed: 89, created: 400, flagged: false },
      { name: 'used 90 days ago is unused', lastUsed: 90, created: 400, flagged: true },
      {
        name: 'never used, profile created 89 days ago is compliant',
        lastUsed: null,
        created: 89,
        flagged: false,
      },
      {
        name: 'never used, profile created 90 days ago is unused',
        lastUsed: null,
        created: 90,
        flagged: true,
      },
    ])('$name', ({ lastUsed, created, flagged }) => {
      // Prepare
      const alice = user({
        loginProfile: { createDate: daysAgo(created) },
        passwordLastUsed: lastUsed === null ? null : daysAgo(lastUsed),
      });
      // Act
      const found = violations(unusedCredentials.evaluateUser(alice, defaults.rules.UNUSED_CREDENTIALS, NOW));
      // Assess
      expect(found.map((v) => v.credential)).toEqual(flagged ? ['password'] : []);
    });

    it('ignores a PasswordLastUsed left over after the login profile was deleted', () => {
      const alice = user({
        loginProfile: null,
        passwordLastUsed: daysAgo(300),
        accessKeys: [key({ lastUsedDate: daysAgo(1) })],
      });
      expect(
        violations(unusedCredentials.evaluateUser(alice, defaults.rules.UNUSED_CREDENTIALS, NOW)),
      ).toEqual([]);
    });
  });

  it('reports each unused credential separately', () => {
    const alice = user({
      loginProfile: { createDate: daysAgo(200) },
      passwordLastUsed: daysAgo(100),
      accessKeys: [
        key({ lastUsedDate: daysAgo(95) }),
        key({ slot: 2, accessKeyId: 'AKIA2', lastUsedDate: daysAgo(91) }),
      ],
    });
    const found = violations(unusedCredentials.evaluateUser(alice, defaults.rules.UNUSED_CREDENTIALS, NOW));
    expect(found.map((v) => [v.credential, v.lastUsedDaysAgo])).toEqual([
      ['access-key', 95],
      ['access-key', 91],
      ['password', 100],
    ]);
  });

  it('honours unusedDays (45)', () => {
    const p = policy({ rules: { UNUSED_CREDENTIALS: { unusedDays: 45 } } });
    const at = (days: number) =>
      user({ accessKeys: [key({ createDate: daysAgo(400), lastUsedDate: daysAgo(days) })] });
    expect(violations(unusedCredentials.evaluateUser(at(44), p.rules.UNUSED_CREDENTIALS, NOW))).toHaveLength(
      0,
    );
    expect(violations(unusedCredentials.evaluateUser(at(45), p.rules.UNUSED_CREDENTIALS, NOW))).toHaveLength(
      1,
    );
  });

  it.each([
    { name: 'no keys and no login profile', keys: [] },
    { name: 'only inactive keys', keys: [key({ status: 'Inactive' })] },
  ])('is not applicable with $name', ({ keys }) => {
    const result = unusedCredentials.evaluateUser(
      user({ accessKeys: keys, passwordLastUsed: daysAgo(300) }),
      defaults.rules.UNUSED_CREDENTIALS,
      NOW,
    );
    expect(result.kind).toBe('not-applicable');
  });
});
