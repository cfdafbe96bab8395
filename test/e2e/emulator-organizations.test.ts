import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListChildren,
} from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../src/emulator/world-types.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const MANAGEMENT = '100000000001';
/** A plain member, the delegated administrator, prod (in Workloads/Prod) and dev (suspended, in Workloads/Dev). */
const MEMBERS = ['100000000002', '100000000003', '100000000004', '100000000005'];
const [PLAIN, DELEGATED, PROD, DEV] = MEMBERS as [string, string, string, string];
const OUTSIDER = '999999999999';
const ORG_ID = 'o-kw12345678';
const ROOT_ID = 'r-kw12';

const keyOf = (accountId: string) => ({
  accessKeyId: `AKIA${accountId}0000`,
  secretAccessKey: `secret-${accountId}`,
});

const account = (id: string, extra: Partial<World['accounts'][number]> = {}) => ({
  id,
  name: `acct-${id}`,
  email: `${id}@corp.example`,
  users: [{ name: 'auditor', accessKeys: [{ id: keyOf(id).accessKeyId }] }],
  ...extra,
});

const WORLD: World = {
  organizations: [
    {
      id: ORG_ID,
      managementAccountId: MANAGEMENT,
      memberAccountIds: [MANAGEMENT, ...MEMBERS],
      rootId: ROOT_ID,
      delegatedAdministrators: [DELEGATED],
      organizationalUnits: [
        { name: 'Security', accounts: [DELEGATED] },
        {
          name: 'Workloads',
          children: [
            { name: 'Prod', id: 'ou-kw12-prod0001', accounts: [PROD] },
            { name: 'Dev', accounts: [DEV] },
          ],
        },
      ],
    },
  ],
  accounts: [
    account(MANAGEMENT),
    ...MEMBERS.map((id) => account(id, id === DEV ? { status: 'SUSPENDED' } : {})),
    account(OUTSIDER),
  ],
};

