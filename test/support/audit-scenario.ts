/**
 * Test support: one audit scenario, written once as a world account, run against our emulator and
 * against moto. Each user is one case; `EXPECTED_FINDINGS` is the verdict AWS's documented rules
 * give at `SCENARIO_NOW` under `SCENARIO_POLICY_YAML`.
 *
 * The account stays within what moto can represent: no root user, no fixed key ids, and every login
 * profile created with its user (moto dates a login profile with its user's creation; a later
 * password change is written into moto's report by moto_world.py).
 */
import type { AuditReport, Finding } from '../../src/core/audit-report.js';
import type { World, WorldAccount, WorldRoot } from '../../src/emulator/world-types.js';

export const SCENARIO_NOW = new Date('2026-11-22T12:00:00Z');
export const SCENARIO_ACCOUNT_ID = '111122223333';
export const EXCLUDED_USERS_PARAMETER = '/iam-unused-user-cleanup/excluded-users';

/** Signs the CLI's requests. Not a key in the world, so auditing records no use of any audited key. */
export const AUDITOR_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDKEYWARDENAUDITOR',
  AWS_SECRET_ACCESS_KEY: 'auditor-secret',
  AWS_REGION: 'us-east-1',
} as const;

/** The default policy, plus CONSOLE_WITHOUT_MFA (so MFA is compared too) and the SSM exclusion list. */
export const SCENARIO_POLICY_YAML = `version: 1
rules:
  CONSOLE_WITHOUT_MFA:
    enabled: true
exemptions:
  ssmParameter:
    name: ${EXCLUDED_USERS_PARAMETER}
    reason: listed for the unused-user cleanup
`;

export const SCENARIO_ACCOUNT: WorldAccount = {
  id: SCENARIO_ACCOUNT_ID,
  ssmParameters: [{ name: EXCLUDED_USERS_PARAMETER, value: 'exempt-by-ssm,someone-gone' }],
  users: [
    { name: 'fresh-key', accessKeys: [{ createdDaysAgo: 10, lastUsedDaysAgo: 1 }] },
    { name: 'old-key-in-use', accessKeys: [{ createdDaysAgo: 91, lastUsedDaysAgo: 1, region: 'eu-west-1' }] },
    { name: 'key-exactly-90', accessKeys: [{ createdDaysAgo: 90, lastUsedDaysAgo: 3 }] },
    { name: 'key-unused-100', accessKeys: [{ createdDaysAgo: 200, lastUsedDaysAgo: 100 }] },
    { name: 'never-used-key', accessKeys: [{ createdDaysAgo: 120, lastUsedDaysAgo: 'never' }] },
    {
      name: 'inactive-old-key',
      accessKeys: [{ status: 'Inactive', createdDaysAgo: 300, lastUsedDaysAgo: 250 }],
    },
    {
      name: 'two-active-keys',
      createdDaysAgo: 40,
      accessKeys: [
        { createdDaysAgo: 30, lastUsedDaysAgo: 1 },
        { createdDaysAgo: 20, lastUsedDaysAgo: 2 },
      ],
    },
    { name: 'console-never-used', createdDaysAgo: 100, loginProfile: {} },
    // Reset by an administrator 10 days ago, never signed in: password_last_changed is 10 days ago,
    // the login profile (what AWS's runbook judges) 400 days old.
    {
      name: 'console-reset-never-used',
      createdDaysAgo: 400,
      mfa: true,
      loginProfile: { passwordLastChangedDaysAgo: 10 },
    },
    {
      name: 'console-in-use',
      path: '/humans/',
      groups: ['developers'],
      mfa: true,
      createdDaysAgo: 400,
      loginProfile: { passwordLastUsedDaysAgo: 5 },
    },
    // The login profile was deleted; IAM keeps PasswordLastUsed, and no password is judged.
    { name: 'leftover-password', createdDaysAgo: 300, passwordLastUsedDaysAgo: 200 },
    {
      name: 'exempt-by-tag',
      tags: { 'keywarden:exempt': 'true', 'keywarden:exempt-reason': 'break-glass' },
      accessKeys: [{ createdDaysAgo: 150, lastUsedDaysAgo: 1 }],
    },
    { name: 'exempt-by-ssm', accessKeys: [{ createdDaysAgo: 150, lastUsedDaysAgo: 'never' }] },
  ],
};

