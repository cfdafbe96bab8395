import { describe, expect, it } from 'vitest';
import type { RotationInProgress } from '../../src/core/plan/types.js';
import { keyIdLookup, loginProfileLookup } from '../../src/core/report-lookups.js';
import { ACCOUNT_ID, daysAgo, key, NOW, policy, user } from './builders.js';

const NO_ROTATIONS = () => [];
const reportKey = (overrides: Parameters<typeof key>[0] = {}) => key({ accessKeyId: null, ...overrides });

describe('keyIdLookup', () => {
  const findings = keyIdLookup(policy(), NOW, 'findings', NO_ROTATIONS);
  const none = keyIdLookup(policy(), NOW, 'none', NO_ROTATIONS);

  it.each([
    { name: 'a key past maxKeyAgeDays', keys: [reportKey({ createDate: daysAgo(91) })], findings: true },
    {
      name: 'a key exactly maxKeyAgeDays old',
      keys: [reportKey({ createDate: daysAgo(90) })],
      findings: false,
    },
    {
      name: 'a key unused for unusedDays',
      keys: [reportKey({ createDate: daysAgo(90), lastUsedDate: daysAgo(90) })],
      findings: true,
    },
    {
      name: 'a key unused for a day less',
      keys: [reportKey({ createDate: daysAgo(89), lastUsedDate: daysAgo(89) })],
      findings: false,
    },
    {
      name: 'a never-used key created unusedDays ago',
      keys: [reportKey({ createDate: daysAgo(90), lastUsedDate: null })],
      findings: true,
    },
    {
      name: 'an old inactive key (no finding)',
      keys: [reportKey({ status: 'Inactive', createDate: daysAgo(300) })],
      findings: false,
    },
    {
      name: 'two young active keys (a user finding, not a key finding)',
      keys: [reportKey(), reportKey({ slot: 2, createDate: daysAgo(5) })],
      findings: false,
    },
    {
      name: 'an old key whose id is known already',
      keys: [key({ createDate: daysAgo(200) })],
      findings: false,
    },
    {
      name: 'an old key whose id cannot be known (same-second keys)',
      keys: [reportKey({ idAmbiguous: true, createDate: daysAgo(200) })],
      findings: false,
    },
  ])('$name: looked up with findings: $findings, never with none', (row) => {
    // Prepare
    const u = user({ accessKeys: row.keys });
    // Act / Assess
    expect(findings(u)).toBe(row.findings);
    expect(none(u)).toBe(false);
  });

  it('follows the policy: an exempt user is still looked up, a disabled rule is not asked', () => {
    // Prepare
    const old = user({ accessKeys: [reportKey({ createDate: daysAgo(100) })] });
    const exempt = policy({ exemptions: { users: [{ name: 'alice', reason: 'r' }] } });
    const noRotation = policy({ rules: { KEY_ROTATION: { enabled: false } } });
    // Act / Assess
    expect(keyIdLookup(exempt, NOW, 'findings', NO_ROTATIONS)(old)).toBe(true);
    expect(keyIdLookup(noRotation, NOW, 'findings', NO_ROTATIONS)(old)).toBe(false);
  });

  it("looks up a user in a Keywarden rotation (two active keys) in both modes, until the old key's deactivation", () => {
    // Prepare
    const rotation: RotationInProgress = {
      accountId: ACCOUNT_ID,
      userName: 'alice',
      oldAccessKeyId: 'AKIAOLD0000000000001',
      newAccessKeyId: 'AKIANEW0000000000001',
      runId: 'run-1',
      deactivateFrom: daysAgo(-14),
    };
    const rotating = user({ accessKeys: [reportKey(), reportKey({ slot: 2, createDate: daysAgo(1) })] });
    const oneKey = user({ accessKeys: [reportKey()] });
    const rotations = (account: string) => (account === ACCOUNT_ID ? [rotation] : []);
    // Act / Assess
    expect(keyIdLookup(policy(), NOW, 'none', rotations)(rotating)).toBe(true);
    expect(keyIdLookup(policy(), NOW, 'findings', rotations)(rotating)).toBe(true);
    expect(keyIdLookup(policy(), NOW, 'none', rotations)(oneKey)).toBe(false);
    expect(keyIdLookup(policy(), daysAgo(-14), 'none', rotations)(rotating)).toBe(false);
  });
});

describe('loginProfileLookup', () => {
  const verdicts = loginProfileLookup(policy(), NOW, 'verdicts');
  const plan = loginProfileLookup(policy(), NOW, 'plan');
  const consoleUser = (changedDaysAgo: number, lastUsed: Date | null) =>
    user({ loginProfile: { createDate: daysAgo(changedDaysAgo) }, passwordLastUsed: lastUsed });

  // The report bounds the profile's creation between the user's creation (400 days ago here) and
  // password_last_changed.
  it.each([
    {
      name: 'never used, changed 10 days ago: the verdict depends on the date',
      changed: 10,
      used: null,
      audit: true,
      plan: true,
    },
    {
      name: 'never used, changed 89 days ago: the verdict depends on the date',
      changed: 89,
      used: null,
      audit: true,
      plan: true,
    },
    {
      name: 'never used, changed 90 days ago: unused either way',
      changed: 90,
      used: null,
      audit: false,
      plan: true,
    },
    {
      name: 'used 100 days ago, changed 100 days ago: unused either way',
      changed: 100,
      used: daysAgo(100),
      audit: false,
      plan: true,
    },
    {
      name: 'used 5 days ago, changed 10 days ago: in use either way',
      changed: 10,
      used: daysAgo(5),
      audit: false,
      plan: false,
    },
    { name: 'never used, never changed', changed: 400, used: null, audit: false, plan: false },
  ])('$name: audit $audit, plan $plan', (row) => {
    // Prepare
    const u = consoleUser(row.changed, row.used);
    // Act / Assess
    expect(verdicts(u, daysAgo(400))).toBe(row.audit);
    expect(plan(u, daysAgo(400))).toBe(row.plan);
  });

  it('does not read the profile of a user created within the window, nor of one without a password', () => {
    // Prepare
    const young = user({ createDate: daysAgo(50), loginProfile: { createDate: daysAgo(10) } });
    const noPassword = user({ loginProfile: null });
    // Act / Assess
    expect(verdicts(young, daysAgo(50))).toBe(false);
    expect(plan(noPassword, daysAgo(400))).toBe(false);
  });

  it('asks the enabled rules only', () => {
    // Prepare
    const u = consoleUser(10, null);
    const mfaOnly = policy({
      rules: { UNUSED_CREDENTIALS: { enabled: false }, CONSOLE_WITHOUT_MFA: { enabled: true } },
    });
    // Act / Assess
    expect(loginProfileLookup(mfaOnly, NOW, 'verdicts')(u, daysAgo(400))).toBe(false);
    expect(loginProfileLookup(mfaOnly, NOW, 'plan')(u, daysAgo(400))).toBe(true);
  });
});
