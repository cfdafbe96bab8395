import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { addAccessKey, addAccount, addRole, addUser } from '../../src/emulator/state.js';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, startTestEmulator, useEmulator } from '../support/emulator.js';

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

  it('limits a session started from another session (role chaining) to one hour', async () => {
    const first = (
      await sts(alice).send(new AssumeRoleCommand({ RoleArn: AUDIT_ROLE_ARN, RoleSessionName: 'hop1' }))
    ).Credentials!;
    const chained = sts({
      accessKeyId: first.AccessKeyId!,
      secretAccessKey: first.SecretAccessKey!,
      sessionToken: first.SessionToken!,
    });

    const hour = await chained.send(
      new AssumeRoleCommand({ RoleArn: AUDIT_ROLE_ARN, RoleSessionName: 'hop2', DurationSeconds: 3600 }),
    );
    const longer = await rejection(
      chained.send(
        new AssumeRoleCommand({ RoleArn: AUDIT_ROLE_ARN, RoleSessionName: 'hop2', DurationSeconds: 3601 }),
      ),
    );

    expect(hour.Credentials?.Expiration).toEqual(new Date(FIXED_NOW.getTime() + 3600_000));
    expect(longer).toEqual({
      name: 'ValidationError',
      code: 'ValidationError',
      status: 400,
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
  });
});

describe('emulator STS session expiry (on the emulator clock)', () => {
  const ACCOUNT = '333333333333';
  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/KeywardenAuditRole`;
  const MAX_SESSION_SECONDS = 1800;
  const emu = useEmulator({
    world: { accounts: [{ id: ACCOUNT, roles: [{ name: 'KeywardenAuditRole' }] }] },
    sts: { maxSessionSeconds: MAX_SESSION_SECONDS },
  });
  const at = (seconds: number) => emu.current.clock.set(new Date(FIXED_NOW.getTime() + seconds * 1000));

  afterEach(() => {
    vi.useRealTimers();
    emu.current.clock.set(FIXED_NOW);
  });

  async function assume(DurationSeconds?: number) {
    const sts = new STSClient(clientConfig(emu.current));
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'expiry', DurationSeconds }),
    );
    const c = out.Credentials!;
    return {
      expiration: c.Expiration!,
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    };
  }

  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (e: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) =>
        `${e.name} ${e.$metadata?.httpStatusCode}: ${e.message}`,
    );

  it.each([
    [899, 'ok'],
    [900, 'ExpiredToken 403: The security token included in the request is expired'],
    [901, 'ExpiredToken 403: The security token included in the request is expired'],
  ])('a 900-second session %i seconds later: %s', async (seconds, expected) => {
    const { credentials, expiration } = await assume(900);
    at(seconds);

    const result = await outcome(
      new STSClient(clientConfig(emu.current, credentials)).send(new GetCallerIdentityCommand({})),
    );

    expect(expiration).toEqual(new Date(FIXED_NOW.getTime() + 900_000));
    expect(result).toBe(expected);
  });

  it('answers ExpiredTokenException in the JSON protocols', async () => {
    const { credentials } = await assume(900);
    at(901);

    const result = await outcome(
      new SSMClient(clientConfig(emu.current, credentials)).send(new GetParameterCommand({ Name: '/x' })),
    );

    expect(result).toBe('ExpiredTokenException 400: The security token included in the request is expired');
  });

  it.each([
    [MAX_SESSION_SECONDS, 'ok'],
    [
      MAX_SESSION_SECONDS + 1,
      'ValidationError 400: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    ],
  ])('with maxSessionSeconds 1800, DurationSeconds %i: %s', async (seconds, expected) => {
    expect(await outcome(assume(seconds))).toBe(expected);
  });

  it('defaults a session to the maximum when it is shorter than an hour', async () => {
    const { expiration } = await assume();

    expect(expiration).toEqual(new Date(FIXED_NOW.getTime() + MAX_SESSION_SECONDS * 1000));
  });

  it("lets the SDK's fromTemporaryCredentials refresh before expiry, so a long job never sees ExpiredToken", async () => {
    // Prepare: the SDK judges "expires within 5 minutes" by Date.now(); keep it on the emulator's clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    const move = (seconds: number) => {
      at(seconds);
      vi.setSystemTime(emu.current.clock.now());
    };
    move(0);
    const base = clientConfig(emu.current);
    const sts = new STSClient({
      ...base,
      credentials: fromTemporaryCredentials({
        params: { RoleArn: ROLE_ARN, RoleSessionName: 'long-job', DurationSeconds: 900 },
        clientConfig: { endpoint: base.endpoint, region: base.region, credentials: base.credentials },
      }),
    });
    const assumed = () => emu.current.faults.count('sts', 'AssumeRole');
    const before = assumed();
    // Act and assess: a call every 4 minutes for an hour, each session lasting 15.
    const seen: number[] = [];
    for (let minute = 0; minute <= 60; minute += 4) {
      move(minute * 60);
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(ACCOUNT);
      seen.push(assumed() - before);
    }
    // A new session once the current one has less than 5 minutes left (3 minutes, at 12, 24, 36, ...).
    expect(seen).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6]);
  });
});

describe('emulator STS session settings', () => {
  const ACCOUNT = '444444444444';
  const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Story`;
  const world = {
    accounts: [{ id: ACCOUNT, roles: [{ name: 'Story' }] }],
    sts: { sessionsExpire: false },
  };

  async function sessionUseAfter(days: number, options: Parameters<typeof startTestEmulator>[0]) {
    const emu = await startTestEmulator(options);
    try {
      const out = await new STSClient(clientConfig(emu)).send(
        new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'story' }),
      );
      emu.clock.advance(days);
      const c = out.Credentials!;
      const sts = new STSClient(
        clientConfig(emu, {
          accessKeyId: c.AccessKeyId!,
          secretAccessKey: c.SecretAccessKey!,
          sessionToken: c.SessionToken!,
        }),
      );
      return await sts.send(new GetCallerIdentityCommand({})).then(
        () => 'ok',
        (e: Error) => e.name,
      );
    } finally {
      await emu.stop();
    }
  }

  it('keeps sessions valid for weeks when the world says sessionsExpire: false', async () => {
    expect(await sessionUseAfter(14, { world })).toBe('ok');
  });

  it("lets startEmulator's sts option override the world", async () => {
    expect(await sessionUseAfter(14, { world, sts: { sessionsExpire: true } })).toBe('ExpiredToken');
  });

  it.each([899, 43_201, 1000.5])('refuses maxSessionSeconds %s', async (maxSessionSeconds) => {
    await expect(startTestEmulator({ sts: { maxSessionSeconds } })).rejects.toThrow(
      /sts.maxSessionSeconds must be an integer from 900 to 43200/,
    );
  });
});
