/**
 * A generated organization as an organization-wide scan meets it over HTTP: the management account
 * walks the OU tree, lists every account over pages, and assumes the role in each member, one of
 * which is unreachable.
 */
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../src/emulator/generate-world.js';
import { clientConfig, useEmulator } from '../support/emulator.js';

const WORLD = generateWorld({
  accounts: 25,
  usersPerAccount: 2,
  seed: 3,
  organizationalUnits: true,
  accountsWithoutRole: 1,
});
const MANAGEMENT = WORLD.organizations![0]!.managementAccountId;
const UNREACHABLE = WORLD.accounts.find((a) => a.roles?.length === 0)!.id;

describe('a generated organization over HTTP', () => {
  const emu = useEmulator({ world: WORLD });
  // Unknown key ids act as the first organization's management account.
  const orgs = () => new OrganizationsClient(clientConfig(emu.current));

  it('lists all 25 accounts over two pages', async () => {
    const pages: number[] = [];
    for await (const page of paginateListAccounts({ client: orgs() }, {}))
      pages.push(page.Accounts?.length ?? 0);

    expect(pages).toEqual([20, 5]);
  });

  it('walks the OU tree from the root and finds every account exactly once', async () => {
    const roots = await orgs().send(new ListRootsCommand({}));
    const found: string[] = [];
    const walk = async (parentId: string): Promise<void> => {
      const accounts = await orgs().send(new ListAccountsForParentCommand({ ParentId: parentId }));
      found.push(...(accounts.Accounts ?? []).map((a) => a.Id!));
      const units = await orgs().send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId }));
      for (const ou of units.OrganizationalUnits ?? []) await walk(ou.Id!);
    };

    await walk(roots.Roots![0]!.Id!);

    expect(found.sort()).toEqual(WORLD.accounts.map((a) => a.id).sort());
  });

  it('assumes the role in every member but the unreachable one', async () => {
    const sts = new STSClient(clientConfig(emu.current));
    const outcomes = new Map<string, string>();
    for (const account of WORLD.accounts.filter((a) => a.id !== MANAGEMENT)) {
      const outcome = await sts
        .send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${account.id}:role/KeywardenAuditRole`,
            RoleSessionName: 'org-scan',
          }),
        )
        .then(async (out) => {
          const c = out.Credentials!;
          const member = new STSClient(
            clientConfig(emu.current, {
              accessKeyId: c.AccessKeyId!,
              secretAccessKey: c.SecretAccessKey!,
              sessionToken: c.SessionToken!,
            }),
          );
          return (await member.send(new GetCallerIdentityCommand({}))).Account === account.id
            ? 'ok'
            : 'wrong';
        })
        .catch((e: Error) => e.name);
      outcomes.set(account.id, outcome);
    }

    expect([...outcomes].filter(([, o]) => o !== 'ok')).toEqual([[UNREACHABLE, 'AccessDenied']]);
  });
});
