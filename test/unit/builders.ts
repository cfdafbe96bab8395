import { addDays } from '../../src/core/days.js';
import type { AccessKeyRecord, AccountInventory, RootRecord, UserRecord } from '../../src/core/model.js';
import { resolvePolicy } from '../../src/core/policy/resolve.js';
import type { PolicyInput } from '../../src/core/policy/schema.js';
import type { Policy } from '../../src/core/policy/types.js';

/** The fixed clock every unit test uses. */
export const NOW = new Date('2026-11-22T12:00:00Z');
export const ACCOUNT_ID = '123456789012';

/** A Date `n` whole days before NOW (same time of day). */
export function daysAgo(n: number): Date {
  return addDays(NOW, -n);
}

export function key(overrides: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    accessKeyId: 'AKIAAAAAAAAAAAAAAAA1',
    idAmbiguous: false,
    slot: 1,
    status: 'Active',
    createDate: daysAgo(10),
    lastUsedDate: daysAgo(1),
    lastUsedService: 's3',
    lastUsedRegion: 'us-east-1',
    ...overrides,
  };
}

export function user(overrides: Partial<UserRecord> = {}): UserRecord {
  const userName = overrides.userName ?? 'alice';
  return {
    accountId: ACCOUNT_ID,
    userName,
    userId: `AIDA${userName.toUpperCase()}`,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/${userName}`,
    path: '/',
    createDate: daysAgo(400),
    tags: {},
    groups: [],
    loginProfile: null,
    passwordLastUsed: null,
    mfaActive: false,
    attachedPolicyArns: [],
    accessKeys: [],
    ...overrides,
  };
}

export function root(overrides: Partial<RootRecord> = {}): RootRecord {
  return {
    accountId: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:root`,
    mfaActive: true,
    accessKeys: [],
    ...overrides,
  };
}

export function inventory(overrides: Partial<AccountInventory> = {}): AccountInventory {
  return {
    accountId: ACCOUNT_ID,
    source: 'credential-report',
    reportGeneratedAt: new Date(NOW.getTime() - 2 * 3_600_000),
    users: [],
    root: null,
    ssmExcludedUsers: null,
    ...overrides,
  };
}

/** A resolved policy from a partial policy file; throws on invalid input so tests fail loudly. */
export function policy(file: Omit<PolicyInput, 'version'> = {}): Policy {
  const result = resolvePolicy({ file: { version: 1, ...file } });
  if (result.value === null) throw new Error(result.errors.join('\n'));
  return result.value;
}
