/**
 * IAM over the Query protocol: users, tags, groups, access keys and their last use, login profiles,
 * MFA devices, the credential report and account authorization details, with AWS's parameter names,
 * result elements, `Marker`/`IsTruncated`/`MaxItems` pagination and error codes.
 *
 * Where AWS leaves the user name out (GetUser, ListAccessKeys, CreateAccessKey, ...), the caller is the
 * user whose key signed the request; an assumed role must name the user, as in AWS; an unknown key acts
 * as the account's root user.
 */
import { AwsServiceError } from '../errors.js';
import { listParam, paginateMarker, requiredParam, structListParam } from '../protocols/query.js';
import {
  type AccessKey,
  type AccountState,
  AWS_MANAGED_POLICY_NAMES,
  addAccessKey,
  addGroup,
  addUser,
  awsManagedPolicyArn,
  type IamGroup,
  type IamRole,
  type IamUser,
  removeAccessKey,
  removeUser,
  type Tag,
} from '../state.js';
import { compareNames, renderCredentialReport } from './credential-report.js';
import type { QueryOperation, QueryParams, QueryService, RequestContext, XmlObject } from './types.js';

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

// ---- errors, in AWS's words ----

function noSuchUser(userName: string): AwsServiceError {
  return new AwsServiceError('NoSuchEntity', `The user with name ${userName} cannot be found.`, 404);
}

function noSuchGroup(groupName: string): AwsServiceError {
  return new AwsServiceError('NoSuchEntity', `The group with name ${groupName} cannot be found.`, 404);
}

function noSuchAccessKey(accessKeyId: string): AwsServiceError {
  return new AwsServiceError('NoSuchEntity', `The Access Key with id ${accessKeyId} cannot be found.`, 404);
}

function deleteConflict(what: string): AwsServiceError {
  return new AwsServiceError('DeleteConflict', `Cannot delete entity, must ${what} first.`, 409);
}

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', message, 400);
}

