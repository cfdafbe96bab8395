/**
 * Report mode: the whole account in a handful of calls. The credential report gives every
 * credential's dates; GetAccountAuthorizationDetails (1,000 users a page) gives ids, paths, tags and
 * groups; both are read at once. Two things are not in them, and are read per user, only for the
 * users the caller's look-ups name, starting as soon as the user's details page has arrived: access
 * key ids (ListAccessKeys) and the login profile's creation time (GetLoginProfile). A user whose
 * report row cannot be read is read live instead, with a warning: one row never fails the account.
 */
import {
  type AccessKeyMetadata,
  type IAMClient,
  ListAccessKeysCommand,
  paginateGetAccountAuthorizationDetails,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AccessKeyRecord, AccountInventory, RootRecord, UserRecord } from '../core/model.js';
import { ROOT_USER_NAME } from '../core/model.js';
import type { AwsClients } from '../sdk/clients.js';
import { callAws } from '../sdk/errors.js';
import {
  type CredentialReport,
  type FetchReportOptions,
  fetchCredentialReport,
  type ReportRow,
} from './credential-report.js';
import { loginProfileCreateDate, readUserLive } from './live-user.js';
import { readExcludedUsers } from './ssm-exclusions.js';
import { TaskPool } from './task-pool.js';

export interface InventoryOptions {
  /** SSM parameter holding a comma-separated exclusion list; null when not configured. */
  readonly ssmParameterName: string | null;
  readonly concurrency: number;
  readonly report?: FetchReportOptions;
  /** Progress messages (for a terminal spinner); never secrets. */
  readonly onProgress?: (message: string) => void;
}

/**
 * Which users need a per-user read, asked once per user as soon as its report row and details are
 * in (pure decisions from the core: `keyIdLookup`, `loginProfileLookup`).
 */
export interface ReportLookups {
  /** True: list the user's keys (ListAccessKeys) to learn their ids. */
  readonly keyIds: (user: UserRecord) => boolean;
  /**
   * True: read the login profile (GetLoginProfile) for its creation time. `user.loginProfile`
   * holds the report's `password_last_changed`, the latest the profile can have been created;
   * `earliest` is the user's creation.
   */
  readonly loginProfile: (user: UserRecord, earliest: Date) => boolean;
}

/** The report's rows by user name, and the names of the rows that could not be read. */
interface ReportIndex {
  readonly rows: ReadonlyMap<string, ReportRow>;
  readonly unreadable: ReadonlySet<string>;
}

/**
 * A user read live because its row could not be read: groups and attached policies come from its
 * details, MFA is read.
 */
const LIVE_NEEDS = { needGroups: false, needMfa: true, needAttachedPolicies: false } as const;

/** No per-user reads: the report and the details only. */
const NO_LOOKUPS: ReportLookups = { keyIds: () => false, loginProfile: () => false };

export interface ReportInventoryOptions extends InventoryOptions {
  readonly lookups?: ReportLookups;
  /** Only these users (the others' rows are not judged and not looked up). */
  readonly userNames?: readonly string[];
}

export interface InventoryResult {
  readonly inventory: AccountInventory;
  readonly warnings: readonly string[];
}

export function accountIdFromArn(arn: string): string | null {
  const id = arn.split(':')[4];
  return id && /^\d{12}$/.test(id) ? id : null;
}

/** Every user's details, page by page as they arrive. */
async function readUserDetails(
  iam: IAMClient,
  onPage: (users: readonly UserDetail[]) => void,
): Promise<void> {
  await callAws('iam:GetAccountAuthorizationDetails', null, async () => {
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 1000 },
      { Filter: ['User'] },
    )) {
      onPage(page.UserDetailList ?? []);
    }
  });
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

/** The account the report is about: its root row's ARN, else any row's, else the caller's. */
async function reportAccountId(report: CredentialReport, sts: STSClient): Promise<string> {
  const rootRow = report.rows.find((r) => r.user === ROOT_USER_NAME);
  const fromReport =
    accountIdFromArn(rootRow?.arn ?? '') ??
    report.rows.map((r) => accountIdFromArn(r.arn)).find((id) => id !== null) ??
    null;
  if (fromReport !== null) return fromReport;
  const identity = await callAws('sts:GetCallerIdentity', null, () =>
    sts.send(new GetCallerIdentityCommand({})),
  );
  if (identity.Account === undefined) throw new Error('cannot determine the AWS account id');
  return identity.Account;
}

