/**
 * What IAM holds for one user right before a change: the input of the live re-check's verdicts
 * (each action's, in src/core/actions/<type>.ts; the terms in src/core/plan/live-checks.ts).
 */
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import type { LiveKey, LiveLoginProfile } from '../../core/plan/live-checks.js';
import { AwsErrorCode, callAws, orNullWhenMissing } from '../../sdk/errors.js';

/** Every key of the user; users have at most two, so no pagination is needed in practice. */
export async function listKeys(iam: IAMClient, userName: string): Promise<LiveKey[]> {
  const keys: LiveKey[] = [];
  let marker: string | undefined;
  do {
    const out = await callAws('iam:ListAccessKeys', `for ${userName}`, () =>
      iam.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker })),
    );
    for (const k of out.AccessKeyMetadata ?? []) {
      if (k.AccessKeyId === undefined) continue;
      keys.push({
        accessKeyId: k.AccessKeyId,
        status: k.Status === 'Active' ? 'Active' : 'Inactive',
        createDate: k.CreateDate ?? null,
      });
    }
    marker = out.IsTruncated ? out.Marker : undefined;
  } while (marker !== undefined);
  return keys;
}

/** The key's status now; null when the user has no such key (or no longer exists). */
export async function keyStatus(
  iam: IAMClient,
  userName: string,
  accessKeyId: string,
): Promise<LiveKey['status'] | null> {
  const keys = await orNullWhenMissing(AwsErrorCode.NoSuchEntity, () => listKeys(iam, userName));
  return keys?.find((k) => k.accessKeyId === accessKeyId)?.status ?? null;
}

/** The key's last use; null when never used. */
export async function keyLastUsed(iam: IAMClient, accessKeyId: string): Promise<Date | null> {
  const out = await callAws('iam:GetAccessKeyLastUsed', accessKeyId, () =>
    iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })),
  );
  return out.AccessKeyLastUsed?.LastUsedDate ?? null;
}

export async function loginProfileState(iam: IAMClient, userName: string): Promise<LiveLoginProfile> {
  const profile = await orNullWhenMissing(AwsErrorCode.NoSuchEntity, () =>
    callAws('iam:GetLoginProfile', `for ${userName}`, () =>
      iam.send(new GetLoginProfileCommand({ UserName: userName })),
    ),
  );
  const createDate = profile?.LoginProfile?.CreateDate ?? null;
  const user = await callAws('iam:GetUser', userName, () =>
    iam.send(new GetUserCommand({ UserName: userName })),
  );
  return { createDate, passwordLastUsed: user.User?.PasswordLastUsed ?? null };
}
