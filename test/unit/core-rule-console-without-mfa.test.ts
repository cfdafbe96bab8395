import { describe, expect, it } from 'vitest';
import { consoleWithoutMfa } from '../../src/core/rules/console-without-mfa.js';
import { verdict } from '../support/rule-verdict.js';
import { daysAgo, NOW, policy, user } from './builders.js';

const p = policy({ rules: { CONSOLE_WITHOUT_MFA: { enabled: true } } });

describe('CONSOLE_WITHOUT_MFA', () => {
  it.each([
    { name: 'password with MFA is compliant', profile: true, mfa: true, expected: 'compliant' },
    { name: 'password without MFA is non-compliant', profile: true, mfa: false, expected: 'non-compliant' },
    { name: 'no password is not applicable', profile: false, mfa: false, expected: 'not-applicable' },
  ])('$name', ({ profile, mfa, expected }) => {
    // Prepare
    const alice = user({
      loginProfile: profile ? { createDate: daysAgo(30) } : null,
      passwordLastUsed: daysAgo(3),
      mfaActive: mfa,
    });
    // Act
    const result = consoleWithoutMfa.evaluateUser(alice, p.rules.CONSOLE_WITHOUT_MFA, NOW);
    // Assess
    expect(verdict(result)).toBe(expected);
  });

  it('reports the password with its age and last use', () => {
    const alice = user({ loginProfile: { createDate: daysAgo(30) }, passwordLastUsed: daysAgo(3) });
    const result = consoleWithoutMfa.evaluateUser(alice, p.rules.CONSOLE_WITHOUT_MFA, NOW);
    const v = result.kind === 'evaluated' ? result.violations[0] : undefined;
    expect([v?.credential, v?.ageDays, v?.lastUsedDaysAgo]).toEqual(['password', 30, 3]);
  });
});
