/** The emulator's IAM, driven by the real SDK v3 client over HTTP. */
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetGroupCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  paginateGetAccountAuthorizationDetails,
  paginateGetGroup,
  paginateListUsers,
  paginateListUserTags,
  RemoveUserFromGroupCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/server.js';
import {
  type AccessKey,
  type AccountState,
  addAccessKey,
  addGroup,
  addRole,
  addUser,
  getAccount,
  type IamUser,
} from '../../src/emulator/state.js';
import { rejection } from '../support/aws-errors.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const ACCOUNT_ID = '000000000000';

let emu: Emulator;
let iam: IAMClient;
let account: AccountState;

beforeEach(async () => {
  emu = await startTestEmulator();
  iam = new IAMClient(clientConfig(emu));
  account = getAccount(emu.state, ACCOUNT_ID);
});

afterEach(async () => {
  iam.destroy();
  await emu.stop();
});

function seedUser(userName: string, init: { path?: string } = {}): IamUser {
  return addUser(emu.state, account, { userName, ...init });
}

/** A client that signs with the user's own access key. */
function clientFor(key: AccessKey, region = 'us-east-1'): IAMClient {
  return new IAMClient(
    clientConfig(emu, { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, region }),
  );
}

describe('ListUsers', () => {
  it('pages through users in name order with small MaxItems', async () => {
    // Prepare
    for (const name of ['dave', 'Bob', 'erin', 'alice', 'carol']) seedUser(name);

    // Act
    const pages: string[][] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 2 }, {})) {
      pages.push((page.Users ?? []).map((u) => u.UserName ?? ''));
    }

    // Assess
    expect(pages).toEqual([['alice', 'Bob'], ['carol', 'dave'], ['erin']]);
  });

  it('marks a truncated page and hands back a Marker for the next', async () => {
    for (const name of ['a1', 'a2', 'a3']) seedUser(name);

    const first = await iam.send(new ListUsersCommand({ MaxItems: 2 }));
    const second = await iam.send(new ListUsersCommand({ MaxItems: 2, Marker: first.Marker }));

    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toBeTruthy();
    expect(second.IsTruncated).toBe(false);
    expect(second.Marker).toBeUndefined();
    expect(second.Users?.map((u) => u.UserName)).toEqual(['a3']);
  });

  it('filters by PathPrefix and returns the user fields', async () => {
    seedUser('ops-1', { path: '/ops/' });
    seedUser('dev-1', { path: '/dev/' });

    const out = await iam.send(new ListUsersCommand({ PathPrefix: '/ops/' }));

    expect(out.Users).toHaveLength(1);
    expect(out.Users?.[0]).toMatchObject({
      UserName: 'ops-1',
      Path: '/ops/',
      Arn: `arn:aws:iam::${ACCOUNT_ID}:user/ops/ops-1`,
      CreateDate: FIXED_NOW,
    });
    expect(out.Users?.[0]?.UserId).toMatch(/^AIDA/);
  });

  it('refuses MaxItems outside 1..1000 and a foreign Marker with ValidationError', async () => {
    const zero = await rejection(iam.send(new ListUsersCommand({ MaxItems: 0 })));
    const marker = await rejection(iam.send(new ListUsersCommand({ Marker: 'not-a-marker' })));

    expect(zero).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(marker).toMatchObject({ name: 'ValidationError', status: 400 });
  });
});