function constraint(value: string, field: string, rule: string): AwsServiceError {
  return validation(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

// ---- parameters ----

const NAME_PATTERN = /^[\w+=,.@-]+$/;

/** IAM user and group names: `[\w+=,.@-]+`, at most `maxLength` characters. */
function validName(value: string, field: string, maxLength: number): string {
  if (value.length > maxLength) {
    throw constraint(value, field, `Member must have length less than or equal to ${maxLength}`);
  }
  if (!NAME_PATTERN.test(value)) {
    throw constraint(value, field, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  }
  return value;
}

function requiredName(params: QueryParams, name: 'UserName' | 'GroupName', maxLength = 128): string {
  return validName(requiredParam(params, name), name === 'UserName' ? 'userName' : 'groupName', maxLength);
}

/** Paths begin and end with `/`. */
function validPath(value: string): string {
  if (!/^\/([\x21-\x7e]*\/)?$/.test(value) || value.length > 512) {
    throw validation(
      'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
    );
  }
  return value;
}

function booleanParam(params: QueryParams, name: string): boolean {
  const raw = params[name];
  if (raw === undefined) return false;
  if (raw !== 'true' && raw !== 'false') {
    throw constraint(raw, name.charAt(0).toLowerCase() + name.slice(1), 'Member must be a boolean');
  }
  return raw === 'true';
}

/** `Tags.member.N.Key`/`.Value`: keys 1..128 characters and unique regardless of case, values up to 256. */
function tagsParam(params: QueryParams): Tag[] {
  const tags = structListParam(params, 'Tags').map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  const seen = new Set<string>();
  for (const tag of tags) {
    if (tag.Key === '' || tag.Key.length > 128) {
      throw constraint(tag.Key, 'tags.member.key', 'Member must have length between 1 and 128');
    }
    if (tag.Value.length > 256) {
      throw constraint(tag.Value, 'tags.member.value', 'Member must have length less than or equal to 256');
    }
    const folded = tag.Key.toLowerCase();
    if (seen.has(folded)) {
      throw new AwsServiceError(
        'InvalidInput',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
        400,
      );
    }
    seen.add(folded);
  }
  return tags;
}

// ---- lookups ----

/** IAM names are case-insensitive: an exact match first, then one that differs only in case. */
function findByName<T>(map: ReadonlyMap<string, T>, name: string): T | undefined {
  const exact = map.get(name);
  if (exact) return exact;
  const folded = name.toLowerCase();
  for (const [key, value] of map) if (key.toLowerCase() === folded) return value;
  return undefined;
}

function userNamed(ctx: RequestContext, userName: string): IamUser {
  const user = findByName(ctx.account.iam.users, userName);
  if (!user) throw noSuchUser(userName);
  return user;
}

function groupNamed(ctx: RequestContext, groupName: string): IamGroup {
  const group = findByName(ctx.account.iam.groups, groupName);
  if (!group) throw noSuchGroup(groupName);
  return group;
}

type Subject = { readonly kind: 'user'; readonly user: IamUser } | { readonly kind: 'root' };

/** The user named by `UserName`, else the caller: its own user, the root user, or (assumed role) an error. */
function subject(ctx: RequestContext, params: QueryParams): Subject {
  const userName = params.UserName;
  if (userName !== undefined && userName !== '') {
    return { kind: 'user', user: userNamed(ctx, validName(userName, 'userName', 128)) };
  }
  const principal = ctx.principal;
  switch (principal.kind) {
    case 'user':
      return { kind: 'user', user: userNamed(ctx, principal.userName) };
    case 'assumed-role':
      throw validation('Must specify userName when calling with non-User credentials');
    case 'default':
      return { kind: 'root' };
  }
}

/** Like `subject`, for operations the emulator supports only on IAM users (not on root credentials). */
function subjectUser(ctx: RequestContext, params: QueryParams, action: string): IamUser {
  const target = subject(ctx, params);
  if (target.kind === 'root') {
    throw validation(
      `The keywarden emulator does not support ${action} on the root user's credentials; pass UserName.`,
    );
  }
  return target.user;
}

function callerArn(ctx: RequestContext): string {
  const principal = ctx.principal;
  switch (principal.kind) {
    case 'user':
      return ctx.account.iam.users.get(principal.userName)?.arn ?? ctx.account.iam.root.arn;
    case 'assumed-role':
      return `arn:aws:sts::${principal.accountId}:assumed-role/${principal.roleName}/${principal.sessionName}`;
    case 'default':
      return ctx.account.iam.root.arn;
  }
}

function sortedUsers(account: AccountState): IamUser[] {
  return [...account.iam.users.values()].sort((a, b) => compareNames(a.userName, b.userName));
}

function accessKeyOf(ctx: RequestContext, params: QueryParams): { user: IamUser; key: AccessKey } {
  const accessKeyId = requiredParam(params, 'AccessKeyId');
  const target = subject(ctx, params);
  if (target.kind === 'root') throw noSuchAccessKey(accessKeyId);
  const key = target.user.accessKeys.find((k) => k.accessKeyId === accessKeyId);
  if (!key) throw noSuchAccessKey(accessKeyId);
  return { user: target.user, key };
}

// ---- result elements ----

function tagElements(tags: readonly Tag[]): XmlObject[] {
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

/** The fields every IAM user shape starts with. */
function userIdentity(user: IamUser): XmlObject {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: user.createDate,
  };
}

/** The `User` shape. Listings leave tags out, as AWS's ListUsers does. */
function userElement(user: IamUser, withTags = false): XmlObject {
  return {
    ...userIdentity(user),
    PasswordLastUsed: user.passwordLastUsed ?? undefined,
    Tags: withTags && user.tags.length > 0 ? tagElements(user.tags) : undefined,
  };
}

function groupElement(group: IamGroup): XmlObject {
  return {
    Path: group.path,
    GroupName: group.groupName,
    GroupId: group.groupId,
    Arn: group.arn,
    CreateDate: group.createDate,
  };
}

function accessKeyMetadata(user: IamUser, key: AccessKey): XmlObject {
  return {
    UserName: user.userName,
    AccessKeyId: key.accessKeyId,
    Status: key.status,
    CreateDate: key.createDate,
  };
}

function loginProfileElement(user: IamUser): XmlObject {
  const profile = user.loginProfile;
  if (!profile) {
    throw new AwsServiceError(
      'NoSuchEntity',
      `Login Profile for User ${user.userName} cannot be found.`,
      404,
    );
  }
  return {
    UserName: user.userName,
    CreateDate: profile.createDate,
    PasswordResetRequired: profile.passwordResetRequired,
  };
}

// ---- users ----

const ListUsers: QueryOperation = (ctx, params) => {
  const prefix = params.PathPrefix ?? '/';
  const users = sortedUsers(ctx.account).filter((u) => u.path.startsWith(prefix));
  const { page, IsTruncated, Marker } = paginateMarker(users, params);
  return { Users: page.map((u) => userElement(u)), IsTruncated, Marker };
};

const GetUser: QueryOperation = (ctx, params) => {
  const target = subject(ctx, params);
  if (target.kind === 'root') {
    // AWS answers root credentials with the account as the "user": no UserName or Path.
    const root = ctx.account.iam.root;
    return {
      User: {
        UserId: ctx.account.accountId,
        Arn: root.arn,
        CreateDate: root.createDate,
        PasswordLastUsed: root.passwordLastUsed ?? undefined,
      },
    };
  }
  return { User: userElement(target.user, true) };
};

const CreateUser: QueryOperation = (ctx, params) => {
  const userName = requiredName(params, 'UserName', 64);
  const path = validPath(params.Path ?? '/');
  const tags = tagsParam(params);
  if (findByName(ctx.account.iam.users, userName)) {
    throw new AwsServiceError('EntityAlreadyExists', `User with name ${userName} already exists.`, 409);
  }
  const user = addUser(ctx.state, ctx.account, { userName, path, createDate: ctx.now, tags });
  return { User: userElement(user, true) };
};

const DeleteUser: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  if (user.accessKeys.length > 0) throw deleteConflict('delete access keys');
  if (user.loginProfile) throw deleteConflict('delete login profile');
  if (user.mfaDevices.length > 0) throw deleteConflict('delete MFA device');
  if (user.groups.length > 0) throw deleteConflict('remove user from all groups');
  if (user.attachedPolicyArns.length > 0) throw deleteConflict('detach all policies');
  removeUser(ctx.state, ctx.account, user);
  return undefined;
};

// ---- tags ----

const ListUserTags: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  const { page, IsTruncated, Marker } = paginateMarker(user.tags, params);
  return { Tags: tagElements(page), IsTruncated, Marker };
};

const TagUser: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  const tags = tagsParam(params);
  if (tags.length === 0) {
    throw validation(
      "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null",
    );
  }
  for (const tag of tags) {
    const existing = user.tags.find((t) => t.Key.toLowerCase() === tag.Key.toLowerCase());
    if (existing) existing.Value = tag.Value;
    else user.tags.push(tag);
  }
  return undefined;
};

