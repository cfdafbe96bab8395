/**
 * Which accounts a many-account run works in, and how it reaches each: the caller (who it is, in
 * which partition), the accounts (listed by Organizations, or as given), the core's selection of
 * them, and each account's clients: the caller's own in its own account, an assumed role elsewhere.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { MemberRole } from '../aws/assume-role.js';
import { listOrganizationAccounts, organizationsClient } from '../aws/organization.js';
import { type AccountSelection, type OrgAccount, selectAccounts } from '../core/accounts.js';
import { partitionOf } from '../core/asff.js';
import type { AwsConnection } from '../sdk/connection.js';
import { callAws } from '../sdk/errors.js';
import { type Connection, connectAccount, connectMember, type MemberConnection } from './connect.js';
import type { AccountClients } from './types.js';

export { PARENT_ID_PATTERN } from '../aws/organization.js';

/** The accounts a run asks for, as its flags name them. */
export interface AccountsRequest {
  /** `org`: listed by Organizations; `list`: given (`accounts`). */
  readonly source: 'org' | 'list';
  readonly accounts: readonly string[];
  /** With `org`: only accounts under these OUs (or the root), child OUs included; empty: all. */
  readonly ous: readonly string[];
  readonly include: readonly string[] | null;
  readonly exclude: readonly string[];
  readonly roleName: string;
  readonly externalId: string | null;
}

export interface ResolvedAccounts extends AccountSelection {
  /** The account of the credentials used: worked on with them, not through an assumed role. */
  readonly callerAccountId: string;
  readonly role: MemberRole;
}

/** Who the caller is, then the accounts (listed by Organizations for `org`), then the selection. */
export async function resolveAccounts(
  request: AccountsRequest,
  connection: AwsConnection,
  caller: Pick<AccountClients, 'sts'>,
): Promise<ResolvedAccounts> {
  const me = await callAws('sts:GetCallerIdentity', null, () =>
    caller.sts.send(new GetCallerIdentityCommand({})),
  );
  let listed: OrgAccount[];
  if (request.source === 'org') {
    const client = organizationsClient(connection);
    try {
      listed = await listOrganizationAccounts(client, request.ous);
    } finally {
      client.destroy();
    }
  } else {
    listed = request.accounts.map((id) => ({ id, name: null, state: null }));
  }
  const selection = selectAccounts(listed, { include: request.include, exclude: request.exclude });
  return {
    ...selection,
    callerAccountId: me.Account ?? '',
    role: {
      roleName: request.roleName,
      partition: partitionOf(me.Arn ?? ''),
      sessionName: 'keywarden',
      ...(request.externalId === null ? {} : { externalId: request.externalId }),
    },
  };
}

/**
 * The clients for one of the resolved accounts: the caller's own for its own account, the run's
 * role assumed there elsewhere ({@link connectMember}).
 */
export function connectResolved(
  connection: AwsConnection,
  resolved: ResolvedAccounts,
  accountId: string,
): MemberConnection {
  if (accountId !== resolved.callerAccountId) return connectMember(connection, accountId, resolved.role);
  const own: Connection = connectAccount(connection);
  return { ...own, assume: async () => {} };
}