describe('emulator Organizations', () => {
  const emu = useEmulator({ world: WORLD });
  const orgs = (accountId = MANAGEMENT, maxAttempts = 1) =>
    new OrganizationsClient(clientConfig(emu.current, { ...keyOf(accountId), maxAttempts }));
  let ous: Record<string, string> = {};

  async function rejection(
    promise: Promise<unknown>,
  ): Promise<{ name: string; status?: number; message: string; Reason?: string }> {
    const error = await promise.then(
      () => expect.fail('expected the call to fail'),
      (e: unknown) =>
        e as { name: string; message: string; Reason?: string; $metadata?: { httpStatusCode?: number } },
    );
    return {
      name: error.name,
      status: error.$metadata?.httpStatusCode,
      message: error.message,
      ...(error.Reason ? { Reason: error.Reason } : {}),
    };
  }

  beforeAll(async () => {
    const top = await orgs().send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT_ID }));
    const workloads = top.OrganizationalUnits?.find((ou) => ou.Name === 'Workloads')?.Id ?? '';
    const nested = await orgs().send(new ListOrganizationalUnitsForParentCommand({ ParentId: workloads }));
    ous = Object.fromEntries(
      [...(top.OrganizationalUnits ?? []), ...(nested.OrganizationalUnits ?? [])].map((ou) => [
        ou.Name,
        ou.Id,
      ]),
    );
  });

  it('describes the organization to a member account', async () => {
    const out = await orgs(PLAIN).send(new DescribeOrganizationCommand({}));

    expect(out.Organization).toMatchObject({
      Id: ORG_ID,
      Arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`,
      FeatureSet: 'ALL',
      MasterAccountId: MANAGEMENT,
      MasterAccountArn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${MANAGEMENT}`,
      MasterAccountEmail: `${MANAGEMENT}@corp.example`,
    });
  });

  it('answers AWSOrganizationsNotInUseException to an account in no organization', async () => {
    const error = await rejection(orgs(OUTSIDER).send(new DescribeOrganizationCommand({})));

    expect(error).toMatchObject({ name: 'AWSOrganizationsNotInUseException', status: 400 });
  });

  it('lists every account over several pages of MaxResults 2', async () => {
    const pages: string[][] = [];
    for await (const page of paginateListAccounts({ client: orgs(), pageSize: 2 }, {})) {
      pages.push((page.Accounts ?? []).map((a) => a.Id!));
    }

    expect(pages).toEqual([[MANAGEMENT, PLAIN], [DELEGATED, PROD], [DEV]]);
  });

  it('describes each account with its ARN, email, status and join time', async () => {
    const out = await orgs().send(new ListAccountsCommand({ MaxResults: 20 }));

    expect(out.NextToken).toBeUndefined();
    expect(out.Accounts?.find((a) => a.Id === PLAIN)).toMatchObject({
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${PLAIN}`,
      Email: `${PLAIN}@corp.example`,
      Name: `acct-${PLAIN}`,
      Status: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: FIXED_NOW,
    });
    expect(out.Accounts?.find((a) => a.Id === DEV)).toMatchObject({
      Status: 'SUSPENDED',
      State: 'SUSPENDED',
    });
  });

  it('lists the root', async () => {
    const out = await orgs().send(new ListRootsCommand({}));

    expect(out.Roots).toEqual([
      {
        Id: ROOT_ID,
        Arn: `arn:aws:organizations::${MANAGEMENT}:root/${ORG_ID}/${ROOT_ID}`,
        Name: 'Root',
        PolicyTypes: [],
      },
    ]);
  });

  it('lists the OU tree with ids in AWS format, given or derived', async () => {
    const top = await orgs().send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT_ID }));

    expect(top.OrganizationalUnits?.map((ou) => ou.Name)).toEqual(['Security', 'Workloads']);
    expect(top.OrganizationalUnits?.[0]).toEqual({
      Id: ous.Security,
      Arn: `arn:aws:organizations::${MANAGEMENT}:ou/${ORG_ID}/${ous.Security}`,
      Name: 'Security',
    });
    for (const id of Object.values(ous)) expect(id).toMatch(/^ou-kw12-[a-z0-9]{8}$/);
    expect(ous.Prod).toBe('ou-kw12-prod0001');
  });

  it.each([
    ['the root', () => ROOT_ID, [MANAGEMENT, PLAIN]],
    ['Security', () => ous.Security!, [DELEGATED]],
    ['Workloads (only OUs)', () => ous.Workloads!, []],
    ['Prod', () => ous.Prod!, [PROD]],
  ])('lists the accounts directly under %s', async (_name, parent, expected) => {
    const out = await orgs().send(new ListAccountsForParentCommand({ ParentId: parent() }));

    expect(out.Accounts?.map((a) => a.Id)).toEqual(expected);
  });

  it('lists children of each type, a page at a time', async () => {
    const pages: string[][] = [];
    for await (const page of paginateListChildren(
      { client: orgs(), pageSize: 1 },
      { ParentId: ROOT_ID, ChildType: 'ORGANIZATIONAL_UNIT' },
    )) {
      pages.push((page.Children ?? []).map((c) => `${c.Type}:${c.Id}`));
    }
    const accounts = await orgs().send(new ListChildrenCommand({ ParentId: ous.Dev, ChildType: 'ACCOUNT' }));

    expect(pages).toEqual([
      [`ORGANIZATIONAL_UNIT:${ous.Security}`],
      [`ORGANIZATIONAL_UNIT:${ous.Workloads}`],
    ]);
    expect(accounts.Children).toEqual([{ Id: DEV, Type: 'ACCOUNT' }]);
  });

  it.each([
    ['an account in an OU', () => PROD, () => ({ Id: ous.Prod, Type: 'ORGANIZATIONAL_UNIT' })],
    ['an account under the root', () => PLAIN, () => ({ Id: ROOT_ID, Type: 'ROOT' })],
    ['a nested OU', () => ous.Prod!, () => ({ Id: ous.Workloads, Type: 'ORGANIZATIONAL_UNIT' })],
    ['a top-level OU', () => ous.Workloads!, () => ({ Id: ROOT_ID, Type: 'ROOT' })],
  ])('names the parent of %s', async (_case, child, parent) => {
    const out = await orgs().send(new ListParentsCommand({ ChildId: child() }));

    expect(out.Parents).toEqual([parent()]);
  });

  it('describes one account', async () => {
    const out = await orgs().send(new DescribeAccountCommand({ AccountId: DEV }));

    expect(out.Account).toMatchObject({ Id: DEV, Name: `acct-${DEV}`, Status: 'SUSPENDED' });
  });

  it('lets a delegated administrator read the structure', async () => {
    const roots = await orgs(DELEGATED).send(new ListRootsCommand({}));
    const accounts = await orgs(DELEGATED).send(new ListAccountsCommand({}));

    expect(roots.Roots?.[0]?.Id).toBe(ROOT_ID);
    expect(accounts.Accounts).toHaveLength(5);
  });

  it.each([
    ['ListAccounts', (c: OrganizationsClient) => c.send(new ListAccountsCommand({}))],
    ['ListRoots', (c: OrganizationsClient) => c.send(new ListRootsCommand({}))],
    [
      'ListOrganizationalUnitsForParent',
      (c: OrganizationsClient) => c.send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT_ID })),
    ],
    [
      'ListAccountsForParent',
      (c: OrganizationsClient) => c.send(new ListAccountsForParentCommand({ ParentId: ROOT_ID })),
    ],
    [
      'ListChildren',
      (c: OrganizationsClient) =>
        c.send(new ListChildrenCommand({ ParentId: ROOT_ID, ChildType: 'ACCOUNT' })),
    ],
    ['ListParents', (c: OrganizationsClient) => c.send(new ListParentsCommand({ ChildId: PLAIN }))],
    ['DescribeAccount', (c: OrganizationsClient) => c.send(new DescribeAccountCommand({ AccountId: PLAIN }))],
  ])('refuses %s to a plain member (AccessDeniedException) and an outsider', async (_op, call) => {
    const member = await rejection(call(orgs(PLAIN)));
    const outsider = await rejection(call(orgs(OUTSIDER)));

    expect(member).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(outsider).toMatchObject({ name: 'AWSOrganizationsNotInUseException', status: 400 });
  });

  it.each([
    [
      'an unknown OU',
      (c: OrganizationsClient) => c.send(new ListAccountsForParentCommand({ ParentId: 'ou-kw12-nothere1' })),
      { name: 'ParentNotFoundException' },
    ],
    [
      'a malformed parent id',
      (c: OrganizationsClient) =>
        c.send(new ListChildrenCommand({ ParentId: 'bogus', ChildType: 'ACCOUNT' })),
      { name: 'InvalidInputException', Reason: 'INVALID_PATTERN' },
    ],
    [
      'an unknown child type',
      (c: OrganizationsClient) =>
        c.send(new ListChildrenCommand({ ParentId: ROOT_ID, ChildType: 'POLICY' as 'ACCOUNT' })),
      { name: 'ValidationException' },
    ],
    [
      'an account outside the organization as a child',
      (c: OrganizationsClient) => c.send(new ListParentsCommand({ ChildId: OUTSIDER })),
      { name: 'ChildNotFoundException' },
    ],
    [
      'an account outside the organization',
      (c: OrganizationsClient) => c.send(new DescribeAccountCommand({ AccountId: OUTSIDER })),
      { name: 'AccountNotFoundException' },
    ],
    [
      'a NextToken it did not issue',
      (c: OrganizationsClient) => c.send(new ListAccountsCommand({ NextToken: 'bogus' })),
      { name: 'InvalidInputException', Reason: 'INVALID_PAGINATION_TOKEN' },
    ],
    [
      'MaxResults 21',
      (c: OrganizationsClient) => c.send(new ListRootsCommand({ MaxResults: 21 })),
      { name: 'ValidationException' },
    ],
    [
      'MaxResults 0',
      (c: OrganizationsClient) => c.send(new ListAccountsCommand({ MaxResults: 0 })),
      { name: 'ValidationException' },
    ],
  ])('refuses %s', async (_case, call, expected) => {
    const error = await rejection(call(orgs()));

    expect(error).toMatchObject({ status: 400, ...expected });
  });

  it('accepts MaxResults 20', async () => {
    const out = await orgs().send(
      new ListChildrenCommand({ ParentId: ROOT_ID, ChildType: 'ACCOUNT', MaxResults: 20 }),
    );

    expect(out.Children).toHaveLength(2);
  });
});
