/**
 * STS over the Query protocol: who am I (GetCallerIdentity) and AssumeRole, which mints temporary
 * credentials that the server then attributes to the role's account, so a test can hop from a
 * management account into a member account the way Keywarden does in AWS.
 */
import { AwsServiceError, validationError } from '../errors.js';
import { intParam, requiredParam } from '../protocols/query.js';
import { type EmulatorState, newId, newSecret, type Principal } from '../state.js';
import type { QueryService, RequestContext, XmlObject } from './types.js';

const DEFAULT_DURATION_SECONDS = 3600;
const MIN_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 43_200;
/** A session started from another role's session (role chaining) lasts at most one hour. */
const CHAINED_MAX_DURATION_SECONDS = 3600;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`; the path is optional. */
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]{1,64})$/;

/** The ARN AWS reports for a principal: the user, the assumed-role session, or the account root. */
function principalArn(state: EmulatorState, principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return (
        state.accounts.get(principal.accountId)?.iam.users.get(principal.userName)?.arn ??
        `arn:aws:iam::${principal.accountId}:user/${principal.userName}`
      );
    case 'assumed-role':
      return `arn:aws:sts::${principal.accountId}:assumed-role/${principal.roleName}/${principal.sessionName}`;
    case 'default':
      return `arn:aws:iam::${principal.accountId}:root`;
  }
}

function invalidToken(): AwsServiceError {
  return new AwsServiceError(
    'InvalidClientTokenId',
    'The security token included in the request is invalid.',
    403,
  );
}

function getCallerIdentity(ctx: RequestContext): XmlObject {
  const { principal, state } = ctx;
  const arn = principalArn(state, principal);
  switch (principal.kind) {
    case 'user': {
      const user = ctx.account.iam.users.get(principal.userName);
      if (!user) throw invalidToken();
      return { UserId: user.userId, Account: principal.accountId, Arn: arn };
    }
    case 'assumed-role': {
      // A session outlives nothing: once its role is deleted the token no longer resolves.
      const role = ctx.account.iam.roles.get(principal.roleName);
      if (!role) throw invalidToken();
      return { UserId: `${role.roleId}:${principal.sessionName}`, Account: principal.accountId, Arn: arn };
    }
    case 'default':
      return { UserId: principal.accountId, Account: principal.accountId, Arn: arn };
  }
}

function assumeRole(ctx: RequestContext, params: Readonly<Record<string, string>>): XmlObject {
  const roleArn = requiredParam(params, 'RoleArn');
  const sessionName = requiredParam(params, 'RoleSessionName');
  if (roleArn.length < 20 || roleArn.length > 2048) {
    throw validationError(
      `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length between 20 and 2048`,
    );
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64`,
    );
  }
  const { maxSessionSeconds } = ctx.state.sts;
  const durationSeconds = intParam(
    params,
    'DurationSeconds',
    Math.min(DEFAULT_DURATION_SECONDS, maxSessionSeconds),
    MIN_DURATION_SECONDS,
    MAX_DURATION_SECONDS,
  );
  if (durationSeconds > maxSessionSeconds) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  if (ctx.principal.kind === 'assumed-role' && durationSeconds > CHAINED_MAX_DURATION_SECONDS) {
    throw validationError(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw validationError(`Request ARN is invalid: ${roleArn}`);
  const [, , accountId, path, roleName] = match as unknown as [string, string, string, string, string];

  const role = ctx.state.accounts.get(accountId)?.iam.roles.get(roleName);
  if (!role || role.path !== path) {
    throw new AwsServiceError(
      'AccessDenied',
      `User: ${principalArn(ctx.state, ctx.principal)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  }

  const { state } = ctx;
  const expiration = new Date(ctx.now.getTime() + durationSeconds * 1000);
  const accessKeyId = newId(state, 'ASIA');
  const secretAccessKey = newSecret(state);
  const sessionToken = `FwoGZXIvYXdzE${Array.from({ length: 8 }, () => newSecret(state)).join('')}`;
  state.temporaryCredentials.set(accessKeyId, {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    accountId,
    roleName,
    sessionName,
    expiration,
  });
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: secretAccessKey,
      SessionToken: sessionToken,
      Expiration: expiration,
    },
    AssumedRoleUser: {
      AssumedRoleId: `${role.roleId}:${sessionName}`,
      Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    },
  };
}

export const stsService: QueryService = {
  protocol: 'query',
  signingName: 'sts',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: {
    GetCallerIdentity: getCallerIdentity,
    AssumeRole: assumeRole,
  },
};
