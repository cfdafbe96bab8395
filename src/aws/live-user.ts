/**
 * One IAM user read through the per-user IAM API: live mode reads every user so, report mode the
 * user whose credential report row cannot be read.
 */
import {
  type AccessKeyMetadata,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  paginateListAttachedUserPolicies,
  type User,
} from '@aws-sdk/client-iam';
import type { AccessKeyRecord, UserRecord } from '../core/model.js';
import { AwsErrorCode, callAws, orNullWhenMissing } from '../sdk/errors.js';

/** The login profile's creation time; null when the user has no console password any more. */
export async function loginProfileCreateDate(iam: IAMClient, userName: string): Promise<Date | null> {
  const out = await orNullWhenMissing(AwsErrorCode.NoSuchEntity, () =>
    callAws('iam:GetLoginProfile', `for ${userName}`, () =>
      iam.send(new GetLoginProfileCommand({ UserName: userName })),
    ),
  );
  return out?.LoginProfile?.CreateDate ?? null;
}

async function keyRecords(
  iam: IAMClient,
  userName: string,
  keys: AccessKeyMetadata[],
): Promise<AccessKeyRecord[]> {
  const sorted = [...keys].sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0));
  return Promise.all(
    sorted.map(async (key, index) => {
      const used = await callAws('iam:GetAccessKeyLastUsed', `for ${userName}`, () =>
        iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId })),
      );
      const last = used.AccessKeyLastUsed;
      const na = (v: string | undefined) => (v === undefined || v === 'N/A' ? null : v);
      return {
        accessKeyId: key.AccessKeyId ?? null,
        idAmbiguous: false,
        slot: index === 0 ? 1 : 2,
        status: key.Status === 'Active' ? 'Active' : 'Inactive',
        createDate: key.CreateDate ?? new Date(0),
        lastUsedDate: last?.LastUsedDate ?? null,
        lastUsedService: last?.LastUsedDate ? na(last.ServiceName) : null,
        lastUsedRegion: last?.LastUsedDate ? na(last.Region) : null,
      } satisfies AccessKeyRecord;
    }),
  );
}

/** The ARNs of the managed policies attached to the user itself, every page. */
async function attachedPolicies(iam: IAMClient, userName: string): Promise<string[]> {
  const arns: string[] = [];
  await callAws('iam:ListAttachedUserPolicies', `for ${userName}`, async () => {
    for await (const page of paginateListAttachedUserPolicies({ client: iam }, { UserName: userName })) {
      for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn !== undefined) arns.push(p.PolicyArn);
    }
  });
  return arns;
}

/** What a live read of a user reads beyond its keys, login profile and GetUser. */
export interface LiveUserNeeds {
  /** Read group membership (src/core/inventory-needs.ts says when). */
  readonly needGroups: boolean;
  /** Read MFA devices (src/core/inventory-needs.ts says when). */
  readonly needMfa: boolean;
  /** Read the managed policies attached to the user (src/core/inventory-needs.ts says when). */
  readonly needAttachedPolicies: boolean;
}

/**
 * One user as the IAM API has it now: keys with their last use, login profile, GetUser's fields.
 * `listed` is what a listing (ListUsers, the authorization details) gave: its name is read.
 */
export async function readUserLive(
  iam: IAMClient,
  accountId: string,
  listed: Partial<User>,
  options: LiveUserNeeds,
): Promise<UserRecord> {
  const userName = listed.UserName ?? '';
  const [keys, detail, loginProfile, groups, mfa, attachedPolicyArns] = await Promise.all([
    callAws('iam:ListAccessKeys', `for ${userName}`, () =>
      iam.send(new ListAccessKeysCommand({ UserName: userName })),
    ),
    callAws('iam:GetUser', userName, () => iam.send(new GetUserCommand({ UserName: userName }))),
    loginProfileCreateDate(iam, userName),
    options.needGroups
      ? callAws('iam:ListGroupsForUser', userName, () =>
          iam.send(new ListGroupsForUserCommand({ UserName: userName })),
        )
      : Promise.resolve(null),
    options.needMfa
      ? callAws('iam:ListMFADevices', userName, () =>
          iam.send(new ListMFADevicesCommand({ UserName: userName })),
        )
      : Promise.resolve(null),
    options.needAttachedPolicies ? attachedPolicies(iam, userName) : Promise.resolve([]),
  ]);
  const user = detail.User ?? listed;
  const tags: Record<string, string> = {};
  for (const t of user.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return {
    accountId,
    userName,
    userId: user.UserId ?? '',
    arn: user.Arn ?? '',
    path: user.Path ?? '/',
    createDate: user.CreateDate ?? new Date(0),
    tags,
    groups: (groups?.Groups ?? []).map((g) => g.GroupName ?? ''),
    loginProfile: loginProfile ? { createDate: loginProfile } : null,
    passwordLastUsed: user.PasswordLastUsed ?? null,
    mfaActive: (mfa?.MFADevices ?? []).length > 0,
    attachedPolicyArns,
    accessKeys: await keyRecords(iam, userName, keys.AccessKeyMetadata ?? []),
  };
}