/** Only our emulator can hold it: moto's credential report has no `<root_account>` row. */
export const SCENARIO_ROOT: WorldRoot = { accessKeys: [{ createdDaysAgo: 400, lastUsedDaysAgo: 30 }] };

/** The scenario as a world for our emulator, optionally with the root key moto cannot represent. */
export function scenarioWorld(options: { readonly root?: WorldRoot } = {}): World {
  return { accounts: [{ ...SCENARIO_ACCOUNT, ...(options.root ? { root: options.root } : {}) }] };
}

/** The fields of a finding that must not depend on which emulator or inventory mode produced it. */
export interface FindingFacts {
  readonly userName: string;
  readonly rule: Finding['rule'];
  readonly credential: Finding['credential'];
  readonly accessKeySlot: 1 | 2 | null;
  readonly ageDays: number | null;
  readonly lastUsedDaysAgo: number | null;
  readonly exempt: boolean;
}

const fact = (
  userName: string,
  rule: Finding['rule'],
  credential: Finding['credential'],
  accessKeySlot: 1 | 2 | null,
  ageDays: number | null,
  lastUsedDaysAgo: number | null,
  exempt = false,
): FindingFacts => ({ userName, rule, credential, accessKeySlot, ageDays, lastUsedDaysAgo, exempt });

/** Users not listed (fresh-key, key-exactly-90, inactive-old-key, console-in-use, leftover-password) have none. */
export const EXPECTED_FINDINGS: readonly FindingFacts[] = sortFacts([
  fact('old-key-in-use', 'KEY_ROTATION', 'access-key', 1, 91, 1),
  fact('key-unused-100', 'KEY_ROTATION', 'access-key', 1, 200, 100),
  fact('key-unused-100', 'UNUSED_CREDENTIALS', 'access-key', 1, 200, 100),
  fact('never-used-key', 'KEY_ROTATION', 'access-key', 1, 120, null),
  fact('never-used-key', 'UNUSED_CREDENTIALS', 'access-key', 1, 120, null),
  fact('two-active-keys', 'MULTIPLE_ACTIVE_KEYS', 'user', null, null, null),
  fact('console-never-used', 'UNUSED_CREDENTIALS', 'password', null, 100, null),
  fact('console-never-used', 'CONSOLE_WITHOUT_MFA', 'password', null, 100, null),
  fact('console-reset-never-used', 'UNUSED_CREDENTIALS', 'password', null, 400, null),
  fact('exempt-by-tag', 'KEY_ROTATION', 'access-key', 1, 150, 1, true),
  fact('exempt-by-ssm', 'KEY_ROTATION', 'access-key', 1, 150, null, true),
  fact('exempt-by-ssm', 'UNUSED_CREDENTIALS', 'access-key', 1, 150, null, true),
]);

/**
 * The root findings our emulator must report. The report has the key's dates; live mode sees only
 * GetAccountSummary's AccountAccessKeysPresent, so no dates.
 */
export const EXPECTED_ROOT_FINDING: Readonly<Record<'report' | 'live', FindingFacts>> = {
  report: fact('<root_account>', 'ROOT_ACCESS_KEY', 'access-key', 1, 400, 30),
  live: fact('<root_account>', 'ROOT_ACCESS_KEY', 'access-key', 1, null, null),
};

function sortFacts(facts: FindingFacts[]): FindingFacts[] {
  const key = (f: FindingFacts) =>
    `${f.userName}\u0000${f.rule}\u0000${f.credential}\u0000${f.accessKeySlot ?? 0}`;
  return facts.sort((a, b) => key(a).localeCompare(key(b)));
}

/** The comparable facts of every finding in a report, in a stable order. */
export function findingFacts(report: AuditReport): FindingFacts[] {
  return sortFacts(
    report.findings.map((f) =>
      fact(f.userName, f.rule, f.credential, f.accessKeySlot, f.ageDays, f.lastUsedDaysAgo, f.exempt),
    ),
  );
}
