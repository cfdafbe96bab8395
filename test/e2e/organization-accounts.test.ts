/**
 * The organization adapter against the emulator over HTTP: listing every account or those under OUs
 * (child OUs included), and credentials for a member account through its assumed role.
 */

import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { memberSession, sessionConnection } from '../../src/aws/assume-role.js';
import { listOrganizationAccounts } from '../../src/aws/organization.js';
import { selectAccounts } from '../../src/core/accounts.js';
import { partitionOf } from '../../src/core/asff.js';
import type { World } from '../../src/emulator/world-types.js';
import { prepareClient, clientConfig as sdkConfig } from '../../src/sdk/clients.js';
import { clientConfig, useEmulator } from '../support/emulator.js';

const MGMT = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const SUSPENDED = '444444444444';
const LOOSE = '555555555555';
const role = [{ name: 'OrganizationAccountAccessRole' }];
const MEMBER_ROLE = {
  roleName: 'OrganizationAccountAccessRole',
  partition: 'aws',
  sessionName: 'keywarden-test',
} as const;

/** The session's provider for the role in `accountId`, assumed from the emulator's default caller. */
function memberCredentials(accountId: string, role: Parameters<typeof memberSession>[2]) {
  return memberSession(clientConfig(emu.current), accountId, role).credentials;
}

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
    const member = memberCredentials(PROD, MEMBER_ROLE);
    const asMember = new OrganizationsClient({ ...clientConfig(emu.current), credentials: member });
    await expect(listOrganizationAccounts(asMember)).rejects.toThrow(
      /^organizations:ListAccounts the organization failed: AccessDeniedException/,
    );
  });
});

describe('member credentials', () => {
  it.each([
    ['IAM (query protocol: ExpiredToken)', 'iam'],
    ['Secrets Manager (JSON protocol: ExpiredTokenException)', 'secretsmanager'],
  ] as const)('%s: a request refused as expired is sent again on a new session', async (_label, service) => {
    const session = memberSession(clientConfig(emu.current), DEV, MEMBER_ROLE);
    const connection = sessionConnection(clientConfig(emu.current), session);
    const call =
      service === 'iam'
        ? (() => {
            const iam = prepareClient(new IAMClient(sdkConfig(connection)), connection);
            return () => iam.send(new ListUsersCommand({}));
          })()
        : (() => {
            const sm = prepareClient(new SecretsManagerClient(sdkConfig(connection)), connection);
            return () => sm.send(new ListSecretsCommand({}));
          })();
    await call();
    const before = emu.current.faults.count('sts', 'AssumeRole');

    emu.current.clock.advance(2 / 24);
    try {
      await expect(call()).resolves.toBeDefined();
      expect(emu.current.faults.count('sts', 'AssumeRole')).toBe(before + 1);
      expect(session.credentials.issued).toBe(2);
    } finally {
      emu.current.clock.advance(-2 / 24);
      session.close();
    }
  });

  it('a client on static credentials is not changed: ExpiredToken reaches the caller', async () => {
    const session = memberSession(clientConfig(emu.current), DEV, MEMBER_ROLE);
    const identity = await session.credentials();
    const connection = {
      ...clientConfig(emu.current),
      credentials: {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        sessionToken: identity.sessionToken ?? '',
      },
    };
    const iam = prepareClient(new IAMClient(sdkConfig(connection)), connection);
    emu.current.clock.advance(2 / 24);
    try {
      await expect(iam.send(new ListUsersCommand({}))).rejects.toMatchObject({ name: 'ExpiredToken' });
    } finally {
      emu.current.clock.advance(-2 / 24);
      session.close();
    }
  });

  it('assume() names the permission and the role when the role cannot be assumed', async () => {
    const session = memberSession(clientConfig(emu.current), MGMT, MEMBER_ROLE);
    await expect(session.assume()).rejects.toThrow(
      /^sts:AssumeRole arn:aws:iam::111111111111:role\/OrganizationAccountAccessRole failed: AccessDenied/,
    );
    session.close();
  });

  it('assumes the role in the member account', async () => {
    const credentials = memberCredentials(DEV, MEMBER_ROLE);
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
      const session = memberSession(clientConfig(emu.current, { maxAttempts: 4 }), DEV, MEMBER_ROLE);
      const { credentials } = session;
      const sts = new STSClient({ ...clientConfig(emu.current), credentials });
      // Act
      const me = await sts.send(new GetCallerIdentityCommand({}));
      // Assess
      expect(me.Account).toBe(DEV);
      expect(emu.current.faults.faulted('throttle')).toEqual([
        { service: 'sts', operation: 'AssumeRole', count: 3 },
      ]);
      session.close();
    } finally {
      emu.current.faults.configure({});
    }
  });

  it('an account without the role fails with AccessDenied when first used', async () => {
    const credentials = memberCredentials(MGMT, MEMBER_ROLE);
    const sts = new STSClient({ ...clientConfig(emu.current), credentials });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toThrow(
      /not authorized to perform: sts:AssumeRole/,
    );
  });
});