const UntagUser: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  const keys = new Set(listParam(params, 'TagKeys').map((k) => k.toLowerCase()));
  user.tags = user.tags.filter((t) => !keys.has(t.Key.toLowerCase()));
  return undefined;
};

// ---- groups ----

const ListGroupsForUser: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  const groups = user.groups
    .map((name) => ctx.account.iam.groups.get(name))
    .filter((g): g is IamGroup => g !== undefined);
  const { page, IsTruncated, Marker } = paginateMarker(groups, params);
  return { Groups: page.map(groupElement), IsTruncated, Marker };
};

const GetGroup: QueryOperation = (ctx, params) => {
  const group = groupNamed(ctx, requiredName(params, 'GroupName'));
  const members = sortedUsers(ctx.account).filter((u) => u.groups.includes(group.groupName));
  const { page, IsTruncated, Marker } = paginateMarker(members, params);
  return { Group: groupElement(group), Users: page.map((u) => userElement(u)), IsTruncated, Marker };
};

const CreateGroup: QueryOperation = (ctx, params) => {
  const groupName = requiredName(params, 'GroupName');
  const path = validPath(params.Path ?? '/');
  if (findByName(ctx.account.iam.groups, groupName)) {
    throw new AwsServiceError('EntityAlreadyExists', `Group with name ${groupName} already exists.`, 409);
  }
  return { Group: groupElement(addGroup(ctx.state, ctx.account, { groupName, path, createDate: ctx.now })) };
};

