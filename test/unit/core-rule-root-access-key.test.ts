import { describe, expect, it } from 'vitest';
import { rootAccessKey } from '../../src/core/rules/root-access-key.js';
import { daysAgo, NOW, policy, root } from './builders.js';

const defaults = policy();

describe('ROOT_ACCESS_KEY', () => {
  it('is compliant without root keys', () => {
    expect(rootAccessKey.evaluateRoot(root(), defaults.rules.ROOT_ACCESS_KEY, NOW)).toEqual({
      kind: 'evaluated',
      violations: [],
    });
  });

  it('is compliant with only an inactive root key', () => {
    const r = root({
      accessKeys: [{ slot: 1, active: false, lastRotated: daysAgo(900), lastUsedDate: null }],
    });
    expect(rootAccessKey.evaluateRoot(r, defaults.rules.ROOT_ACCESS_KEY, NOW)).toEqual({
      kind: 'evaluated',
      violations: [],
    });
  });

  it('reports each active root key', () => {
    // Prepare
    const r = root({
      accessKeys: [
        { slot: 1, active: true, lastRotated: daysAgo(900), lastUsedDate: daysAgo(2) },
        { slot: 2, active: true, lastRotated: null, lastUsedDate: null },
      ],
    });
    // Act
    const result = rootAccessKey.evaluateRoot(r, defaults.rules.ROOT_ACCESS_KEY, NOW);
    // Assess
    const violations = result.kind === 'evaluated' ? result.violations : [];
    expect(violations.map((v) => [v.rootKeySlot, v.ageDays, v.lastUsedDaysAgo])).toEqual([
      [1, 900, 2],
      [2, null, null],
    ]);
    expect(violations[0]?.text).toBe('Root user has an active access key in slot 1 (last used 2 days ago)');
  });
});
