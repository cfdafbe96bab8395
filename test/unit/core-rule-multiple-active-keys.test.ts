import { describe, expect, it } from 'vitest';
import { multipleActiveKeys } from '../../src/core/rules/multiple-active-keys.js';
import { verdict } from '../support/rule-verdict.js';
import { key, NOW, policy, user } from './builders.js';

const defaults = policy();

describe('MULTIPLE_ACTIVE_KEYS', () => {
  it.each([
    { name: 'one active key is compliant', statuses: ['Active'] as const, expected: 'compliant' },
    {
      name: 'active + inactive is compliant',
      statuses: ['Active', 'Inactive'] as const,
      expected: 'compliant',
    },
    {
      name: 'two active keys is non-compliant',
      statuses: ['Active', 'Active'] as const,
      expected: 'non-compliant',
    },
    { name: 'no keys is not applicable', statuses: [] as const, expected: 'not-applicable' },
    {
      name: 'only inactive keys is not applicable',
      statuses: ['Inactive', 'Inactive'] as const,
      expected: 'not-applicable',
    },
  ])('$name', ({ statuses, expected }) => {
    // Prepare
    const alice = user({
      accessKeys: statuses.map((status, i) =>
        key({ status, slot: i === 0 ? 1 : 2, accessKeyId: `AKIA${i + 1}` }),
      ),
    });
    // Act
    const result = multipleActiveKeys.evaluateUser(alice, defaults.rules.MULTIPLE_ACTIVE_KEYS, NOW);
    // Assess
    expect(verdict(result)).toBe(expected);
  });

  it('produces one user-level violation naming both keys', () => {
    const alice = user({
      accessKeys: [key({ accessKeyId: 'AKIA1' }), key({ slot: 2, accessKeyId: 'AKIA2' })],
    });
    const result = multipleActiveKeys.evaluateUser(alice, defaults.rules.MULTIPLE_ACTIVE_KEYS, NOW);
    const violations = result.kind === 'evaluated' ? result.violations : [];
    expect(violations).toHaveLength(1);
    expect(violations[0]?.credential).toBe('user');
    expect(violations[0]?.text).toBe('User has 2 active access keys (AKIA1, AKIA2)');
  });
});
