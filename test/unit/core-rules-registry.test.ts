import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/core/policy.js';
import { RULES, RULES_BY_ID } from '../../src/core/rules/registry.js';

describe('rule registry', () => {
  it('has exactly one rule per id, in RULE_IDS order', () => {
    expect(RULES.map((r) => r.id)).toEqual([...RULE_IDS]);
    for (const id of RULE_IDS) expect(RULES_BY_ID[id].id).toBe(id);
  });

  it.each([
    { id: 'ROOT_ACCESS_KEY', severity: 'high', kind: 'root' },
    { id: 'CONSOLE_WITHOUT_MFA', severity: 'high', kind: 'user' },
    { id: 'KEY_ROTATION', severity: 'medium', kind: 'user' },
    { id: 'UNUSED_CREDENTIALS', severity: 'medium', kind: 'user' },
    { id: 'MULTIPLE_ACTIVE_KEYS', severity: 'low', kind: 'user' },
  ] as const)('$id is $severity', ({ id, severity, kind }) => {
    expect(RULES_BY_ID[id]).toMatchObject({ severity, kind });
    expect(RULES_BY_ID[id].title).not.toBe('');
  });
});
