import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import { inventoryNeeds } from '../../src/core/inventory-needs.js';
import { exposedAccessKey } from '../../src/core/rules/exposed-access-key.js';
import { verdict } from '../support/rule-verdict.js';
import { daysAgo, inventory, key, NOW, policy, user } from './builders.js';

const p = policy();
const AWS = 'arn:aws:iam::aws:policy/';

describe('EXPOSED_ACCESS_KEY', () => {
  it.each([
    {
      name: 'AWSCompromisedKeyQuarantine fires',
      attached: [`${AWS}AWSCompromisedKeyQuarantine`],
      expected: 'non-compliant',
    },
    { name: 'V2 fires', attached: [`${AWS}AWSCompromisedKeyQuarantineV2`], expected: 'non-compliant' },
    { name: 'V3 fires', attached: [`${AWS}AWSCompromisedKeyQuarantineV3`], expected: 'non-compliant' },
    { name: 'another managed policy does not', attached: [`${AWS}ReadOnlyAccess`], expected: 'compliant' },
    {
      name: 'a customer policy named like it does not',
      attached: ['arn:aws:iam::123456789012:policy/AWSCompromisedKeyQuarantineV2'],
      expected: 'compliant',
    },
    { name: 'no attached policy is compliant', attached: [], expected: 'compliant' },
    { name: 'no policy and no key is not applicable', attached: [], keys: 0, expected: 'not-applicable' },
    { name: 'an inactive key is still judged', attached: [], inactive: true, expected: 'compliant' },
    {
      name: 'the policy with no key left still fires',
      attached: [`${AWS}AWSCompromisedKeyQuarantineV2`],
      keys: 0,
      expected: 'non-compliant',
    },
  ])('$name', ({ attached, expected, keys = 1, inactive = false }) => {
    // Prepare
    const accessKeys =
      keys === 0 ? [] : [key({ accessKeyId: 'AKIAALICE', status: inactive ? 'Inactive' : 'Active' })];
    const alice = user({ attachedPolicyArns: attached, accessKeys });
    // Act
    const result = exposedAccessKey.evaluateUser(alice, p.rules.EXPOSED_ACCESS_KEY, NOW);
    // Assess
    expect(verdict(result)).toBe(expected);
  });

  it('reports each active key with its age and last use, naming the policy and who removes it', () => {
    const alice = user({
      attachedPolicyArns: [`${AWS}ReadOnlyAccess`, `${AWS}AWSCompromisedKeyQuarantineV2`],
      accessKeys: [
        key({ accessKeyId: 'AKIAONE', createDate: daysAgo(30), lastUsedDate: daysAgo(1) }),
        key({ slot: 2, accessKeyId: 'AKIATWO', createDate: daysAgo(5), lastUsedDate: null }),
        key({ accessKeyId: 'AKIAOFF', status: 'Inactive' }),
      ],
    });
    const result = exposedAccessKey.evaluateUser(alice, p.rules.EXPOSED_ACCESS_KEY, NOW);
    const violations = result.kind === 'evaluated' ? result.violations : [];
    expect(violations.map((v) => [v.credential, v.key?.accessKeyId, v.ageDays, v.lastUsedDaysAgo])).toEqual([
      ['access-key', 'AKIAONE', 30, 1],
      ['access-key', 'AKIATWO', 5, null],
    ]);
    expect(violations[0]?.text).toContain('Access key AKIAONE is active while AWS has quarantined the user');
    expect(violations[0]?.text).toContain('AWSCompromisedKeyQuarantineV2 attached');
    expect(violations[0]?.text).not.toContain('ReadOnlyAccess');
    expect(violations[0]?.text).toContain('Keywarden never removes that policy');
    expect(violations[0]?.text).toContain('https://repost.aws/');
  });

  it('reports the user once when no key is active any more', () => {
    const alice = user({
      attachedPolicyArns: [`${AWS}AWSCompromisedKeyQuarantineV3`],
      accessKeys: [key({ accessKeyId: 'AKIAOLD', status: 'Inactive' })],
    });
    const result = exposedAccessKey.evaluateUser(alice, p.rules.EXPOSED_ACCESS_KEY, NOW);
    const violations = result.kind === 'evaluated' ? result.violations : [];
    expect(violations.map((v) => v.credential)).toEqual(['user']);
    expect(violations[0]?.text).toContain('no access key of it is active');
  });

  it('is on by default, critical, and never exempt even when the user is', () => {
    // Prepare
    const exempting = policy({ exemptions: { users: [{ name: 'alice', reason: 'migration' }] } });
    const inv = inventory({ users: [user({ attachedPolicyArns: [`${AWS}AWSCompromisedKeyQuarantineV2`] })] });
    // Act
    const findings = evaluateAccount(inv, exempting, NOW);
    // Assess
    const finding =
      'findings' in findings ? findings.findings.find((f) => f.rule === 'EXPOSED_ACCESS_KEY') : undefined;
    expect(finding).toMatchObject({
      severity: 'critical',
      exempt: false,
      credential: 'user',
      userName: 'alice',
    });
  });

  it('makes live mode list attached policies only while enabled', () => {
    expect(inventoryNeeds(p)['attached-policies']).toBe(true);
    expect(
      inventoryNeeds(policy({ rules: { EXPOSED_ACCESS_KEY: { enabled: false } } }))['attached-policies'],
    ).toBe(false);
  });
});
