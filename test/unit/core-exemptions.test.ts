import { describe, expect, it } from 'vitest';
import { findExemption, tagExemptionWarning } from '../../src/core/exemptions.js';
import type { RuleId } from '../../src/core/rules/registry.js';
import { RULES_BY_ID } from '../../src/core/rules/registry.js';
import { inventory, NOW, policy, user } from './builders.js';

describe('findExemption', () => {
  it.each([
    { name: 'exact user name', pattern: 'alice', userName: 'alice', kind: 'exempt' },
    {
      name: 'exact name, other case (IAM names are case-insensitive)',
      pattern: 'Alice',
      userName: 'alice',
      kind: 'exempt',
    },
    { name: 'glob match', pattern: 'breakglass-*', userName: 'breakglass-admin', kind: 'exempt' },
    { name: 'glob miss', pattern: 'breakglass-*', userName: 'alice', kind: 'none' },
    { name: 'glob with a dot in the name', pattern: 'svc.*', userName: 'svc.build', kind: 'exempt' },
    { name: 'exact name is not a prefix', pattern: 'ali', userName: 'alice', kind: 'none' },
  ])('user exemption: $name', ({ pattern, userName, kind }) => {
    // Prepare
    const p = policy({ exemptions: { users: [{ name: pattern, reason: 'break-glass admin' }] } });
    // Act
    const match = findExemption(user({ userName }), RULES_BY_ID.KEY_ROTATION, p, inventory(), NOW);
    // Assess
    expect(match.kind).toBe(kind);
  });

  it.each([
    { name: 'prefix matches a nested path', userPath: '/service-accounts/ci/', kind: 'exempt' },
    { name: 'exact path', userPath: '/service-accounts/', kind: 'exempt' },
    { name: 'similar path is not a match', userPath: '/service-accounts-old/', kind: 'none' },
    { name: 'root path', userPath: '/', kind: 'none' },
  ])('path exemption: $name', ({ userPath, kind }) => {
    const p = policy({ exemptions: { paths: [{ path: '/service-accounts/', reason: 'platform team' }] } });
    const match = findExemption(user({ path: userPath }), RULES_BY_ID.KEY_ROTATION, p, inventory(), NOW);
    expect(match.kind).toBe(kind);
  });

  it.each([
    { groups: ['developers', 'keywarden-exempt'], kind: 'exempt' },
    { groups: ['developers'], kind: 'none' },
    { groups: [], kind: 'none' },
  ])('group exemption with groups $groups', ({ groups, kind }) => {
    const p = policy({ exemptions: { groups: [{ group: 'keywarden-exempt', reason: 'SEC-1234' }] } });
    const match = findExemption(user({ groups }), RULES_BY_ID.UNUSED_CREDENTIALS, p, inventory(), NOW);
    expect(match.kind).toBe(kind);
  });

  it.each([
    { value: 'true', expected: { kind: 'exempt', reason: 'vendor integration', until: null } },
    { value: 'TRUE', expected: { kind: 'exempt', reason: 'vendor integration', until: null } },
    { value: '2026-12-31', expected: { kind: 'exempt', reason: 'vendor integration', until: '2026-12-31' } },
    { value: '2026-11-21', expected: { kind: 'expired', reason: 'vendor integration', until: '2026-11-21' } },
    { value: 'yes', expected: { kind: 'none' } },
  ])('tag keywarden:exempt=$value', ({ value, expected }) => {
    // Prepare
    const alice = user({
      tags: { 'keywarden:exempt': value, 'keywarden:exempt-reason': 'vendor integration' },
    });
    // Act
    const match = findExemption(alice, RULES_BY_ID.KEY_ROTATION, policy(), inventory(), NOW);
    // Assess
    expect(match).toMatchObject(expected);
  });

  it('uses a default reason when the reason tag is missing', () => {
    const match = findExemption(
      user({ tags: { 'keywarden:exempt': 'true' } }),
      RULES_BY_ID.KEY_ROTATION,
      policy(),
      inventory(),
      NOW,
    );
    expect(match).toMatchObject({ kind: 'exempt', reason: 'tagged keywarden:exempt' });
  });

  it('ignores the tag when tag exemptions are disabled', () => {
    const p = policy({ exemptions: { tag: { enabled: false } } });
    const match = findExemption(
      user({ tags: { 'keywarden:exempt': 'true' } }),
      RULES_BY_ID.KEY_ROTATION,
      p,
      inventory(),
      NOW,
    );
    expect(match.kind).toBe('none');
  });

  it.each([
    { name: 'through the until day (last second)', now: '2027-06-30T23:59:59Z', kind: 'exempt' },
    { name: 'the day after until', now: '2027-07-01T00:00:00Z', kind: 'expired' },
  ])('until is inclusive: $name', ({ now, kind }) => {
    const p = policy({
      exemptions: { users: [{ name: 'alice', reason: 'migration', until: '2027-06-30' }] },
    });
    const match = findExemption(user(), RULES_BY_ID.KEY_ROTATION, p, inventory(), new Date(now));
    expect(match.kind).toBe(kind);
  });

  it.each<{ rule: RuleId; kind: string }>([
    { rule: 'KEY_ROTATION', kind: 'exempt' },
    { rule: 'UNUSED_CREDENTIALS', kind: 'none' },
  ])('a rules list limits coverage: $rule', ({ rule, kind }) => {
    const p = policy({ exemptions: { users: [{ name: 'alice', reason: 'r', rules: ['KEY_ROTATION'] }] } });
    expect(findExemption(user(), RULES_BY_ID[rule], p, inventory(), NOW).kind).toBe(kind);
  });

  it('prefers an active exemption over an expired one that matched first', () => {
    // Prepare
    const p = policy({
      exemptions: {
        users: [{ name: 'alice', reason: 'old ticket', until: '2026-01-31' }],
        groups: [{ group: 'ops', reason: 'new ticket' }],
      },
    });
    // Act
    const match = findExemption(user({ groups: ['ops'] }), RULES_BY_ID.KEY_ROTATION, p, inventory(), NOW);
    // Assess
    expect(match).toMatchObject({ kind: 'exempt', reason: 'new ticket', source: 'exemptions.groups[0]' });
  });

  it('reports an expired exemption when nothing active matches', () => {
    const p = policy({
      exemptions: { users: [{ name: 'alice', reason: 'old ticket', until: '2026-01-31' }] },
    });
    expect(findExemption(user(), RULES_BY_ID.KEY_ROTATION, p, inventory(), NOW)).toEqual({
      kind: 'expired',
      reason: 'old ticket',
      until: '2026-01-31',
      source: 'exemptions.users[0]',
    });
  });

  it.each([
    { list: [' alice ', 'bob'], kind: 'exempt' },
    { list: ['bob', ''], kind: 'none' },
    { list: [], kind: 'none' },
  ])('SSM exclusion list $list', ({ list, kind }) => {
    const p = policy({ exemptions: { ssmParameter: { name: '/iam-unused-user-cleanup/excluded-users' } } });
    const match = findExemption(
      user(),
      RULES_BY_ID.UNUSED_CREDENTIALS,
      p,
      inventory({ ssmExcludedUsers: list }),
      NOW,
    );
    expect(match.kind).toBe(kind);
    if (match.kind === 'exempt')
      expect(match.reason).toBe('listed in SSM parameter /iam-unused-user-cleanup/excluded-users');
  });

  it('applies the SSM rules list', () => {
    const p = policy({
      exemptions: { ssmParameter: { name: '/x', reason: 'cleanup list', rules: ['UNUSED_CREDENTIALS'] } },
    });
    const inv = inventory({ ssmExcludedUsers: ['alice'] });
    expect(findExemption(user(), RULES_BY_ID.UNUSED_CREDENTIALS, p, inv, NOW).kind).toBe('exempt');
    expect(findExemption(user(), RULES_BY_ID.KEY_ROTATION, p, inv, NOW).kind).toBe('none');
  });

  it('never exempts root findings', () => {
    const p = policy({ exemptions: { users: [{ name: '*', reason: 'everyone' }] } });
    expect(findExemption(user(), RULES_BY_ID.ROOT_ACCESS_KEY, p, inventory(), NOW).kind).toBe('none');
  });
});

describe('tagExemptionWarning', () => {
  it.each<{ tags: Record<string, string>; warns: boolean }>([
    { tags: { 'keywarden:exempt': 'yes' }, warns: true },
    { tags: { 'keywarden:exempt': '2027-02-30' }, warns: true },
    { tags: { 'keywarden:exempt': 'true' }, warns: false },
    { tags: { 'keywarden:exempt': '2027-02-28' }, warns: false },
    { tags: {}, warns: false },
  ])('tags $tags', ({ tags, warns }) => {
    const warning = tagExemptionWarning(user({ tags }), policy());
    expect(warning !== null).toBe(warns);
    if (warning !== null) expect(warning).toContain('alice');
  });
});