const AddUserToGroup: QueryOperation = (ctx, params) => {
  const group = groupNamed(ctx, requiredName(params, 'GroupName'));
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  if (!user.groups.includes(group.groupName)) user.groups.push(group.groupName);
  return undefined;
};

const RemoveUserFromGroup: QueryOperation = (ctx, params) => {
  const group = groupNamed(ctx, requiredName(params, 'GroupName'));
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  if (!user.groups.includes(group.groupName)) {
    throw new AwsServiceError(
      'NoSuchEntity',
      `User ${user.userName} is not in group ${group.groupName}.`,
      404,
    );
  }
  user.groups = user.groups.filter((g) => g !== group.groupName);
  return undefined;
};

// ---- access keys ----

const ListAccessKeys: QueryOperation = (ctx, params) => {
  const target = subject(ctx, params);
  // Root keys have no ids in the emulator's state, so root credentials list none.
  const rows =
    target.kind === 'user' ? target.user.accessKeys.map((k) => accessKeyMetadata(target.user, k)) : [];
  const { page, IsTruncated, Marker } = paginateMarker(rows, params);
  return { AccessKeyMetadata: page, IsTruncated, Marker };
};

const CreateAccessKey: QueryOperation = (ctx, params) => {
  const user = subjectUser(ctx, params, 'CreateAccessKey');
  const key = addAccessKey(ctx.state, ctx.account, user, { createDate: ctx.now });
  return {
    AccessKey: {
      UserName: user.userName,
      AccessKeyId: key.accessKeyId,
      Status: key.status,
      SecretAccessKey: key.secretAccessKey,
      CreateDate: key.createDate,
    },
  };
};

const UpdateAccessKey: QueryOperation = (ctx, params) => {
  const status = requiredParam(params, 'Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw constraint(status, 'status', 'Member must satisfy enum value set: [Active, Inactive]');
  }
  const { key } = accessKeyOf(ctx, params);
  key.status = status;
  return undefined;
};

const DeleteAccessKey: QueryOperation = (ctx, params) => {
  const { user, key } = accessKeyOf(ctx, params);
  removeAccessKey(ctx.state, user, key.accessKeyId);
  return undefined;
};

/**
 * `ServiceName` and `Region` are "N/A" and `LastUsedDate` absent for a key never used (API reference,
 * AccessKeyLastUsed). A key id not in the caller's account is refused with AccessDenied, as AWS does
 * for a resource it cannot authorize against, rather than NoSuchEntity.
 */
const GetAccessKeyLastUsed: QueryOperation = (ctx, params) => {
  const accessKeyId = requiredParam(params, 'AccessKeyId');
  for (const user of ctx.account.iam.users.values()) {
    const key = user.accessKeys.find((k) => k.accessKeyId === accessKeyId);
    if (!key) continue;
    const used = key.lastUsed;
    return {
      UserName: user.userName,
      AccessKeyLastUsed: {
        LastUsedDate: used?.date,
        ServiceName: used?.serviceName ?? 'N/A',
        Region: used?.region ?? 'N/A',
      },
    };
  }
  throw new AwsServiceError(
    'AccessDenied',
    `User: ${callerArn(ctx)} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${accessKeyId}`,
    403,
  );
};

