/**
 * The organization's accounts, as its management account or a delegated administrator lists them:
 * every account (`ListAccounts`), or the accounts under some OUs and all their child OUs
 * (`ListChildren` + `ListAccountsForParent`, walked breadth first). Paginated with the SDK's
 * paginators; the selection (suspended, include, exclude) is the core's.
 */
import {
  type Account,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListChildren,
} from '@aws-sdk/client-organizations';
import type { OrgAccount } from '../core/accounts.js';
import { clientConfig, prepareClient } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { callAws } from '../sdk/errors.js';

/** An OU id (`ou-…`) or the root's (`r-…`), as Organizations spells them. */
export const PARENT_ID_PATTERN = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

function toOrgAccount(a: Account): OrgAccount {
  // `State` replaces the deprecated `Status` (which lacks PENDING_CLOSURE); either may be present.
  return { id: a.Id ?? '', name: a.Name ?? null, state: a.State ?? a.Status ?? null };
}

export function organizationsClient(connection: AwsConnection): OrganizationsClient {
  return prepareClient(new OrganizationsClient(clientConfig(connection)), connection);
}

/** Every account of the organization, or those under `parentIds` (OUs, recursively; or the root). */
export async function listOrganizationAccounts(
  client: OrganizationsClient,
  parentIds: readonly string[] = [],
): Promise<OrgAccount[]> {
  if (parentIds.length === 0) {
    return callAws('organizations:ListAccounts', 'the organization', async () => {
      const out: OrgAccount[] = [];
      for await (const page of paginateListAccounts({ client }, {})) {
        out.push(...(page.Accounts ?? []).map(toOrgAccount));
      }
      return out;
    });
  }
  const out: OrgAccount[] = [];
  const queue = [...parentIds];
  const visited = new Set<string>();
  while (queue.length > 0) {
    const parent = queue.shift() as string;
    if (visited.has(parent)) continue;
    visited.add(parent);
    await callAws('organizations:ListAccountsForParent', parent, async () => {
      for await (const page of paginateListAccountsForParent({ client }, { ParentId: parent })) {
        out.push(...(page.Accounts ?? []).map(toOrgAccount));
      }
    });
    await callAws('organizations:ListChildren', parent, async () => {
      const paged = paginateListChildren({ client }, { ParentId: parent, ChildType: 'ORGANIZATIONAL_UNIT' });
      for await (const page of paged) {
        for (const child of page.Children ?? []) if (child.Id) queue.push(child.Id);
      }
    });
  }
  return out;
}
