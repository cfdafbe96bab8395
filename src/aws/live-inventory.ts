/**
 * Live mode: the IAM API user by user, for when the credential report is not wanted (it can be up
 * to 4 hours old) or not allowed. Many more calls than report mode, run with bounded concurrency and
 * the SDK's adaptive retry.
 */
import {
  GetAccountSummaryCommand,
  GetUserCommand,
  type IAMClient,
  paginateListUsers,
  type User,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { RootRecord } from '../core/model.js';
import type { AwsClients } from '../sdk/clients.js';
import { mapWithConcurrency } from '../sdk/clients.js';
import { AwsErrorCode, callAws, orNullWhenMissing } from '../sdk/errors.js';
import { type LiveUserNeeds, readUserLive } from './live-user.js';
import type { InventoryOptions, InventoryResult } from './report-inventory.js';
import { accountIdFromArn } from './report-inventory.js';
import { readExcludedUsers } from './ssm-exclusions.js';

export interface LiveInventoryOptions extends InventoryOptions, LiveUserNeeds {
  /** Read only these users (GetUser each; a missing one is left out) instead of listing them all. */
  readonly userNames?: readonly string[];
}

/**
 * The only live view of the root user: GetAccountSummary says whether root has access keys (of any
 * status) and MFA, not their dates. Such a key is treated as active; the report mode knows better.
 */
async function rootFromSummary(iam: IAMClient, accountId: string): Promise<RootRecord> {
  const summary = await callAws('iam:GetAccountSummary', null, () =>
    iam.send(new GetAccountSummaryCommand({})),
  );
  const map = summary.SummaryMap ?? {};
  return {
    accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    mfaActive: (map.AccountMFAEnabled ?? 0) > 0,
    accessKeys:
      (map.AccountAccessKeysPresent ?? 0) > 0
        ? [{ slot: 1, active: true, lastRotated: null, lastUsedDate: null }]
        : [],
  };
}

async function getUserIfExists(iam: IAMClient, userName: string): Promise<User | null> {
  const out = await orNullWhenMissing(AwsErrorCode.NoSuchEntity, () =>
    callAws('iam:GetUser', userName, () => iam.send(new GetUserCommand({ UserName: userName }))),
  );
  return out?.User ?? null;
}

/** Collects one account's inventory through the per-user IAM API. */
export async function collectLiveInventory(
  clients: AwsClients,
  options: LiveInventoryOptions,
): Promise<InventoryResult> {
  const warnings: string[] = [];
  const listed: User[] = [];
  if (options.userNames !== undefined) {
    for (const userName of options.userNames) {
      const user = await getUserIfExists(clients.iam, userName);
      if (user !== null) listed.push(user);
    }
  } else {
    options.onProgress?.('listing users');
    await callAws('iam:ListUsers', null, async () => {
      for await (const page of paginateListUsers({ client: clients.iam, pageSize: 1000 }, {})) {
        listed.push(...(page.Users ?? []));
      }
    });
  }
  let accountId = listed.map((u) => accountIdFromArn(u.Arn ?? '')).find((id) => id !== null) ?? null;
  if (accountId === null) {
    accountId =
      (await callAws('sts:GetCallerIdentity', null, () => clients.sts.send(new GetCallerIdentityCommand({}))))
        .Account ?? null;
  }
  if (accountId === null) throw new Error('cannot determine the AWS account id');
  const account = accountId;
  let done = 0;
  const users = await mapWithConcurrency(listed, options.concurrency, async (u) => {
    const record = await readUserLive(clients.iam, account, u, options);
    done++;
    if (done % 100 === 0) options.onProgress?.(`read ${done}/${listed.length} users`);
    return record;
  });
  const root = await rootFromSummary(clients.iam, account);
  const ssmExcludedUsers = await readExcludedUsers(clients.ssm, options.ssmParameterName, warnings);
  return {
    inventory: { accountId: account, source: 'live', reportGeneratedAt: null, users, root, ssmExcludedUsers },
    warnings,
  };
}