// ---- console password and MFA ----

const GetLoginProfile: QueryOperation = (ctx, params) => ({
  LoginProfile: loginProfileElement(subjectUser(ctx, params, 'GetLoginProfile')),
});

/** The password itself is never stored: only that one exists and when it was set. */
const CreateLoginProfile: QueryOperation = (ctx, params) => {
  const user = subjectUser(ctx, params, 'CreateLoginProfile');
  requiredParam(params, 'Password');
  const passwordResetRequired = booleanParam(params, 'PasswordResetRequired');
  if (user.loginProfile) {
    throw new AwsServiceError(
      'EntityAlreadyExists',
      `Login Profile for user ${user.userName} already exists.`,
      409,
    );
  }
  user.loginProfile = { createDate: ctx.now, passwordResetRequired };
  user.passwordLastChanged = ctx.now;
  return { LoginProfile: loginProfileElement(user) };
};

/** A password change (or a reset by an administrator): moves password_last_changed, never CreateDate. */
const UpdateLoginProfile: QueryOperation = (ctx, params) => {
  const user = subjectUser(ctx, params, 'UpdateLoginProfile');
  const profile = user.loginProfile;
  loginProfileElement(user);
  if (params.Password !== undefined) user.passwordLastChanged = ctx.now;
  if (params.PasswordResetRequired !== undefined && profile) {
    user.loginProfile = { ...profile, passwordResetRequired: booleanParam(params, 'PasswordResetRequired') };
  }
  return undefined;
};

const DeleteLoginProfile: QueryOperation = (ctx, params) => {
  const user = subjectUser(ctx, params, 'DeleteLoginProfile');
  loginProfileElement(user);
  user.loginProfile = null;
  return undefined;
};

const ListMFADevices: QueryOperation = (ctx, params) => {
  const target = subject(ctx, params);
  const devices: XmlObject[] =
    target.kind === 'user'
      ? target.user.mfaDevices.map((d) => ({
          UserName: target.user.userName,
          SerialNumber: d.serialNumber,
          EnableDate: d.enableDate,
        }))
      : ctx.account.iam.root.mfaActive
        ? [
            {
              SerialNumber: `arn:aws:iam::${ctx.account.accountId}:mfa/root-account-mfa-device`,
              EnableDate: ctx.account.iam.root.createDate,
            },
          ]
        : [];
  const { page, IsTruncated, Marker } = paginateMarker(devices, params);
  return { MFADevices: page, IsTruncated, Marker };
};

// ---- managed policies ----

/** An attached policy as IAM lists it: its name is the ARN's last segment. */
function attachedPolicyElement(arn: string): XmlObject {
  return { PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn };
}

const KNOWN_POLICY_ARNS: ReadonlySet<string> = new Set(AWS_MANAGED_POLICY_NAMES.map(awsManagedPolicyArn));

/** A known policy's ARN; IAM answers an unknown (or customer managed, not modelled) one with NoSuchEntity. */
function policyArnParam(params: QueryParams): string {
  const arn = requiredParam(params, 'PolicyArn');
  if (!arn.startsWith('arn:')) throw new AwsServiceError('InvalidInput', `ARN ${arn} is not valid.`, 400);
  if (!KNOWN_POLICY_ARNS.has(arn)) {
    throw new AwsServiceError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
  }
  return arn;
}

const AttachUserPolicy: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  const arn = policyArnParam(params);
  if (!user.attachedPolicyArns.includes(arn)) user.attachedPolicyArns.push(arn);
  return undefined;
};

const DetachUserPolicy: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  const arn = policyArnParam(params);
  if (!user.attachedPolicyArns.includes(arn)) {
    throw new AwsServiceError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
  }
  user.attachedPolicyArns = user.attachedPolicyArns.filter((a) => a !== arn);
  return undefined;
};