/**
 * One user from its report row and details. The report has no login-profile creation time: it
 * stands in `password_last_changed`, set when the profile is created and moved by every password
 * change, so the latest the profile can have been created (see {@link ReportLookups.loginProfile}).
 */
function userRecord(row: ReportRow, detail: UserDetail, accountId: string): UserRecord {
  return {
    accountId,
    userName: row.user,
    userId: detail.UserId ?? '',
    arn: detail.Arn ?? row.arn,
    path: detail.Path ?? '/',
    createDate: detail.CreateDate ?? row.userCreationTime ?? new Date(0),
    tags: toTags(detail.Tags),
    groups: [...(detail.GroupList ?? [])],
    loginProfile: row.passwordEnabled
      ? { createDate: row.passwordLastChanged ?? row.userCreationTime ?? new Date(0) }
      : null,
    passwordLastUsed: row.passwordLastUsed,
    mfaActive: row.mfaActive,
    attachedPolicyArns: policyArns(detail),
    accessKeys: reportKeys(row),
  };
}

/** The managed policies attached to the user itself, as the details list them (no extra call). */
function policyArns(detail: UserDetail): string[] {
  return (detail.AttachedManagedPolicies ?? []).flatMap((p) =>
    p.PolicyArn === undefined ? [] : [p.PolicyArn],
  );
}

const second = (d: Date | undefined) => (d ? Math.floor(d.getTime() / 1000) : Number.NaN);

/**
 * The report's keys with the ids ListAccessKeys gave, matched on CreateDate to the second. A report
 * key that matches no listed key, or more than one, keeps a null id and is marked ambiguous: we
 * never guess which key a finding is about.
 */
function withKeyIds(user: UserRecord, listed: readonly AccessKeyMetadata[]): UserRecord {
  return {
    ...user,
    accessKeys: user.accessKeys.map((k) => {
      const matches = listed.filter((m) => second(m.CreateDate) === second(k.createDate));
      const only = matches.length === 1 ? matches[0] : undefined;
      return only?.AccessKeyId
        ? { ...k, accessKeyId: only.AccessKeyId, idAmbiguous: false }
        : { ...k, accessKeyId: null, idAmbiguous: true };
    }),
  };
}

/**
 * Collects one account's inventory from the credential report and the authorization details, both
 * requested at once. Each details page is judged as it arrives (once the report is in): the users
 * the look-ups name get their ListAccessKeys / GetLoginProfile at once, at most
 * `options.concurrency` in flight, while later pages are still being read.
 */
