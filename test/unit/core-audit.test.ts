import { describe, expect, it } from 'vitest';
import { evaluateAccount } from '../../src/core/audit-account.js';
import type { AccountAuditOrError } from '../../src/core/audit-report.js';
import { buildAuditReport, hasFailure } from '../../src/core/audit-summary.js';
import type { AccountInventory } from '../../src/core/model.js';
import type { Policy } from '../../src/core/policy/types.js';
import { ACCOUNT_ID, daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';

const TOOL = { name: 'keywarden', version: '0.1.0' };

function report(inv: AccountInventory, p: Policy = policy(), extra: AccountAuditOrError[] = []) {
  return buildAuditReport([evaluateAccount(inv, p, NOW), ...extra], p, NOW, TOOL);
}

/** alice: one 120-day-old key; bob: fresh key; carol: no credentials; root with an active key. */
function sampleInventory(overrides: Partial<AccountInventory> = {}): AccountInventory {
  return inventory({
    users: [
      user({
        userName: 'alice',
        accessKeys: [key({ accessKeyId: 'AKIAALICE', createDate: daysAgo(120), lastUsedDate: daysAgo(2) })],
      }),
      user({
        userName: 'bob',
        accessKeys: [
          key({ accessKeyId: 'AKIABOB' }),
          key({ slot: 2, accessKeyId: 'AKIABOB2', status: 'Inactive' }),
        ],
      }),
      user({ userName: 'carol' }),
    ],
    root: root({ accessKeys: [{ slot: 1, active: true, lastRotated: daysAgo(700), lastUsedDate: null }] }),
    ...overrides,
  });
}

describe('compliance on findings', () => {
  const labels = (p: Policy, rule: string) =>
    report(sampleInventory(), p)
      .findings.find((f) => f.rule === rule)
      ?.compliance.filter((r) => r.standard === 'cis')
      .map((r) => r.label);

  it('names every CIS version by default, and the report no benchmark', () => {
    // Act
    const r = report(sampleInventory());
    // Assess
    expect(r.benchmark).toBeNull();
    expect(labels(policy(), 'KEY_ROTATION')).toEqual([
      'CIS AWS Foundations Benchmark v3.0.0/1.14',
      'CIS AWS Foundations Benchmark v1.4.0/1.14',
      'CIS AWS Foundations Benchmark v1.2.0/1.4',
    ]);
    expect(r.findings.find((f) => f.rule === 'ROOT_ACCESS_KEY')?.compliance.map((c) => c.control)).toContain(
      'IAM.4',
    );
  });

  it.each([
    { preset: 'cis', version: '3.0.0', control: '1.14' },
    { preset: 'cis-1.4.0', version: '1.4.0', control: '1.14' },
    { preset: 'cis-1.2.0', version: '1.2.0', control: '1.4' },
  ] as const)(
    '--preset $preset names only CIS v$version, and the report says so',
    ({ preset, version, control }) => {
      // Prepare
      const p = policy({ preset });
      // Act
      const r = report(sampleInventory(), p);
      // Assess
      expect(r.benchmark).toEqual({ name: 'CIS AWS Foundations Benchmark', version });
      expect(labels(p, 'KEY_ROTATION')).toEqual([`CIS AWS Foundations Benchmark v${version}/${control}`]);
      // The other standards stay.
      expect(r.findings.find((f) => f.rule === 'KEY_ROTATION')?.compliance.map((c) => c.control)).toContain(
        'IAM.3',
      );
    },
  );

  it('names no CIS control for a rule the version lacks (one active key in v1.2.0)', () => {
    // Prepare: two active keys, every rule on, CIS v1.2.0
    const p = policy({
      rules: { MULTIPLE_ACTIVE_KEYS: { enabled: true } },
      compliance: { cisVersion: '1.2.0' },
    });
    const inv = inventory({
      users: [
        user({
          userName: 'dave',
          accessKeys: [key({ accessKeyId: 'AKIAD1' }), key({ slot: 2, accessKeyId: 'AKIAD2' })],
        }),
      ],
    });
    // Act
    const finding = report(inv, p).findings.find((f) => f.rule === 'MULTIPLE_ACTIVE_KEYS');
    // Assess
    expect(finding?.compliance).toEqual([]);
  });
});

describe('buildAuditReport', () => {
  it('produces the documented top-level shape', () => {
    // Act
    const r = report(sampleInventory());
    // Assess
    expect(Object.keys(r)).toEqual([
      'schemaVersion',
      'tool',
      'evaluatedAt',
      'policy',
      'filter',
      'benchmark',
      'accounts',
      'findings',
      'evaluations',
      'summary',
      'warnings',
      'activeKeyAges',
    ]);
    expect(r.schemaVersion).toBe(2);
    expect(r.filter).toBeNull();
    expect(r.evaluatedAt).toBe('2026-11-22T12:00:00.000Z');
    expect(r.policy).toEqual({
      preset: null,
      enabledRules: [
        'KEY_ROTATION',
        'UNUSED_CREDENTIALS',
        'MULTIPLE_ACTIVE_KEYS',
        'ROOT_ACCESS_KEY',
        'EXPOSED_ACCESS_KEY',
      ],
      maxKeyAgeDays: 90,
      unusedDays: 90,
      rotation: { warnBeforeDays: 14, rotateAfterDays: 90, deactivateAfterDays: 104, deleteAfterDays: 118 },
    });
    expect(r.accounts).toEqual([
      {
        accountId: ACCOUNT_ID,
        status: 'ok',
        error: null,
        inventory: { source: 'credential-report', reportGeneratedAt: '2026-11-22T10:00:00.000Z' },
        // One account: its counts are the report's.
        summary: r.summary,
      },
    ]);
  });

  it('builds findings with stable ids, ages and messages', () => {
    const r = report(sampleInventory());
    const alice = r.findings.find((f) => f.userName === 'alice');
    expect(alice).toMatchObject({
      id: `${ACCOUNT_ID}/alice/KEY_ROTATION/AKIAALICE`,
      userArn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`,
      rule: 'KEY_ROTATION',
      credential: 'access-key',
      accessKeyId: 'AKIAALICE',
      accessKeySlot: 1,
      severity: 'medium',
      ageDays: 120,
      lastUsedDaysAgo: 2,
      exempt: false,
      exemptReason: null,
      exemptionExpired: null,
      message: 'Active access key AKIAALICE is 120 days old (max 90).',
    });
    const rootFinding = r.findings.find((f) => f.rule === 'ROOT_ACCESS_KEY');
    expect(rootFinding).toMatchObject({
      id: `${ACCOUNT_ID}/<root_account>/ROOT_ACCESS_KEY/key-slot-1`,
      userName: '<root_account>',
      accessKeyId: null,
      severity: 'critical',
      ageDays: 700,
    });
  });

  it('counts users, keys and findings in the summary', () => {
    const r = report(sampleInventory());
    expect(r.summary).toEqual({
      accounts: 1,
      accountErrors: 0,
      users: 3,
      accessKeys: 3,
      activeAccessKeys: 2,
      findings: 2,
      exempt: 0,
      inProgress: 0,
      open: 2,
      rotationLikely: 0,
      byRule: {
        KEY_ROTATION: { findings: 1, exempt: 0 },
        UNUSED_CREDENTIALS: { findings: 0, exempt: 0 },
        MULTIPLE_ACTIVE_KEYS: { findings: 0, exempt: 0 },
        ROOT_ACCESS_KEY: { findings: 1, exempt: 0 },
        EXPOSED_ACCESS_KEY: { findings: 0, exempt: 0 },
      },
    });
  });

  it('emits one evaluation per user and enabled rule, plus root', () => {
    // Act
    const r = report(sampleInventory());
    // Assess
    const verdicts = Object.fromEntries(r.evaluations.map((e) => [`${e.userName}:${e.rule}`, e.compliance]));
    expect(verdicts).toEqual({
      'alice:KEY_ROTATION': 'NON_COMPLIANT',
      'alice:UNUSED_CREDENTIALS': 'COMPLIANT',
      'alice:MULTIPLE_ACTIVE_KEYS': 'COMPLIANT',
      'bob:KEY_ROTATION': 'COMPLIANT',
      'bob:UNUSED_CREDENTIALS': 'COMPLIANT',
      'bob:MULTIPLE_ACTIVE_KEYS': 'COMPLIANT',
      'carol:KEY_ROTATION': 'NOT_APPLICABLE',
      'carol:UNUSED_CREDENTIALS': 'NOT_APPLICABLE',
      'carol:MULTIPLE_ACTIVE_KEYS': 'NOT_APPLICABLE',
      'alice:EXPOSED_ACCESS_KEY': 'COMPLIANT',
      'bob:EXPOSED_ACCESS_KEY': 'COMPLIANT',
      'carol:EXPOSED_ACCESS_KEY': 'NOT_APPLICABLE',
      '<root_account>:ROOT_ACCESS_KEY': 'NON_COMPLIANT',
    });
  });

  it('skips root when it is unknown and disabled rules entirely', () => {
    const p = policy({
      rules: {
        MULTIPLE_ACTIVE_KEYS: { enabled: false },
        UNUSED_CREDENTIALS: { enabled: false },
        EXPOSED_ACCESS_KEY: { enabled: false },
      },
    });
    const r = report(sampleInventory({ root: null }), p);
    expect(new Set(r.evaluations.map((e) => e.rule))).toEqual(new Set(['KEY_ROTATION']));
    expect(Object.keys(r.summary.byRule)).toEqual(['KEY_ROTATION', 'ROOT_ACCESS_KEY']);
  });

  it('marks exempt findings and turns the evaluation COMPLIANT with an annotation', () => {
    // Prepare
    const p = policy({
      exemptions: { users: [{ name: 'ali*', reason: 'break-glass admin', until: '2027-06-30' }] },
    });
    // Act
    const r = report(sampleInventory(), p);
    // Assess
    const finding = r.findings.find((f) => f.userName === 'alice');
    expect(finding).toMatchObject({
      exempt: true,
      exemptReason: 'break-glass admin',
      exemptUntil: '2027-06-30',
      exemptSource: 'exemptions.users[0]',
    });
    const evaluation = r.evaluations.find((e) => e.userName === 'alice' && e.rule === 'KEY_ROTATION');
    expect(evaluation?.compliance).toBe('COMPLIANT');
    expect(evaluation?.annotation).toBe('exempt: break-glass admin (exemptions.users[0], until 2027-06-30)');
    expect(r.summary).toMatchObject({ findings: 2, exempt: 1, open: 1 });
    expect(r.summary.byRule.KEY_ROTATION).toEqual({ findings: 1, exempt: 1 });
  });

  it('says in the message when an exemption expired', () => {
    const p = policy({
      exemptions: { users: [{ name: 'alice', reason: 'migration', until: '2026-10-31' }] },
    });
    const finding = report(sampleInventory(), p).findings.find((f) => f.userName === 'alice');
    expect(finding).toMatchObject({
      exempt: false,
      exemptionExpired: { reason: 'migration', until: '2026-10-31' },
      message:
        'Active access key AKIAALICE is 120 days old (max 90); exemption expired on 2026-10-31 (migration).',
    });
  });

  it('never exempts root findings', () => {
    const p = policy({ exemptions: { users: [{ name: '*', reason: 'everyone' }] } });
    const rootFinding = report(sampleInventory(), p).findings.find((f) => f.rule === 'ROOT_ACCESS_KEY');
    expect(rootFinding?.exempt).toBe(false);
  });

  it('sorts findings worst first, then account, user, rule, credential', () => {
    // Prepare
    const p = policy({ rules: { CONSOLE_WITHOUT_MFA: { enabled: true } } });
    const old = { createDate: daysAgo(200), lastUsedDate: daysAgo(100) };
    const inv = inventory({
      users: [
        user({ userName: 'zed', accessKeys: [key({ accessKeyId: 'AKIAZ', ...old })] }),
        user({
          userName: 'amy',
          loginProfile: { createDate: daysAgo(200) },
          passwordLastUsed: daysAgo(100),
          accessKeys: [
            key({ accessKeyId: 'AKIAA1', ...old }),
            key({ slot: 2, accessKeyId: 'AKIAA2', ...old }),
          ],
        }),
      ],
    });
    const other = evaluateAccount(
      inventory({
        accountId: '000000000001',
        users: [user({ accountId: '000000000001', userName: 'zed', accessKeys: [key(old)] })],
      }),
      p,
      NOW,
    );
    // Act
    const r = report(inv, p, [other]);
    // Assess
    expect(
      r.findings.map((f) => `${f.severity} ${f.accountId.slice(-1)} ${f.userName} ${f.rule} ${f.credential}`),
    ).toEqual([
      'high 2 amy CONSOLE_WITHOUT_MFA password',
      'medium 1 zed KEY_ROTATION access-key',
      'medium 1 zed UNUSED_CREDENTIALS access-key',
      'medium 2 amy KEY_ROTATION access-key',
      'medium 2 amy KEY_ROTATION access-key',
      'medium 2 amy UNUSED_CREDENTIALS access-key',
      'medium 2 amy UNUSED_CREDENTIALS access-key',
      'medium 2 amy UNUSED_CREDENTIALS password',
      'medium 2 zed KEY_ROTATION access-key',
      'medium 2 zed UNUSED_CREDENTIALS access-key',
      'low 2 amy MULTIPLE_ACTIVE_KEYS user',
    ]);
  });

  it('keeps failed accounts with status error', () => {
    const r = report(sampleInventory(), policy(), [
      { kind: 'error', accountId: '999999999999', error: 'AccessDenied: sts:AssumeRole' },
    ]);
    expect(r.accounts[1]).toEqual({
      accountId: '999999999999',
      status: 'error',
      error: 'AccessDenied: sts:AssumeRole',
      inventory: null,
      summary: null,
    });
    expect(r.summary.accountErrors).toBe(1);
  });

  it('leaves exemptUntil and exemptSource null on findings that are not exempt', () => {
    const alice = report(sampleInventory()).findings.find((f) => f.userName === 'alice');
    expect(alice).toMatchObject({ exempt: false, exemptUntil: null, exemptSource: null });
  });

  it('counts active user keys by age in days, inactive and root keys left out', () => {
    // Prepare: ages 0 (a second old, and one dated in the future), 89.99, 90, 90 and an inactive 300
    const justUnder90 = new Date(daysAgo(90).getTime() + 1000);
    const inv = inventory({
      users: [
        user({ userName: 'a', accessKeys: [key({ createDate: new Date(NOW.getTime() - 1000) })] }),
        user({ userName: 'b', accessKeys: [key({ createDate: new Date(NOW.getTime() + 60_000) })] }),
        user({
          userName: 'c',
          accessKeys: [key({ createDate: justUnder90 }), key({ slot: 2, createDate: daysAgo(90) })],
        }),
        user({
          userName: 'd',
          accessKeys: [
            key({ createDate: daysAgo(90) }),
            key({ slot: 2, status: 'Inactive', createDate: daysAgo(300) }),
          ],
        }),
      ],
    });
    // Act
    const r = report(inv);
    // Assess
    expect(r.activeKeyAges).toEqual([
      { ageDays: 0, keys: 2 },
      { ageDays: 89, keys: 1 },
      { ageDays: 90, keys: 2 },
    ]);
    expect(r.activeKeyAges.reduce((n, c) => n + c.keys, 0)).toBe(r.summary.activeAccessKeys);
  });

  it('adds up the key ages of every account and skips failed ones', () => {
    // Prepare
    const other = evaluateAccount(
      inventory({
        accountId: '000000000001',
        users: [user({ accountId: '000000000001', accessKeys: [key({ createDate: daysAgo(120) })] })],
      }),
      policy(),
      NOW,
    );
    // Act
    const r = report(sampleInventory(), policy(), [
      other,
      { kind: 'error', accountId: '999999999999', error: 'AccessDenied' },
    ]);
    // Assess: sampleInventory has active keys of 120 and 10 days
    expect(r.activeKeyAges).toEqual([
      { ageDays: 10, keys: 1 },
      { ageDays: 120, keys: 2 },
    ]);
  });

  it('collects warnings for unusable exemption tags', () => {
    const inv = inventory({ users: [user({ tags: { 'keywarden:exempt': 'yes' } })] });
    expect(report(inv).warnings).toHaveLength(1);
  });
});

describe('keys without a known id', () => {
  it('names a report key by slot and creation time, and an ambiguous one by slot only', () => {
    // Prepare
    const inv = inventory({
      users: [
        user({
          userName: 'alice',
          accessKeys: [key({ accessKeyId: null, slot: 2, createDate: daysAgo(120) })],
        }),
        user({
          userName: 'bob',
          accessKeys: [key({ accessKeyId: null, idAmbiguous: true, createDate: daysAgo(120) })],
        }),
        user({ userName: 'carol', accessKeys: [key({ accessKeyId: null })] }),
      ],
    });
    // Act
    const audit = evaluateAccount(inv, policy(), NOW);
    // Assess
    expect(audit.findings.map((f) => f.id)).toEqual([
      `${ACCOUNT_ID}/alice/KEY_ROTATION/key-slot-2-2026-07-25T12:00:00Z`,
      `${ACCOUNT_ID}/bob/KEY_ROTATION/key-slot-1`,
    ]);
    expect(audit.findings[0]).toMatchObject({
      accessKeyId: null,
      accessKeySlot: 2,
      accessKeyCreateDate: '2026-07-25T12:00:00.000Z',
      message: 'Active access key 2 (created 2026-07-25) is 120 days old (max 90).',
    });
    expect(audit.findings[1]?.message).toContain(
      'could not be determined because two keys share a creation time',
    );
    expect(audit.findings[1]?.accessKeyIdAmbiguous).toBe(true);
    expect(audit.findings[1]?.message).toMatch(/^Active access key in slot 1 is 120 days old/);
  });
});

describe('hasFailure', () => {
  const p = policy({ exemptions: { users: [{ name: 'alice', reason: 'r' }] } });

  it.each([
    { name: 'open medium finding', inv: sampleInventory({ root: null }), failOn: 'any', expected: true },
    { name: 'open medium finding', inv: sampleInventory({ root: null }), failOn: 'low', expected: true },
    { name: 'open medium finding', inv: sampleInventory({ root: null }), failOn: 'medium', expected: true },
    { name: 'open medium finding', inv: sampleInventory({ root: null }), failOn: 'high', expected: false },
    {
      name: 'open medium finding',
      inv: sampleInventory({ root: null }),
      failOn: 'critical',
      expected: false,
    },
    { name: 'open critical finding', inv: sampleInventory(), failOn: 'critical', expected: true },
    { name: 'open critical finding', inv: sampleInventory(), failOn: 'high', expected: true },
    { name: 'open critical finding', inv: sampleInventory(), failOn: 'none', expected: false },
    {
      name: 'only exempt findings',
      inv: sampleInventory({ root: null }),
      failOn: 'any',
      expected: false,
      policy: p,
    },
    { name: 'no findings', inv: inventory(), failOn: 'any', expected: false },
  ] as const)('$name with --fail-on $failOn', (row) => {
    const r = report(row.inv, 'policy' in row ? row.policy : policy());
    expect(hasFailure(r, row.failOn)).toBe(row.expected);
  });
});

describe('a rotation Keywarden has in progress', () => {
  const OLD = 'AKIAOLDKEY';
  const NEW = 'AKIANEWKEY';
  const rotating = () =>
    inventory({
      users: [
        user({
          userName: 'svc',
          accessKeys: [
            key({ accessKeyId: OLD, createDate: daysAgo(95), lastUsedDate: daysAgo(1) }),
            key({ accessKeyId: NEW, slot: 2, createDate: daysAgo(3), lastUsedDate: daysAgo(1) }),
          ],
        }),
      ],
    });
  const rotation = (deactivateInDays: number) => ({
    accountId: ACCOUNT_ID,
    userName: 'svc',
    oldAccessKeyId: OLD,
    newAccessKeyId: NEW,
    runId: '2026-11-19T12-00-00Z-aaaaaa',
    deactivateFrom: new Date(NOW.getTime() + deactivateInDays * 86_400_000),
  });
  const audit = (deactivateInDays: number | null) =>
    buildAuditReport(
      [
        evaluateAccount(rotating(), policy(), NOW, {
          rotationsInProgress: deactivateInDays === null ? [] : [rotation(deactivateInDays)],
        }),
      ],
      policy(),
      NOW,
      { name: 'keywarden', version: 'test' },
    );

  it("annotates the two active keys and the old key's age, and does not count them as open", () => {
    const r = audit(11);
    expect(r.findings.map((f) => `${f.rule}:${f.rotationInProgress?.runId ?? '-'}`).sort()).toEqual([
      'KEY_ROTATION:2026-11-19T12-00-00Z-aaaaaa',
      'MULTIPLE_ACTIVE_KEYS:2026-11-19T12-00-00Z-aaaaaa',
    ]);
    expect(r.summary).toMatchObject({ findings: 2, inProgress: 2, open: 0 });
    expect(hasFailure(r, 'any')).toBe(false);
    const multiple = r.evaluations.find((e) => e.rule === 'MULTIPLE_ACTIVE_KEYS');
    expect(multiple).toMatchObject({ compliance: 'COMPLIANT' });
    expect(multiple?.annotation).toMatch(
      /^rotation in progress \(run 2026-11-19T12-00-00Z-aaaaaa\): AKIAOLDKEY is being replaced by AKIANEWKEY, deactivated from 2026-12-03$/,
    );
  });

  it('counts them as open again once the old key is due for deactivation', () => {
    const r = audit(0);
    expect(r.findings.every((f) => f.rotationInProgress === null)).toBe(true);
    expect(r.summary).toMatchObject({ inProgress: 0, open: 2 });
    expect(hasFailure(r, 'any')).toBe(true);
  });

  it('knows nothing of it without the journal', () => {
    expect(audit(null).summary).toMatchObject({ inProgress: 0, open: 2 });
  });
});
