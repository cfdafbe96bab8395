/**
 * The organization adapter against the emulator over HTTP: listing every account or those under OUs
 * (child OUs included), and credentials for a member account through its assumed role.
 */

import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { memberCredentials, partitionOf } from '../../src/aws/assume-role.js';
import { listOrganizationAccounts } from '../../src/aws/organization.js';
import { selectAccounts } from '../../src/core/accounts.js';
import type { World } from '../../src/emulator/world-types.js';
import { clientConfig, useEmulator } from '../support/emulator.js';

const MGMT = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const SUSPENDED = '444444444444';
const LOOSE = '555555555555';
const role = [{ name: 'OrganizationAccountAccessRole' }];
const WORLD: World = {
  organizations: [
    {
      id: 'o-test1234567',
      managementAccountId: MGMT,
      rootId: 'r-test',
      organizationalUnits: [
        {
          name: 'Workloads',
          id: 'ou-test-workloads',
          accounts: [SUSPENDED],
          children: [
            { name: 'Prod', accounts: [PROD] },
            { name: 'Dev', accounts: [DEV] },
          ],
        },
      ],
    },
  ],
  accounts: [
    { id: MGMT, users: [] },
    { id: PROD, roles: role, users: [] },
    { id: DEV, roles: role, users: [] },
    { id: SUSPENDED, status: 'SUSPENDED', roles: role, users: [] },
    { id: LOOSE, roles: role, users: [] },
  ],
};

const emu = useEmulator({ world: WORLD });

describe('listing the organization', () => {
  it('lists every account, and the core skips the suspended one', async () => {
    const client = new OrganizationsClient(clientConfig(emu.current));
    const listed = await listOrganizationAccounts(client);
    const { selected } = selectAccounts(listed, { include: null, exclude: [] });
    expect(listed.map((a) => a.id).sort()).toEqual([MGMT, PROD, DEV, SUSPENDED, LOOSE].sort());
    expect(listed.find((a) => a.id === SUSPENDED)?.state).toBe('SUSPENDED');
    expect(selected.map((a) => a.id).sort()).toEqual([MGMT, PROD, DEV, LOOSE].sort());
  });

  it('an OU includes the accounts of its child OUs', async () => {
    const client = new OrganizationsClient(clientConfig(emu.current));
    const listed = await listOrganizationAccounts(client, ['ou-test-workloads']);
    expect(listed.map((a) => a.id).sort()).toEqual([PROD, DEV, SUSPENDED].sort());
  });

  it('a member account cannot list the organization: the error names the permission', async () => {
    const member = memberCredentials(clientConfig(emu.current), PROD, {
      roleName: 'OrganizationAccountAccessRole',
      partition: 'aws',
      sessionName: 'keywarden-test',
    });
    const asMember = new OrganizationsClient({ ...clientConfig(emu.current), credentials: member });
    await expect(listOrganizationAccounts(asMember)).rejects.toThrow(
      /^organizations:ListAccounts the organization failed: AccessDeniedException/,
    );
  });
});

describe('member credentials', () => {
  it('assumes the role in the member account', async () => {
    const credentials = memberCredentials(clientConfig(emu.current), DEV, {
      roleName: 'OrganizationAccountAccessRole',
      partition: 'aws',
      sessionName: 'keywarden-test',
    });
    const sts = new STSClient({ ...clientConfig(emu.current), credentials });
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe(DEV);
    expect(me.Arn).toMatch(/assumed-role\/OrganizationAccountAccessRole\/keywarden-test$/);
    expect(partitionOf(me.Arn ?? '')).toBe('aws');
  });

  it("a throttled AssumeRole is retried with the connection's attempts, not the SDK's default 3", async () => {
    // Prepare: the calling client does not retry a failure of its credentials, so only the STS
    // client inside the provider can.
    emu.current.faults.configure({
      rules: [{ service: 'sts', operation: 'AssumeRole', times: 3, kind: 'throttle' }],
    });
    emu.current.faults.resetCounts();
    try {
      const credentials = memberCredentials(clientConfig(emu.current, { maxAttempts: 4 }), DEV, {
        roleName: 'OrganizationAccountAccessRole',
        partition: 'aws',
        sessionName: 'keywarden-test',
      });
      const sts = new STSClient({ ...clientConfig(emu.current), credentials });
      // Act
      const me = await sts.send(new GetCallerIdentityCommand({}));
      // Assess
      expect(me.Account).toBe(DEV);
      expect(emu.current.faults.faulted('throttle')).toEqual([
        { service: 'sts', operation: 'AssumeRole', count: 3 },
      ]);
    } finally {
      emu.current.faults.configure({});
    }
  });

  it('an account without the role fails with AccessDenied when first used', async () => {
    const credentials = memberCredentials(clientConfig(emu.current), MGMT, {
      roleName: 'OrganizationAccountAccessRole',
      partition: 'aws',
      sessionName: 'keywarden-test',
    });
    const sts = new STSClient({ ...clientConfig(emu.current), credentials });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toThrow(
      /not authorized to perform: sts:AssumeRole/,
    );
  });
});
