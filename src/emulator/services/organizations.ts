/**
 * AWS Organizations over JSON 1.1: the organization, its root and OU tree, and its accounts, as the
 * management account (or a delegated administrator) discovers them before assuming a role in each
 * member. Lists page with `MaxResults` (1 to 20) and `NextToken`, as AWS does.
 */
import { AwsServiceError } from '../errors.js';
import { epochSeconds, paginateToken, requiredStringMember } from '../protocols/json.js';
import type { EmulatorState, Organization } from '../state.js';
import type { JsonService, RequestContext } from './types.js';

type Input = Readonly<Record<string, unknown>>;

/** Every Organizations list answers at most 20 items a page (AWS's limit for MaxResults). */
const MAX_RESULTS = 20;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const CHILD_TYPES = ['ACCOUNT', 'ORGANIZATIONAL_UNIT'] as const;

/** The organization an account belongs to, as management account or member. */
function findOrganization(state: EmulatorState, accountId: string): Organization | undefined {
  return state.organizations.find(
    (o) => o.managementAccountId === accountId || o.memberAccountIds.includes(accountId),
  );
}

function accountArn(org: Organization, accountId: string): string {
  return `arn:aws:organizations::${org.managementAccountId}:account/${org.id}/${accountId}`;
}

function invalidInput(reason: string, message: string): AwsServiceError {
  return new AwsServiceError('InvalidInputException', message, 400, 'Sender', { Reason: reason });
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

/** The organization, for callers allowed to read its structure: the management account or a delegated administrator. */
function requireAdministrator(ctx: RequestContext): Organization {
  const org = requireOrganization(ctx);
  const caller = ctx.account.accountId;
  if (org.managementAccountId !== caller && !org.delegatedAdministratorIds.includes(caller)) {
    throw new AwsServiceError(
      'AccessDeniedException',
      `You don't have permissions to access this resource: account ${caller} is a member of ${org.id}; only its management account ${org.managementAccountId} or a delegated administrator may read the organization's structure.`,
    );
  }
  return org;
}

function paginate<T>(items: readonly T[], input: Input) {
  try {
    return paginateToken(items, input, MAX_RESULTS, MAX_RESULTS);
  } catch (error) {
    // Organizations reports a bad token as InvalidInputException (reason INVALID_PAGINATION_TOKEN).
    if (error instanceof AwsServiceError && error.code === 'InvalidNextTokenException') {
      throw invalidInput(
        'INVALID_PAGINATION_TOKEN',
        'You specified an invalid value for nextToken. You must get the value from the response to a previous call to the API.',
      );
    }
    throw error;
  }
}

function page<T>(items: readonly T[], input: Input, key: string, render: (item: T) => unknown): unknown {
  const paged = paginate(items, input);
  return { [key]: paged.page.map(render), ...(paged.NextToken ? { NextToken: paged.NextToken } : {}) };
}

/** Members in world order, the management account first, each once. */
function accountIds(org: Organization): string[] {
  return [...new Set([org.managementAccountId, ...org.memberAccountIds])];
}

function describeAccountOf(ctx: RequestContext, org: Organization, id: string) {
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
}

/** The parent of a member account: its OU, else the root. */
function accountParent(org: Organization, accountId: string): string {
  return org.accountParents.get(accountId) ?? org.root.id;
}

/** The accounts directly under a root or OU. */
function accountsUnder(org: Organization, parentId: string): string[] {
  return accountIds(org).filter((id) => accountParent(org, id) === parentId);
}

/** Checks a ParentId (root or OU) and that it exists in this organization. */
function requireParent(org: Organization, input: Input): string {
  const parentId = requiredStringMember(input, 'ParentId');
  if (!ROOT_ID.test(parentId) && !OU_ID.test(parentId)) {
    throw invalidInput(
      'INVALID_PATTERN',
      `You provided a value that does not match the required pattern: ParentId ${parentId} is neither a root id (r-xxxx) nor an OU id (ou-xxxx-xxxxxxxx).`,
    );
  }
  if (parentId !== org.root.id && !org.organizationalUnits.some((ou) => ou.id === parentId)) {
    throw new AwsServiceError(
      'ParentNotFoundException',
      "We can't find a root or OU with the ParentId that you specified.",
    );
  }
  return parentId;
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

function listAccounts(ctx: RequestContext, input: Input): unknown {
  const org = requireAdministrator(ctx);
  return page(accountIds(org), input, 'Accounts', (id) => describeAccountOf(ctx, org, id));
}

function listRoots(ctx: RequestContext, input: Input): unknown {
  const org = requireAdministrator(ctx);
  return page([org.root], input, 'Roots', (root) => ({
    Id: root.id,
    Arn: root.arn,
    Name: root.name,
    PolicyTypes: [],
  }));
}

function listOrganizationalUnitsForParent(ctx: RequestContext, input: Input): unknown {
  const org = requireAdministrator(ctx);
  const parentId = requireParent(org, input);
  const units = org.organizationalUnits.filter((ou) => ou.parentId === parentId);
  return page(units, input, 'OrganizationalUnits', (ou) => ({ Id: ou.id, Arn: ou.arn, Name: ou.name }));
}

function listAccountsForParent(ctx: RequestContext, input: Input): unknown {
  const org = requireAdministrator(ctx);
  const parentId = requireParent(org, input);
  return page(accountsUnder(org, parentId), input, 'Accounts', (id) => describeAccountOf(ctx, org, id));
}

function listChildren(ctx: RequestContext, input: Input): unknown {
  const org = requireAdministrator(ctx);
  const parentId = requireParent(org, input);
  const childType = requiredStringMember(input, 'ChildType');
  if (!(CHILD_TYPES as readonly string[]).includes(childType)) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${childType}' at 'childType' failed to satisfy constraint: Member must satisfy enum value set: [${CHILD_TYPES.join(', ')}]`,
    );
  }
  const ids =
    childType === 'ACCOUNT'
      ? accountsUnder(org, parentId)
      : org.organizationalUnits.filter((ou) => ou.parentId === parentId).map((ou) => ou.id);
  return page(ids, input, 'Children', (id) => ({ Id: id, Type: childType }));
}