const ListAttachedUserPolicies: QueryOperation = (ctx, params) => {
  const user = userNamed(ctx, requiredName(params, 'UserName'));
  const { page, IsTruncated, Marker } = paginateMarker(user.attachedPolicyArns, params);
  return { AttachedPolicies: page.map(attachedPolicyElement), IsTruncated, Marker };
};

// ---- credential report ----

function reportAgeSeconds(ctx: RequestContext, generatedAt: Date): number {
  return (ctx.now.getTime() - generatedAt.getTime()) / 1000;
}

/**
 * AWS regenerates only when there is no report or the last one is older than four hours ("IAM User
 * Guide: Getting credential reports"); otherwise the existing report stands. A new report is a snapshot
 * taken now and stays "in progress" for `inProgressPolls` Generate/Get calls.
 */
const GenerateCredentialReport: QueryOperation = (ctx) => {
  const settings = ctx.state.credentialReport;
  const report = ctx.account.iam.credentialReport;
  if (report && report.pendingPolls > 0) {
    report.pendingPolls -= 1;
    return { State: 'INPROGRESS', Description: 'Report generation in progress' };
  }
  const maxAgeSeconds = Math.min(settings.reuseSeconds, settings.expireSeconds ?? Number.POSITIVE_INFINITY);
  if (report && reportAgeSeconds(ctx, report.generatedAt) < maxAgeSeconds) return { State: 'COMPLETE' };
  ctx.account.iam.credentialReport = {
    generatedAt: ctx.now,
    content: renderCredentialReport(ctx.account, ctx.now, settings.quoting),
    pendingPolls: settings.inProgressPolls,
  };
  return { State: 'STARTED', Description: 'No report exists. Starting a new report generation task' };
};

const GetCredentialReport: QueryOperation = (ctx) => {
  const report = ctx.account.iam.credentialReport;
  if (!report) {
    throw new AwsServiceError(
      'ReportNotPresent',
      'Credential report not present. Call GenerateCredentialReport to start one.',
      410,
    );
  }
  if (report.pendingPolls > 0) {
    report.pendingPolls -= 1;
    throw new AwsServiceError(
      'ReportInProgress',
      'Credential report is being generated. Call GetCredentialReport again shortly.',
      404,
    );
  }
  const expireSeconds = ctx.state.credentialReport.expireSeconds;
  if (expireSeconds !== undefined && reportAgeSeconds(ctx, report.generatedAt) >= expireSeconds) {
    throw new AwsServiceError(
      'ReportExpired',
      `The credential report generated at ${report.generatedAt.toISOString()} has expired. Call GenerateCredentialReport for a new one.`,
      410,
    );
  }
  return {
    Content: Buffer.from(report.content, 'utf8').toString('base64'),
    ReportFormat: 'text/csv',
    GeneratedTime: report.generatedAt,
  };
};

// ---- account authorization details ----

const ENTITY_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
type EntityFilter = (typeof ENTITY_FILTERS)[number];

type AuthorizationEntry =
  | { readonly kind: 'user'; readonly user: IamUser }
  | { readonly kind: 'group'; readonly group: IamGroup }
  | { readonly kind: 'role'; readonly role: IamRole };

function userDetail(user: IamUser): XmlObject {
  return {
    ...userIdentity(user),
    UserPolicyList: [],
    GroupList: [...user.groups],
    AttachedManagedPolicies: user.attachedPolicyArns.map(attachedPolicyElement),
    Tags: tagElements(user.tags),
  };
}

function groupDetail(group: IamGroup): XmlObject {
  return { ...groupElement(group), GroupPolicyList: [], AttachedManagedPolicies: [] };
}

function roleDetail(role: IamRole): XmlObject {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate,
    InstanceProfileList: [],
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  };
}

/**
 * Users, then groups, then roles, each by name, paged as one sequence. A user's attached AWS managed
 * policies are listed; the policies themselves have no document here: `Policies` is empty when asked for.
 */
