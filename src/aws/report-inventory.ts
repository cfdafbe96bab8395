/**
 * Report mode: the whole account in a handful of calls. The credential report gives every
 * credential's dates; GetAccountAuthorizationDetails (1,000 users a page) gives ids, paths, tags and
 * groups. Access key ids are not in the report: `attachAccessKeyIds` adds them later for just the
 * users that have a key finding.
 */
import {
  type IAMClient,
  ListAccessKeysCommand,
  paginateGetAccountAuthorizationDetails,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AccessKeyRecord, AccountInventory, RootRecord, UserRecord } from '../core/model.js';
import { ROOT_USER_NAME } from '../core/model.js';
import type { AwsClients } from './clients.js';
import { mapWithConcurrency } from './clients.js';
import { type FetchReportOptions, fetchCredentialReport, type ReportRow } from './credential-report.js';
import { callAws, type Permission } from './errors.js';
import { readExcludedUsers } from './ssm-exclusions.js';

/**
 * What report mode calls: the report, the users' details (ids, paths, tags, groups), key ids for the
 * users with key findings, and the caller's account when the report names none.
 */
export const REPORT_INVENTORY_PERMISSIONS: readonly Permission[] = [
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetAccountAuthorizationDetails',
  'iam:ListAccessKeys',
  'sts:GetCallerIdentity',
];

export interface InventoryOptions {
  /** SSM parameter holding a comma-separated exclusion list; null when not configured. */
  readonly ssmParameterName: string | null;
  readonly concurrency: number;
  readonly report?: FetchReportOptions;
  /** Progress messages (for a terminal spinner); never secrets. */
  readonly onProgress?: (message: string) => void;
}

export interface InventoryResult {
  readonly inventory: AccountInventory;
  readonly warnings: readonly string[];
}

export function accountIdFromArn(arn: string): string | null {
  const id = arn.split(':')[4];
  return id && /^\d{12}$/.test(id) ? id : null;
}

async function listUserDetails(iam: IAMClient): Promise<UserDetail[]> {
  const users: UserDetail[] = [];
  await callAws('iam:GetAccountAuthorizationDetails', null, async () => {
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 1000 },
      { Filter: ['User'] },
    )) {
      users.push(...(page.UserDetailList ?? []));
    }
  });
  return users;
}

function toTags(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

function rootRecord(row: ReportRow, accountId: string): RootRecord {
  return {
    accountId,
    arn: row.arn,
    mfaActive: row.mfaActive,
    accessKeys: row.keys.map((k) => ({
      slot: k.slot,
      active: k.active,
      lastRotated: k.lastRotated,
      lastUsedDate: k.lastUsedDate,
    })),
  };
}

function reportKeys(row: ReportRow): AccessKeyRecord[] {
  return row.keys.map((k) => ({
    accessKeyId: null,
    idAmbiguous: false,
    slot: k.slot,
    status: k.active ? 'Active' : 'Inactive',
    createDate: k.lastRotated,
    lastUsedDate: k.lastUsedDate,
    lastUsedService: k.lastUsedService,
    lastUsedRegion: k.lastUsedRegion,
  }));
}

/** Collects one account's inventory from the credential report and the authorization details. */
export async function collectReportInventory(
  clients: AwsClients,
  options: InventoryOptions,
): Promise<InventoryResult> {
  const warnings: string[] = [];
  options.onProgress?.('generating the credential report');
  const report = await fetchCredentialReport(clients.iam, options.report);
  options.onProgress?.('reading users, tags and groups');
  const details = await listUserDetails(clients.iam);
  const byName = new Map(details.map((d) => [d.UserName ?? '', d]));

  const rootRow = report.rows.find((r) => r.user === ROOT_USER_NAME) ?? null;
  let accountId =
    accountIdFromArn(rootRow?.arn ?? '') ??
    report.rows.map((r) => accountIdFromArn(r.arn)).find((id) => id !== null) ??
    null;
  if (accountId === null) {
    const identity = await callAws('sts:GetCallerIdentity', null, () =>
      clients.sts.send(new GetCallerIdentityCommand({})),
    );
    accountId = identity.Account ?? null;
  }
  if (accountId === null) throw new Error('cannot determine the AWS account id');
  const account = accountId;

  const users: UserRecord[] = [];
  for (const row of report.rows) {
    if (row.user === ROOT_USER_NAME) continue;
    const detail = byName.get(row.user);
    if (!detail) warnings.push(`user ${row.user} is in the credential report but no longer in IAM; skipped`);
    if (!detail) continue;
    users.push({
      accountId: account,
      userName: row.user,
      userId: detail.UserId ?? '',
      arn: detail.Arn ?? row.arn,
      path: detail.Path ?? '/',
      createDate: detail.CreateDate ?? row.userCreationTime ?? new Date(0),
      tags: toTags(detail.Tags),
      groups: [...(detail.GroupList ?? [])],
      // The report has no login-profile creation time; password_last_changed is set when the
      // profile is created and moves only when the password changes.
      loginProfile: row.passwordEnabled
        ? { createDate: row.passwordLastChanged ?? row.userCreationTime ?? new Date(0) }
        : null,
      passwordLastUsed: row.passwordLastUsed,
      mfaActive: row.mfaActive,
      accessKeys: reportKeys(row),
    });
  }
  const inReport = new Set(report.rows.map((r) => r.user));
  const newer = details.filter((d) => !inReport.has(d.UserName ?? '')).length;
  if (newer > 0)
    warnings.push(`${newer} user(s) created after the credential report was generated are not judged`);

  const ssmExcludedUsers = await readExcludedUsers(clients.ssm, options.ssmParameterName, warnings);
  return {
    inventory: {
      accountId: account,
      source: 'credential-report',
      reportGeneratedAt: report.generatedAt,
      users,
      root: rootRow ? rootRecord(rootRow, account) : null,
      ssmExcludedUsers,
    },
    warnings,
  };
}

/**
 * Adds access key ids to the report's keys for the named users: one ListAccessKeys each, matched on
 * CreateDate to the second. A report key that matches no live key, or more than one, keeps a null
 * id and is marked ambiguous: we never guess which key a finding is about.
 */
export async function attachAccessKeyIds(
  iam: IAMClient,
  inventory: AccountInventory,
  userNames: readonly string[],
  concurrency: number,
): Promise<AccountInventory> {
  const wanted = new Set(userNames);
  const targets = inventory.users.filter((u) => wanted.has(u.userName));
  const live = await mapWithConcurrency(targets, concurrency, async (user) => {
    const out = await callAws('iam:ListAccessKeys', `for ${user.userName}`, () =>
      iam.send(new ListAccessKeysCommand({ UserName: user.userName })),
    );
    return out.AccessKeyMetadata ?? [];
  });
  const liveByUser = new Map(targets.map((u, i) => [u.userName, live[i] ?? []]));
  const second = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : Number.NaN);
  return {
    ...inventory,
    users: inventory.users.map((user) => {
      const keys = liveByUser.get(user.userName);
      if (!keys) return user;
      return {
        ...user,
        accessKeys: user.accessKeys.map((k) => {
          const matches = keys.filter((m) => second(m.CreateDate) === second(k.createDate));
          const only = matches.length === 1 ? matches[0] : undefined;
          return only?.AccessKeyId
            ? { ...k, accessKeyId: only.AccessKeyId, idAmbiguous: false }
            : { ...k, accessKeyId: null, idAmbiguous: true };
        }),
      };
    }),
  };
}
