import { describe, expect, it } from 'vitest';
import { RULE_IDS, RULES, RULES_BY_ID } from '../../src/core/rules/registry.js';

describe('rule registry', () => {
  it('has exactly one rule per id, in RULE_IDS order', () => {
    expect(RULES.map((r) => r.id)).toEqual([...RULE_IDS]);
    for (const id of RULE_IDS) expect(RULES_BY_ID[id].id).toBe(id);
  });

  it.each([
    { id: 'ROOT_ACCESS_KEY', severity: 'critical', scope: 'account', neverExempt: true },
    { id: 'CONSOLE_WITHOUT_MFA', severity: 'high', scope: 'user', neverExempt: false },
    { id: 'KEY_ROTATION', severity: 'medium', scope: 'user', neverExempt: false },
    { id: 'UNUSED_CREDENTIALS', severity: 'medium', scope: 'user', neverExempt: false },
    { id: 'MULTIPLE_ACTIVE_KEYS', severity: 'low', scope: 'user', neverExempt: false },
  ] as const)('$id is $severity, $scope-level', ({ id, severity, scope, neverExempt }) => {
    expect(RULES_BY_ID[id]).toMatchObject({ severity, scope, neverExempt });
    expect(RULES_BY_ID[id].title).not.toBe('');
    expect(RULES_BY_ID[id].description).not.toBe('');
  });

  it('every default setting is valid under the rule own parameter schema', () => {
    for (const rule of RULES) {
      for (const [name, schema] of Object.entries(rule.params)) {
        expect(schema.safeParse((rule.defaults as Record<string, unknown>)[name]).success).toBe(true);
      }
    }
  });
});