function listParents(ctx: RequestContext, input: Input): unknown {
  const org = requireAdministrator(ctx);
  const childId = requiredStringMember(input, 'ChildId');
  if (!ACCOUNT_ID.test(childId) && !OU_ID.test(childId)) {
    throw invalidInput(
      'INVALID_PATTERN',
      `You provided a value that does not match the required pattern: ChildId ${childId} is neither an account id (12 digits) nor an OU id (ou-xxxx-xxxxxxxx).`,
    );
  }
  const parentId = ACCOUNT_ID.test(childId)
    ? accountIds(org).includes(childId)
      ? accountParent(org, childId)
      : undefined
    : org.organizationalUnits.find((ou) => ou.id === childId)?.parentId;
  if (parentId === undefined) {
    throw new AwsServiceError(
      'ChildNotFoundException',
      "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
    );
  }
  return page([parentId], input, 'Parents', (id) => ({
    Id: id,
    Type: id === org.root.id ? 'ROOT' : 'ORGANIZATIONAL_UNIT',
  }));
}

function describeAccount(ctx: RequestContext, input: Input): unknown {
  const org = requireAdministrator(ctx);
  const accountId = requiredStringMember(input, 'AccountId');
  if (!ACCOUNT_ID.test(accountId)) {
    throw invalidInput(
      'INVALID_PATTERN',
      `You provided a value that does not match the required pattern: AccountId ${accountId} is not 12 digits.`,
    );
  }
  if (!accountIds(org).includes(accountId)) {
    throw new AwsServiceError(
      'AccountNotFoundException',
      "We can't find an AWS account with the AccountId that you specified, or the account whose credentials you used to make this request isn't a member of an organization.",
    );
  }
  return { Account: describeAccountOf(ctx, org, accountId) };
}

export const organizationsService: JsonService = {
  protocol: 'json',
  signingName: 'organizations',
  targetPrefix: 'AWSOrganizationsV20161128',
  operations: {
    DescribeOrganization: describeOrganization,
    DescribeAccount: describeAccount,
    ListAccounts: listAccounts,
    ListAccountsForParent: listAccountsForParent,
    ListChildren: listChildren,
    ListOrganizationalUnitsForParent: listOrganizationalUnitsForParent,
    ListParents: listParents,
    ListRoots: listRoots,
  },
};