describe('CreateUser, GetUser, DeleteUser', () => {
  it('creates a user with a path and tags that GetUser returns', async () => {
    const created = await iam.send(
      new CreateUserCommand({
        UserName: 'svc-billing',
        Path: '/service/',
        Tags: [{ Key: 'owner', Value: 'billing@example.com' }],
      }),
    );
    const got = await iam.send(new GetUserCommand({ UserName: 'svc-billing' }));

    expect(created.User?.Arn).toBe(`arn:aws:iam::${ACCOUNT_ID}:user/service/svc-billing`);
    expect(got.User).toMatchObject({ UserName: 'svc-billing', Path: '/service/', CreateDate: FIXED_NOW });
    expect(got.User?.Tags).toEqual([{ Key: 'owner', Value: 'billing@example.com' }]);
    expect(got.User?.PasswordLastUsed).toBeUndefined();
  });

  it('refuses a second user with the same name, whatever its case, with EntityAlreadyExists', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));

    const error = await rejection(iam.send(new CreateUserCommand({ UserName: 'ALICE' })));

    expect(error).toMatchObject({
      name: 'EntityAlreadyExistsException',
      code: 'EntityAlreadyExists',
      status: 409,
    });
  });

  it('refuses an invalid user name or path with ValidationError', async () => {
    const name = await rejection(iam.send(new CreateUserCommand({ UserName: 'has space' })));
    const path = await rejection(iam.send(new CreateUserCommand({ UserName: 'ok', Path: 'no-slashes' })));

    expect(name).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(path).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('includes PasswordLastUsed once the user has signed in', async () => {
    const user = seedUser('console-user');
    user.passwordLastUsed = new Date('2026-11-01T08:30:00Z');

    const got = await iam.send(new GetUserCommand({ UserName: 'console-user' }));

    expect(got.User?.PasswordLastUsed).toEqual(new Date('2026-11-01T08:30:00Z'));
  });

  it('answers NoSuchEntity for an unknown user', async () => {
    const error = await rejection(iam.send(new GetUserCommand({ UserName: 'ghost' })));

    expect(error).toMatchObject({ name: 'NoSuchEntityException', code: 'NoSuchEntity', status: 404 });
    expect(error.message).toBe('The user with name ghost cannot be found.');
  });

  it('without UserName describes the caller: its own user, or the root account', async () => {
    const key = addAccessKey(emu.state, account, seedUser('self'));
    const asUser = clientFor(key);

    const own = await asUser.send(new GetUserCommand({}));
    const root = await iam.send(new GetUserCommand({}));
    asUser.destroy();

    expect(own.User?.UserName).toBe('self');
    expect(root.User).toMatchObject({ UserId: ACCOUNT_ID, Arn: `arn:aws:iam::${ACCOUNT_ID}:root` });
  });

  it('without UserName refuses assumed-role credentials with ValidationError', async () => {
    emu.state.temporaryCredentials.set('ASIATESTROLE00001', {
      accessKeyId: 'ASIATESTROLE00001',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      accountId: ACCOUNT_ID,
      roleName: 'auditor',
      sessionName: 'audit-run',
      expiration: new Date(FIXED_NOW.getTime() + 3_600_000),
    });
    const asRole = new IAMClient(
      clientConfig(emu, {
        accessKeyId: 'ASIATESTROLE00001',
        secretAccessKey: 'secret',
        sessionToken: 'token',
      }),
    );

    const error = await rejection(asRole.send(new GetUserCommand({})));
    asRole.destroy();

    expect(error).toMatchObject({ name: 'ValidationError', status: 400 });
    expect(error.message).toBe('Must specify userName when calling with non-User credentials');
  });

  it('refuses to delete a user that still has keys, a password, an MFA device or groups (DeleteConflict)', async () => {
    // Prepare
    const user = seedUser('busy');
    const key = addAccessKey(emu.state, account, user);
    user.loginProfile = { createDate: FIXED_NOW, passwordResetRequired: false };
    user.mfaDevices.push({ serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/busy`, enableDate: FIXED_NOW });
    addGroup(emu.state, account, { groupName: 'admins' });
    user.groups.push('admins');
    const deleteBusy = () => rejection(iam.send(new DeleteUserCommand({ UserName: 'busy' })));

    // Act / Assess: each dependency blocks deletion until it is removed
    expect(await deleteBusy()).toMatchObject({
      name: 'DeleteConflictException',
      code: 'DeleteConflict',
      status: 409,
    });
    expect((await deleteBusy()).message).toBe('Cannot delete entity, must delete access keys first.');
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'busy', AccessKeyId: key.accessKeyId }));
    expect((await deleteBusy()).message).toBe('Cannot delete entity, must delete login profile first.');
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'busy' }));
    expect((await deleteBusy()).message).toBe('Cannot delete entity, must delete MFA device first.');
    user.mfaDevices = [];
    expect((await deleteBusy()).code).toBe('DeleteConflict');
    await iam.send(new RemoveUserFromGroupCommand({ UserName: 'busy', GroupName: 'admins' }));
    await iam.send(new DeleteUserCommand({ UserName: 'busy' }));
    expect((await rejection(iam.send(new GetUserCommand({ UserName: 'busy' })))).code).toBe('NoSuchEntity');
  });
});

describe('user tags', () => {
  it('tags, replaces, lists across pages and untags', async () => {
    seedUser('tagged');

    await iam.send(
      new TagUserCommand({
        UserName: 'tagged',
        Tags: [
          { Key: 'team', Value: 'payments' },
          { Key: 'env', Value: 'prod' },
          { Key: 'keywarden:exempt', Value: 'true' },
        ],
      }),
    );
    await iam.send(new TagUserCommand({ UserName: 'tagged', Tags: [{ Key: 'env', Value: 'staging' }] }));
    const pages: string[][] = [];
    for await (const page of paginateListUserTags({ client: iam, pageSize: 2 }, { UserName: 'tagged' })) {
      pages.push((page.Tags ?? []).map((t) => `${t.Key}=${t.Value}`));
    }
    await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['team', 'keywarden:exempt'] }));
    const after = await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }));

    expect(pages).toEqual([['team=payments', 'env=staging'], ['keywarden:exempt=true']]);
    expect(after.Tags).toEqual([{ Key: 'env', Value: 'staging' }]);
    expect(after.IsTruncated).toBe(false);
  });

  it('answers NoSuchEntity when tagging an unknown user', async () => {
    const error = await rejection(
      iam.send(new TagUserCommand({ UserName: 'ghost', Tags: [{ Key: 'a', Value: 'b' }] })),
    );

    expect(error).toMatchObject({ code: 'NoSuchEntity', status: 404 });
  });
});

describe('groups', () => {
  it('lists a user’s groups and a group’s members across pages', async () => {
    // Prepare
    for (const name of ['carol', 'alice', 'bob']) seedUser(name);
    await iam.send(new CreateGroupCommand({ GroupName: 'developers', Path: '/eng/' }));
    await iam.send(new CreateGroupCommand({ GroupName: 'oncall' }));
    for (const name of ['carol', 'alice', 'bob']) {
      await iam.send(new AddUserToGroupCommand({ GroupName: 'developers', UserName: name }));
    }
    await iam.send(new AddUserToGroupCommand({ GroupName: 'oncall', UserName: 'alice' }));

    // Act
    const groups = await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }));
    const members: string[][] = [];
    let group: string | undefined;
    for await (const page of paginateGetGroup({ client: iam, pageSize: 2 }, { GroupName: 'developers' })) {
      members.push((page.Users ?? []).map((u) => u.UserName ?? ''));
      group = page.Group?.Arn;
    }

    // Assess
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['developers', 'oncall']);
    expect(members).toEqual([['alice', 'bob'], ['carol']]);
    expect(group).toBe(`arn:aws:iam::${ACCOUNT_ID}:group/eng/developers`);
  });

  it('answers NoSuchEntity for an unknown group and for the groups of an unknown user', async () => {
    const group = await rejection(iam.send(new GetGroupCommand({ GroupName: 'nobody-here' })));
    const user = await rejection(iam.send(new ListGroupsForUserCommand({ UserName: 'ghost' })));

    expect(group).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    expect(group.message).toBe('The group with name nobody-here cannot be found.');
    expect(user).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });
});

describe('access keys', () => {
  it('creates a key with its secret and lists it without', async () => {
    seedUser('deployer');

    const created = await iam.send(new CreateAccessKeyCommand({ UserName: 'deployer' }));
    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'deployer' }));

    expect(created.AccessKey).toMatchObject({
      UserName: 'deployer',
      Status: 'Active',
      CreateDate: FIXED_NOW,
    });
    expect(created.AccessKey?.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(created.AccessKey?.SecretAccessKey).toHaveLength(40);
    expect(listed.AccessKeyMetadata).toEqual([
      {
        UserName: 'deployer',
        AccessKeyId: created.AccessKey?.AccessKeyId,
        Status: 'Active',
        CreateDate: FIXED_NOW,
      },
    ]);
  });

  it('refuses a third key with LimitExceeded', async () => {
    seedUser('two-keys');
    await iam.send(new CreateAccessKeyCommand({ UserName: 'two-keys' }));
    await iam.send(new CreateAccessKeyCommand({ UserName: 'two-keys' }));

    const error = await rejection(iam.send(new CreateAccessKeyCommand({ UserName: 'two-keys' })));

    expect(error).toMatchObject({ name: 'LimitExceededException', code: 'LimitExceeded', status: 409 });
    expect(error.message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
  });

  it('without UserName lists and creates keys for the calling user', async () => {
    const user = seedUser('self-service');
    const first = addAccessKey(emu.state, account, user);
    const asUser = clientFor(first);

    await asUser.send(new CreateAccessKeyCommand({}));
    const listed = await asUser.send(new ListAccessKeysCommand({}));
    asUser.destroy();

    expect(listed.AccessKeyMetadata?.map((k) => k.UserName)).toEqual(['self-service', 'self-service']);
    expect(user.accessKeys).toHaveLength(2);
  });

  it('deactivates, reactivates and deletes a key', async () => {
    const user = seedUser('rotating');
    const key = addAccessKey(emu.state, account, user);

    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'rotating', AccessKeyId: key.accessKeyId, Status: 'Inactive' }),
    );
    const inactive = await iam.send(new ListAccessKeysCommand({ UserName: 'rotating' }));
    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'rotating', AccessKeyId: key.accessKeyId, Status: 'Active' }),
    );
    const active = await iam.send(new ListAccessKeysCommand({ UserName: 'rotating' }));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'rotating', AccessKeyId: key.accessKeyId }));
    const deleted = await iam.send(new ListAccessKeysCommand({ UserName: 'rotating' }));

    expect(inactive.AccessKeyMetadata?.[0]?.Status).toBe('Inactive');
    expect(active.AccessKeyMetadata?.[0]?.Status).toBe('Active');
    expect(deleted.AccessKeyMetadata).toEqual([]);
    expect(emu.state.keyIndex.has(key.accessKeyId)).toBe(false);
  });

  it('answers NoSuchEntity for an unknown key and ValidationError for an unknown status', async () => {
    const user = seedUser('keyholder');
    const key = addAccessKey(emu.state, account, user);

    const update = await rejection(
      iam.send(
        new UpdateAccessKeyCommand({
          UserName: 'keyholder',
          AccessKeyId: 'AKIANOTAREALKEY00000',
          Status: 'Inactive',
        }),
      ),
    );
    const remove = await rejection(
      iam.send(new DeleteAccessKeyCommand({ UserName: 'keyholder', AccessKeyId: 'AKIANOTAREALKEY00000' })),
    );
    const status = await rejection(
      iam.send(
        new UpdateAccessKeyCommand({
          UserName: 'keyholder',
          AccessKeyId: key.accessKeyId,
          Status: 'Disabled' as 'Inactive',
        }),
      ),
    );

    expect(update).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    expect(update.message).toBe('The Access Key with id AKIANOTAREALKEY00000 cannot be found.');
    expect(remove).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
    expect(status).toMatchObject({ name: 'ValidationError', status: 400 });
  });
});

describe('GetAccessKeyLastUsed', () => {
  it('answers N/A before first use, then the time, service and region of the last signed request', async () => {
    // Prepare
    const user = seedUser('worker');
    const key = addAccessKey(emu.state, account, user);
    const before = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));
    emu.clock.advance(3);
    const asWorker = clientFor(key, 'eu-west-1');

    // Act
    await asWorker.send(new ListUsersCommand({}));
    asWorker.destroy();
    emu.clock.advance(1);
    const after = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));

    // Assess
    expect(before.UserName).toBe('worker');
    expect(before.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
    expect(after.AccessKeyLastUsed).toEqual({
      LastUsedDate: new Date(FIXED_NOW.getTime() + 3 * 86_400_000),
      ServiceName: 'iam',
      Region: 'eu-west-1',
    });
  });

  it('refuses a request signed with an Inactive key with InvalidClientTokenId and records no use', async () => {
    const user = seedUser('parked');
    const key = addAccessKey(emu.state, account, user, { status: 'Inactive' });
    const asParked = clientFor(key);

    const error = await rejection(asParked.send(new ListUsersCommand({})));
    asParked.destroy();
    const lastUsed = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.accessKeyId }));

    expect(error).toMatchObject({ code: 'InvalidClientTokenId', status: 403 });
    expect(lastUsed.AccessKeyLastUsed?.LastUsedDate).toBeUndefined();
  });

  it('refuses a key id that is not in the account with AccessDenied', async () => {
    const error = await rejection(
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIANOTAREALKEY00000' })),
    );

    expect(error).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(error.message).toContain('access key AKIANOTAREALKEY00000');
  });
});

describe('login profiles', () => {
  it('creates, reads and deletes a console password without storing it', async () => {
    const user = seedUser('console');
    emu.clock.advance(2);

    const created = await iam.send(
      new CreateLoginProfileCommand({
        UserName: 'console',
        Password: 'Corr3ct-Horse!',
        PasswordResetRequired: true,
      }),
    );
    const got = await iam.send(new GetLoginProfileCommand({ UserName: 'console' }));
    const changedAt = user.passwordLastChanged;
    const stored = JSON.stringify(user);
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'console' }));
    const gone = await rejection(iam.send(new GetLoginProfileCommand({ UserName: 'console' })));

    const twoDaysLater = new Date(FIXED_NOW.getTime() + 2 * 86_400_000);
    expect(created.LoginProfile).toMatchObject({ UserName: 'console', PasswordResetRequired: true });
    expect(got.LoginProfile).toMatchObject({ UserName: 'console', CreateDate: twoDaysLater });
    expect(changedAt).toEqual(twoDaysLater);
    expect(stored).not.toContain('Corr3ct-Horse!');
    expect(gone).toMatchObject({ name: 'NoSuchEntityException', status: 404 });
  });

  it('answers NoSuchEntity naming the user when there is no login profile', async () => {
    seedUser('keys-only');

    const error = await rejection(iam.send(new GetLoginProfileCommand({ UserName: 'keys-only' })));

    expect(error).toMatchObject({ name: 'NoSuchEntityException', code: 'NoSuchEntity', status: 404 });
    expect(error.message).toBe('Login Profile for User keys-only cannot be found.');
  });

  it('refuses a second login profile with EntityAlreadyExists', async () => {
    seedUser('console');
    await iam.send(new CreateLoginProfileCommand({ UserName: 'console', Password: 'first-Passw0rd' }));

    const error = await rejection(
      iam.send(new CreateLoginProfileCommand({ UserName: 'console', Password: 'second-Passw0rd' })),
    );

    expect(error).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
  });
});

describe('ListMFADevices', () => {
  it('lists the user’s devices', async () => {
    const user = seedUser('secured');
    user.mfaDevices.push({ serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/secured`, enableDate: FIXED_NOW });
    seedUser('unsecured');

    const secured = await iam.send(new ListMFADevicesCommand({ UserName: 'secured' }));
    const unsecured = await iam.send(new ListMFADevicesCommand({ UserName: 'unsecured' }));

    expect(secured.MFADevices).toEqual([
      { UserName: 'secured', SerialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/secured`, EnableDate: FIXED_NOW },
    ]);
    expect(unsecured.MFADevices).toEqual([]);
  });
});

describe('GetAccountAuthorizationDetails', () => {
  it('pages through users with Filter=User, with their groups and tags', async () => {
    // Prepare
    for (const name of ['eve', 'dan', 'cat', 'bea', 'amy']) seedUser(name);
    addGroup(emu.state, account, { groupName: 'readers' });
    account.iam.users.get('cat')?.groups.push('readers');
    account.iam.users.get('cat')?.tags.push({ Key: 'team', Value: 'red' });
    addRole(emu.state, account, { roleName: 'ci' });

    // Act
    const pages: string[][] = [];
    const details = [];
    for await (const page of paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: 2 },
      { Filter: ['User'] },
    )) {
      pages.push((page.UserDetailList ?? []).map((u) => u.UserName ?? ''));
      details.push(...(page.UserDetailList ?? []));
      expect(page.RoleDetailList).toBeUndefined();
    }

    // Assess
    expect(pages).toEqual([['amy', 'bea'], ['cat', 'dan'], ['eve']]);
    expect(details.find((u) => u.UserName === 'cat')).toMatchObject({
      Path: '/',
      Arn: `arn:aws:iam::${ACCOUNT_ID}:user/cat`,
      CreateDate: FIXED_NOW,
      GroupList: ['readers'],
      Tags: [{ Key: 'team', Value: 'red' }],
      AttachedManagedPolicies: [],
      UserPolicyList: [],
    });
  });

  it('without a filter also returns groups and roles', async () => {
    seedUser('solo');
    addGroup(emu.state, account, { groupName: 'readers' });
    addRole(emu.state, account, { roleName: 'ci', path: '/automation/' });

    const out = await iam.send(new GetAccountAuthorizationDetailsCommand({}));

    expect(out.UserDetailList?.map((u) => u.UserName)).toEqual(['solo']);
    expect(out.GroupDetailList?.map((g) => g.GroupName)).toEqual(['readers']);
    expect(out.RoleDetailList?.[0]).toMatchObject({
      RoleName: 'ci',
      Arn: `arn:aws:iam::${ACCOUNT_ID}:role/automation/ci`,
    });
    expect(out.IsTruncated).toBe(false);
  });

  it('refuses an unknown filter with ValidationError', async () => {
    const error = await rejection(
      iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Robot' as 'User'] })),
    );

    expect(error).toMatchObject({ name: 'ValidationError', status: 400 });
  });
});

describe('unknown actions', () => {
  it('answers InvalidAction naming the action', async () => {
    // Prepare: rewrite the action in the form body before signing (same length keeps Content-Length right)
    iam.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        if (typeof request.body === 'string') {
          request.body = request.body.replace('Action=ListUsers', 'Action=LostUsers');
        }
        return next(args);
      },
      { step: 'build', name: 'renameAction' },
    );

    // Act
    const error = await rejection(iam.send(new ListUsersCommand({})));

    // Assess
    expect(error).toMatchObject({ code: 'InvalidAction', status: 400 });
    expect(error.message).toContain('LostUsers');
  });
});
