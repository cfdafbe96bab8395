/**
 * AWS Organizations over JSON 1.1: enough to discover the organization and its accounts, as the
 * management account does before assuming a role in each member.
 */
import { AwsServiceError } from '../errors.js';
import { epochSeconds, paginateToken } from '../protocols/json.js';
import type { EmulatorState, Organization } from '../state.js';
import type { JsonService, RequestContext } from './types.js';

/** ListAccounts answers at most 20 accounts a page (AWS's limit for MaxResults). */
const LIST_ACCOUNTS_MAX_RESULTS = 20;

/** The organization an account belongs to, as management account or member. */
function findOrganization(state: EmulatorState, accountId: string): Organization | undefined {
  return state.organizations.find(
    (o) => o.managementAccountId === accountId || o.memberAccountIds.includes(accountId),
  );
}

function accountArn(org: Organization, accountId: string): string {
  return `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${accountId}`;
}

function requireOrganization(ctx: RequestContext): Organization {
  const org = findOrganization(ctx.state, ctx.account.accountId);
  if (!org) {
    throw new AwsServiceError(
      'AWSOrganizationsNotInUseException',
      `Your account ${ctx.account.accountId} isn't a member of an organization. To make this request, you must use the credentials of an account that belongs to an organization.`,
    );
  }
  return org;
}

function describeOrganization(ctx: RequestContext): unknown {
  const org = requireOrganization(ctx);
  const management = ctx.state.accounts.get(org.managementAccountId);
  return {
    Organization: {
      Id: org.id,
      Arn: org.arn,
      FeatureSet: 'ALL',
      MasterAccountId: org.managementAccountId,
      MasterAccountArn: accountArn(org, org.managementAccountId),
      MasterAccountEmail: management?.email ?? `aws+${org.managementAccountId}@example.com`,
      AvailablePolicyTypes: [],
    },
  };
}

function listAccounts(ctx: RequestContext, input: Readonly<Record<string, unknown>>): unknown {
  const org = requireOrganization(ctx);
  if (org.managementAccountId !== ctx.account.accountId) {
    throw new AwsServiceError(
      'AccessDeniedException',
      `You don't have permissions to access this resource: account ${ctx.account.accountId} is a member of ${org.id}; only its management account ${org.managementAccountId} may list accounts.`,
    );
  }
  const ids = [...new Set([org.managementAccountId, ...org.memberAccountIds])];
  let paged: ReturnType<typeof paginateToken<string>>;
  try {
    paged = paginateToken(ids, input, LIST_ACCOUNTS_MAX_RESULTS, LIST_ACCOUNTS_MAX_RESULTS);
  } catch (error) {
    // Organizations reports a bad token as InvalidInputException (reason INVALID_PAGINATION_TOKEN).
    if (error instanceof AwsServiceError && error.code === 'InvalidNextTokenException') {
      throw new AwsServiceError(
        'InvalidInputException',
        'You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.',
      );
    }
    throw error;
  }
  return {
    Accounts: paged.page.map((id) => {
      const account = ctx.state.accounts.get(id);
      const status = account?.status ?? 'ACTIVE';
      return {
        Id: id,
        Arn: accountArn(org, id),
        Email: account?.email ?? `aws+${id}@example.com`,
        Name: account?.name ?? `account-${id}`,
        Status: status,
        State: status,
        // The management account created the organization; members here are modelled as created by it.
        JoinedMethod: id === org.managementAccountId ? 'INVITED' : 'CREATED',
        JoinedTimestamp: epochSeconds(account?.iam.root.createDate ?? ctx.now),
      };
    }),
    ...(paged.NextToken ? { NextToken: paged.NextToken } : {}),
  };
}

export const organizationsService: JsonService = {
  protocol: 'json',
  signingName: 'organizations',
  targetPrefix: 'AWSOrganizationsV20161128',
  operations: {
    DescribeOrganization: describeOrganization,
    ListAccounts: listAccounts,
  },
};
