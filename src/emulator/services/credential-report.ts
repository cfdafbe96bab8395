/**
 * The IAM credential report as AWS writes it: a CSV with a `<root_account>` row first, then one row per
 * user. Pure: the same account state and `now` give the same bytes.
 *
 * Value spellings follow the IAM User Guide, "Getting credential reports for your AWS account"
 * (id_credentials_getting-report), "Understanding the report format":
 * - `password_enabled`: whether the user has a password; `not_supported` for the root user.
 * - `password_last_used`: the last sign-in; `no_information` when the password has never been used;
 *   `N/A` when the user does not have a password. A user whose password was removed keeps the last
 *   sign-in date, as GetUser's `PasswordLastUsed` does ("if the user does not currently have a password
 *   but had one in the past, then this field contains the date and time the most recent password was
 *   used").
 * - `password_last_changed`: `N/A` without a password, `not_supported` for root; likewise
 *   `password_next_rotation` (`N/A` here: the emulator has no password policy that requires rotation).
 * - `access_key_N_last_used_date`/`_region`/`_service`: `N/A` when there is no Nth key or it was never used.
 * - `access_key_N_last_rotated`: the key's creation time whenever the key exists (also when Inactive, as
 *   real reports show; the guide's wording says "active"), `N/A` when there is no Nth key.
 * - Booleans: the guide writes TRUE/FALSE, but the downloaded CSV uses lowercase `true`/`false`.
 * - Times: ISO 8601 with seconds and a `+00:00` offset, e.g. `2026-11-22T12:00:00+00:00`.
 */
import type { AccountState, CredentialReportSettings, IamUser, KeyLastUsed } from '../state.js';

const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

const ROOT_ACCOUNT_USER = '<root_account>';

const NA = 'N/A';
const NO_INFORMATION = 'no_information';
const NOT_SUPPORTED = 'not_supported';

/** A time as the credential report writes it: `2026-11-22T12:00:00+00:00`. */
function reportTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/**
 * IAM names are unique regardless of case; listings and the report order them case-insensitively,
 * with a code-point tie-break so the order is total.
 */
export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

interface KeyColumns {
  readonly active: boolean;
  readonly createDate: Date;
  readonly lastUsed: KeyLastUsed | null;
}

function keyCells(key: KeyColumns | undefined): string[] {
  if (!key) return ['false', NA, NA, NA, NA];
  return [
    String(key.active),
    reportTime(key.createDate),
    key.lastUsed ? reportTime(key.lastUsed.date) : NA,
    key.lastUsed ? key.lastUsed.region : NA,
    key.lastUsed ? key.lastUsed.serviceName : NA,
  ];
}

/** Key 1 is the older key, key 2 the newer, whatever order they were stored in. */
function byCreateDate<T extends { readonly createDate: Date }>(keys: readonly T[]): T[] {
  return [...keys].sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
}

const CERT_CELLS = ['false', NA, 'false', NA];

function rootRow(account: AccountState): string[] {
  const root = account.iam.root;
  const keys = byCreateDate(root.accessKeys);
  return [
    ROOT_ACCOUNT_USER,
    root.arn,
    reportTime(root.createDate),
    NOT_SUPPORTED,
    root.passwordLastUsed ? reportTime(root.passwordLastUsed) : NO_INFORMATION,
    NOT_SUPPORTED,
    NOT_SUPPORTED,
    String(root.mfaActive),
    ...keyCells(keys[0]),
    ...keyCells(keys[1]),
    ...CERT_CELLS,
  ];
}

function userRow(user: IamUser): string[] {
  const hasPassword = user.loginProfile !== null;
  const passwordLastUsed = user.passwordLastUsed
    ? reportTime(user.passwordLastUsed)
    : hasPassword
      ? NO_INFORMATION
      : NA;
  const passwordLastChanged = user.passwordLastChanged ?? user.loginProfile?.createDate ?? null;
  const keys = byCreateDate(user.accessKeys).map((k) => ({
    active: k.status === 'Active',
    createDate: k.createDate,
    lastUsed: k.lastUsed,
  }));
  return [
    user.userName,
    user.arn,
    reportTime(user.createDate),
    String(hasPassword),
    passwordLastUsed,
    hasPassword && passwordLastChanged ? reportTime(passwordLastChanged) : NA,
    NA,
    String(user.mfaDevices.length > 0),
    ...keyCells(keys[0]),
    ...keyCells(keys[1]),
    ...CERT_CELLS,
  ];
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Renders the account's credential report as of `now`: users created after `now` are not in it.
 * Rows are separated by `\n` with no trailing newline, as in the report AWS returns. `quoting`:
 * see `CredentialReportSettings.quoting`.
 */
export function renderCredentialReport(
  account: AccountState,
  now: Date,
  quoting: CredentialReportSettings['quoting'] = 'rfc4180',
): string {
  const users = [...account.iam.users.values()]
    .filter((u) => u.createDate.getTime() <= now.getTime())
    .sort((a, b) => compareNames(a.userName, b.userName));
  const rows = [[...CREDENTIAL_REPORT_COLUMNS], rootRow(account), ...users.map(userRow)];
  const cell = quoting === 'rfc4180' ? csvCell : (value: string) => value;
  return rows.map((row) => row.map(cell).join(',')).join('\n');
}