const GetAccountAuthorizationDetails: QueryOperation = (ctx, params) => {
  const requested = listParam(params, 'Filter');
  for (const filter of requested) {
    if (!(ENTITY_FILTERS as readonly string[]).includes(filter)) {
      throw constraint(
        `[${requested.join(', ')}]`,
        'filter',
        `Member must satisfy constraint: [Member must satisfy enum value set: [${ENTITY_FILTERS.join(', ')}]]`,
      );
    }
  }
  const wants = (f: EntityFilter) => requested.length === 0 || requested.includes(f);
  const iam = ctx.account.iam;
  const entries: AuthorizationEntry[] = [
    ...(wants('User') ? sortedUsers(ctx.account).map((user) => ({ kind: 'user' as const, user })) : []),
    ...(wants('Group')
      ? [...iam.groups.values()]
          .sort((a, b) => compareNames(a.groupName, b.groupName))
          .map((group) => ({ kind: 'group' as const, group }))
      : []),
    ...(wants('Role')
      ? [...iam.roles.values()]
          .sort((a, b) => compareNames(a.roleName, b.roleName))
          .map((role) => ({ kind: 'role' as const, role }))
      : []),
  ];
  const { page, IsTruncated, Marker } = paginateMarker(entries, params);
  const users: XmlObject[] = [];
  const groups: XmlObject[] = [];
  const roles: XmlObject[] = [];
  for (const entry of page) {
    switch (entry.kind) {
      case 'user':
        users.push(userDetail(entry.user));
        break;
      case 'group':
        groups.push(groupDetail(entry.group));
        break;
      case 'role':
        roles.push(roleDetail(entry.role));
        break;
    }
  }
  return {
    UserDetailList: wants('User') ? users : undefined,
    GroupDetailList: wants('Group') ? groups : undefined,
    RoleDetailList: wants('Role') ? roles : undefined,
    Policies: wants('LocalManagedPolicy') || wants('AWSManagedPolicy') ? [] : undefined,
    IsTruncated,
    Marker,
  };
};

/**
 * The account-level counts IAM keeps. Live inventory reads `AccountAccessKeysPresent` (root keys of
 * any status, as AWS counts them) and `AccountMFAEnabled` because root has no other API view.
 */
const GetAccountSummary: QueryOperation = (ctx) => {
  const iam = ctx.account.iam;
  const users = [...iam.users.values()];
  return {
    SummaryMap: new Map<string, number>([
      ['Users', users.length],
      ['Groups', iam.groups.size],
      ['Roles', iam.roles.size],
      ['AccessKeysPerUserQuota', 2],
      ['AccountAccessKeysPresent', iam.root.accessKeys.length > 0 ? 1 : 0],
      ['AccountMFAEnabled', iam.root.mfaActive ? 1 : 0],
      ['MFADevicesInUse', users.reduce((n, u) => n + u.mfaDevices.length, 0)],
      ['UsersQuota', 5000],
    ]),
  };
};

export const iamService: QueryService = {
  protocol: 'query',
  signingName: 'iam',
  xmlns: XMLNS,
  operations: {
    ListUsers,
    GetUser,
    CreateUser,
    DeleteUser,
    ListUserTags,
    TagUser,
    UntagUser,
    ListGroupsForUser,
    GetGroup,
    CreateGroup,
    AddUserToGroup,
    RemoveUserFromGroup,
    ListAccessKeys,
    CreateAccessKey,
    UpdateAccessKey,
    DeleteAccessKey,
    GetAccessKeyLastUsed,
    GetLoginProfile,
    CreateLoginProfile,
    UpdateLoginProfile,
    DeleteLoginProfile,
    ListMFADevices,
    AttachUserPolicy,
    DetachUserPolicy,
    ListAttachedUserPolicies,
    GenerateCredentialReport,
    GetCredentialReport,
    GetAccountAuthorizationDetails,
    GetAccountSummary,
  },
};