export async function collectReportInventory(
  clients: AwsClients,
  options: ReportInventoryOptions,
): Promise<InventoryResult> {
  const lookups = options.lookups ?? NO_LOOKUPS;
  const only = options.userNames === undefined ? null : new Set(options.userNames);
  const pool = new TaskPool(options.concurrency);
  /** Each judged user, replaced when one of its look-ups comes back. */
  const records = new Map<string, UserRecord>();
  const detailNames = new Set<string>();
  /** Details that arrived before the report; judged when it is in. */
  const early: UserDetail[] = [];
  let known: { readonly report: ReportIndex; readonly accountId: string } | null = null;
  /** Users whose report row could not be read, read live instead. */
  const readLive = new Set<string>();
  let lookedUp = 0;

  const update = (userName: string, change: (user: UserRecord) => UserRecord) => {
    const user = records.get(userName);
    if (user !== undefined) records.set(userName, change(user));
    lookedUp++;
    if (lookedUp % 100 === 0) options.onProgress?.(`${lookedUp} key and password look-ups done`);
  };
  const judge = (detail: UserDetail, report: ReportIndex, account: string) => {
    const userName = detail.UserName ?? '';
    if (only !== null && !only.has(userName)) return;
    const row = report.rows.get(userName);
    if (row === undefined) {
      if (report.unreadable.has(userName)) {
        readLive.add(userName);
        pool.add(async () => {
          const user = await readUserLive(clients.iam, account, detail, LIVE_NEEDS);
          records.set(userName, {
            ...user,
            groups: [...(detail.GroupList ?? [])],
            attachedPolicyArns: policyArns(detail),
          });
        });
      }
      return;
    }
    const user = userRecord(row, detail, account);
    records.set(userName, user);
    if (lookups.keyIds(user)) {
      pool.add(async () => {
        const out = await callAws('iam:ListAccessKeys', `for ${userName}`, () =>
          clients.iam.send(new ListAccessKeysCommand({ UserName: userName })),
        );
        update(userName, (u) => withKeyIds(u, out.AccessKeyMetadata ?? []));
      });
    }
    if (user.loginProfile !== null && lookups.loginProfile(user, user.createDate)) {
      pool.add(async () => {
        const createDate = await loginProfileCreateDate(clients.iam, userName);
        update(userName, (u) => ({ ...u, loginProfile: createDate === null ? null : { createDate } }));
      });
    }
  };

  options.onProgress?.('generating the credential report');
  const reportRead = fetchCredentialReport(clients.iam, options.report).then(async (report) => {
    const index: ReportIndex = {
      rows: new Map(report.rows.map((r) => [r.user, r])),
      unreadable: new Set(report.unreadable.flatMap((r) => (r.userName === null ? [] : [r.userName]))),
    };
    const account = await reportAccountId(report, clients.sts);
    known = { report: index, accountId: account };
    options.onProgress?.('reading users, tags and groups');
    for (const detail of early.splice(0)) judge(detail, index, account);
    return { report, account };
  });
  const detailsRead = readUserDetails(clients.iam, (page) => {
    for (const detail of page) {
      detailNames.add(detail.UserName ?? '');
      if (known === null) early.push(detail);
      else judge(detail, known.report, known.accountId);
    }
  });
  const ssmWarnings: string[] = [];
  const ssmRead = readExcludedUsers(clients.ssm, options.ssmParameterName, ssmWarnings);
  let read: Awaited<typeof reportRead>;
  let ssmExcludedUsers: string[] | null;
  try {
    [read, , ssmExcludedUsers] = await Promise.all([reportRead, detailsRead, ssmRead]);
  } catch (error) {
    // Let the look-ups in flight settle (their failures are the pool's) before reporting this one.
    await pool.drain().catch(() => undefined);
    throw error;
  }
  if (pool.pending > 0) options.onProgress?.(`looking up keys and passwords of ${pool.pending} users`);
  await pool.drain();

  const { report, account } = read;
  const warnings: string[] = [];
  const users: UserRecord[] = [];
  for (const row of report.rows) {
    if (row.user === ROOT_USER_NAME) continue;
    if (!detailNames.has(row.user)) {
      warnings.push(`user ${row.user} is in the credential report but no longer in IAM; skipped`);
      continue;
    }
    const user = records.get(row.user);
    if (user !== undefined) users.push(user);
  }
  for (const row of report.unreadable) {
    const name = row.userName;
    if (name !== null && only !== null && !only.has(name)) continue;
    const where = `credential report line ${row.line}${name === null ? '' : ` (user ${name})`}: ${row.reason}`;
    const user = name !== null && readLive.has(name) ? records.get(name) : undefined;
    if (user !== undefined) {
      users.push(user);
      warnings.push(`${where}; read live instead`);
    } else if (name === ROOT_USER_NAME) {
      warnings.push(`${where}; the root user is not judged`);
    } else if (name === null) {
      warnings.push(`${where}; it names no user, so none is judged from it`);
    } else {
      warnings.push(`${where}; no IAM user by that name, so it is not judged`);
    }
  }
  const inReport = new Set(report.rows.map((r) => r.user));
  for (const row of report.unreadable) if (row.userName !== null) inReport.add(row.userName);
  let newer = 0;
  for (const name of detailNames) if (!inReport.has(name)) newer++;
  if (newer > 0)
    warnings.push(`${newer} user(s) created after the credential report was generated are not judged`);
  warnings.push(...ssmWarnings);

  const rootRow = report.rows.find((r) => r.user === ROOT_USER_NAME) ?? null;
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
