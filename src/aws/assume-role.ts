/**
 * Credentials for a member account: the role `--role-name` assumed there with STS, from the caller's
 * own credentials. The SDK's `fromTemporaryCredentials` memoizes the session and assumes the role
 * again shortly before it expires, so a run longer than the session (an hour by default) keeps
 * working without any code of ours.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { type AwsConnection, clientConfig } from './clients.js';
import type { Permission } from './errors.js';

export const ASSUME_ROLE_PERMISSIONS: readonly Permission[] = ['sts:AssumeRole'];

/** The role Organizations creates in every account it creates. */
export const DEFAULT_MEMBER_ROLE = 'OrganizationAccountAccessRole';

export interface MemberRole {
  readonly roleName: string;
  readonly externalId?: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: taken from the caller's own ARN. */
  readonly partition: string;
  /** Names the session in the member account's CloudTrail. */
  readonly sessionName: string;
  /** Seconds; STS's default and the common maximum for a role is 3600. */
  readonly durationSeconds?: number;
}

export function memberRoleArn(accountId: string, role: MemberRole): string {
  return `arn:${role.partition}:iam::${accountId}:role/${role.roleName}`;
}

/** The partition of an ARN (`arn:aws:sts::…` → `aws`). */
export function partitionOf(arn: string): string {
  return arn.split(':')[1] || 'aws';
}

/**
 * A credential provider for `accountId`: assumes the member role with the caller's credentials
 * (`connection`), refreshing before expiry. Nothing is called until a client first needs it.
 */
export function memberCredentials(
  connection: AwsConnection,
  accountId: string,
  role: MemberRole,
): AwsCredentialIdentityProvider {
  const config = clientConfig(connection);
  const { region, retryMode, maxAttempts } = config;
  const endpoint = 'endpoint' in config ? config.endpoint : undefined;
  const credentials = 'credentials' in config ? config.credentials : undefined;
  return fromTemporaryCredentials({
    params: {
      RoleArn: memberRoleArn(accountId, role),
      RoleSessionName: role.sessionName,
      DurationSeconds: role.durationSeconds ?? 3600,
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
    },
    ...(credentials ? { masterCredentials: credentials } : {}),
    // Keywarden's retries, not the SDK's default 3 attempts: a client whose credentials fail does not
    // retry, so three throttled AssumeRoles in a row would lose the account (seen in bench/org.ts).
    clientConfig: { region, retryMode, maxAttempts, ...(endpoint ? { endpoint } : {}) },
  });
}

/** The connection for a member account: the caller's endpoint and region, the member's credentials. */
export function memberConnection(
  connection: AwsConnection,
  accountId: string,
  role: MemberRole,
): AwsConnection {
  const { profile: _profile, ...rest } = connection;
  return { ...rest, credentials: memberCredentials(connection, accountId, role) };
}
