import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { addAccessKey, addAccount, addRole, addUser } from '../../src/emulator/state.js';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const DEFAULT_ACCOUNT = '000000000000';
const MEMBER_ACCOUNT = '222222222222';
const AUDIT_ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/KeywardenAudit`;

describe('emulator STS', () => {
  const emu = useEmulator();
  let alice: { accessKeyId: string; secretAccessKey: string; userId: string };
  let auditRoleId: string;

  beforeAll(() => {
    const home = emu.current.state.accounts.get(DEFAULT_ACCOUNT)!;
    const user = addUser(emu.current.state, home, { userName: 'alice' });
    const key = addAccessKey(emu.current.state, home, user);
    alice = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, userId: user.userId };
    const member = addAccount(emu.current.state, { accountId: MEMBER_ACCOUNT, name: 'workloads' });
    auditRoleId = addRole(emu.current.state, member, { roleName: 'KeywardenAudit' }).roleId;
    addRole(emu.current.state, member, { roleName: 'PathRole', path: '/security/' });
  });

  const sts = (options: Parameters<typeof clientConfig>[1] = {}) =>
    new STSClient(clientConfig(emu.current, options));

  it('answers GetCallerIdentity for an unknown key as the default account root', async () => {
    const out = await sts().send(new GetCallerIdentityCommand({}));

    expect(out).toMatchObject({
      Account: DEFAULT_ACCOUNT,
      Arn: `arn:aws:iam::${DEFAULT_ACCOUNT}:root`,
      UserId: DEFAULT_ACCOUNT,
    });
  });

  it('answers GetCallerIdentity for a user key with the user ARN and id', async () => {
    const out = await sts(alice).send(new GetCallerIdentityCommand({}));

    expect(out).toMatchObject({
      Account: DEFAULT_ACCOUNT,
      Arn: `arn:aws:iam::${DEFAULT_ACCOUNT}:user/alice`,
      UserId: alice.userId,
    });
  });

  it('assumes a role in a second account and the credentials act in that account', async () => {
    const assumed = await sts(alice).send(
      new AssumeRoleCommand({
        RoleArn: AUDIT_ROLE_ARN,
        RoleSessionName: 'keywarden-scan',
        DurationSeconds: 1800,
      }),
    );
    const creds = assumed.Credentials!;
    const asRole = {
      accessKeyId: creds.AccessKeyId!,
      secretAccessKey: creds.SecretAccessKey!,
      sessionToken: creds.SessionToken!,
    };

    const identity = await sts(asRole).send(new GetCallerIdentityCommand({}));
    const ssm = new SSMClient(clientConfig(emu.current, asRole));
    await ssm.send(new PutParameterCommand({ Name: '/keywarden/probe', Value: 'member', Type: 'String' }));
    const read = await ssm.send(new GetParameterCommand({ Name: '/keywarden/probe' }));

    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.Expiration).toEqual(new Date(FIXED_NOW.getTime() + 1800 * 1000));
    expect(assumed.AssumedRoleUser).toEqual({
      AssumedRoleId: `${auditRoleId}:keywarden-scan`,
      Arn: `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/KeywardenAudit/keywarden-scan`,
    });
    expect(identity).toMatchObject({
      Account: MEMBER_ACCOUNT,
      Arn: `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/KeywardenAudit/keywarden-scan`,
      UserId: `${auditRoleId}:keywarden-scan`,
    });
    expect(read.Parameter?.ARN).toBe(`arn:aws:ssm:us-east-1:${MEMBER_ACCOUNT}:parameter/keywarden/probe`);
    expect(emu.current.state.accounts.get(MEMBER_ACCOUNT)!.ssm.has('/keywarden/probe')).toBe(true);
    expect(emu.current.state.accounts.get(DEFAULT_ACCOUNT)!.ssm.has('/keywarden/probe')).toBe(false);
  });

  it('defaults the session to one hour and honours a role path', async () => {
    const out = await sts().send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/security/PathRole`,
        RoleSessionName: 'default-duration',
      }),
    );

    expect(out.Credentials?.Expiration).toEqual(new Date(FIXED_NOW.getTime() + 3600 * 1000));
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${MEMBER_ACCOUNT}:assumed-role/PathRole/default-duration`,
    );
  });

  it.each([
    ['a role the account does not have', `arn:aws:iam::${MEMBER_ACCOUNT}:role/Missing`],
    ['an account the world does not have', 'arn:aws:iam::999999999999:role/KeywardenAudit'],
  ])('refuses AssumeRole of %s with AccessDenied', async (_case, roleArn) => {
    const error = await rejection(
      sts(alice).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 's1' })),
    );

    expect(error).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(error.message).toBe(
      `User: arn:aws:iam::${DEFAULT_ACCOUNT}:user/alice is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  });

  it.each([
    ['a malformed ARN', { RoleArn: 'arn:aws:s3:::keywarden-bucket/role', RoleSessionName: 's1' }],
    [
      'a duration below 900 seconds',
      { RoleArn: AUDIT_ROLE_ARN, RoleSessionName: 's1', DurationSeconds: 899 },
    ],
    [
      'a duration above 43200 seconds',
      { RoleArn: AUDIT_ROLE_ARN, RoleSessionName: 's1', DurationSeconds: 43_201 },
    ],
    ['a session name with a space', { RoleArn: AUDIT_ROLE_ARN, RoleSessionName: 'bad name' }],
  ])('refuses AssumeRole with %s as ValidationError', async (_case, input) => {
    const error = await rejection(sts().send(new AssumeRoleCommand(input)));

    expect(error).toMatchObject({ name: 'ValidationError', status: 400 });
  });
});
