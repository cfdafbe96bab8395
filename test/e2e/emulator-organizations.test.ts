import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { addAccessKey, addAccount, addUser } from '../../src/emulator/state.js';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const MANAGEMENT = '100000000001';
const MEMBERS = ['100000000002', '100000000003', '100000000004', '100000000005'];
const ORG_ID = 'o-kw12345678';

describe('emulator Organizations', () => {
  const emu = useEmulator();
  let managementKey: { accessKeyId: string; secretAccessKey: string };
  let memberKey: { accessKeyId: string; secretAccessKey: string };

  beforeAll(() => {
    const state = emu.current.state;
    const userKey = (accountId: string) => {
      const account = addAccount(state, {
        accountId,
        name: `acct-${accountId}`,
        email: `${accountId}@corp.example`,
      });
      const key = addAccessKey(state, account, addUser(state, account, { userName: 'auditor' }));
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    };
    managementKey = userKey(MANAGEMENT);
    memberKey = userKey(MEMBERS[0]!);
    for (const id of MEMBERS.slice(1)) addAccount(state, { accountId: id, name: `acct-${id}` });
    state.organizations.push({
      id: ORG_ID,
      arn: `arn:aws:organizations::${MANAGEMENT}:organization/${ORG_ID}`,
      managementAccountId: MANAGEMENT,
      memberAccountIds: MEMBERS,
    });
  });

  const orgs = (options: Parameters<typeof clientConfig>[1] = {}) =>
    new OrganizationsClient(clientConfig(emu.current, options));

  it('describes the organization to a member account', async () => {
    const out = await orgs(memberKey).send(new DescribeOrganizationCommand({}));

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
    const error = await rejection(orgs().send(new DescribeOrganizationCommand({})));

    expect(error).toMatchObject({ name: 'AWSOrganizationsNotInUseException', status: 400 });
  });

  it('lists every account over several pages of MaxResults 2', async () => {
    const pages: string[][] = [];
    for await (const page of paginateListAccounts({ client: orgs(managementKey), pageSize: 2 }, {})) {
      pages.push((page.Accounts ?? []).map((a) => a.Id!));
    }

    expect(pages).toEqual([[MANAGEMENT, MEMBERS[0]], [MEMBERS[1], MEMBERS[2]], [MEMBERS[3]]]);
  });

  it('describes each account with its ARN, email, status and join time', async () => {
    const out = await orgs(managementKey).send(new ListAccountsCommand({ MaxResults: 20 }));

    expect(out.NextToken).toBeUndefined();
    expect(out.Accounts?.find((a) => a.Id === MEMBERS[0])).toMatchObject({
      Arn: `arn:aws:organizations::${MANAGEMENT}:account/${ORG_ID}/${MEMBERS[0]}`,
      Email: `${MEMBERS[0]}@corp.example`,
      Name: `acct-${MEMBERS[0]}`,
      Status: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: FIXED_NOW,
    });
  });

  it('refuses ListAccounts to a member account with AccessDeniedException', async () => {
    const error = await rejection(orgs(memberKey).send(new ListAccountsCommand({})));

    expect(error).toMatchObject({ name: 'AccessDeniedException', status: 400 });
  });

  it.each([0, 21])('refuses MaxResults %i with ValidationException', async (maxResults) => {
    const error = await rejection(
      orgs(managementKey).send(new ListAccountsCommand({ MaxResults: maxResults })),
    );

    expect(error).toMatchObject({ name: 'ValidationException', status: 400 });
  });

  it('refuses a NextToken it did not issue with InvalidInputException', async () => {
    const error = await rejection(orgs(managementKey).send(new ListAccountsCommand({ NextToken: 'bogus' })));

    expect(error).toMatchObject({ name: 'InvalidInputException', status: 400 });
  });
});
