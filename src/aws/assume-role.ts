/**
 * Credentials for a member account: the role `--role-name` assumed there with STS, from the caller's
 * own credentials, kept fresh for as long as the run needs them.
 *
 * - **Before expiry:** a session is used until five minutes before its `Expiration`, judged on the
 *   service's clock (learnt from the `Date` header of STS's answers), then the role is assumed again.
 *   The SDK's own memo judges expiry on the local clock, which is wrong wherever the two differ (a
 *   skewed host; an emulator whose clock a test moved), so the SDK is made to ask this provider on
 *   every request and it answers from its cache.
 * - **Refused as expired anyway:** a client built by src/sdk/clients.ts answers an expired session
 *   (`ExpiredToken`, `ExpiredTokenException`) by forgetting the session, assuming the role again and
 *   sending the same request once more. An expired token is refused before the request is acted on,
 *   so repeating it is safe even for a write.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig, observeCalls, withoutSdkLogger } from '../sdk/clients.js';
import type { AwsConnection } from '../sdk/connection.js';
import { callAws } from '../sdk/errors.js';
import { type SessionCredentials, sessionCredentials } from '../sdk/session-credentials.js';
import { ServiceClock } from './service-clock.js';

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

function memberRoleArn(accountId: string, role: MemberRole): string {
  return `arn:${role.partition}:iam::${accountId}:role/${role.roleName}`;
}

/** The member account's session: its provider, and a way to assume up front. */
export interface MemberSession {
  readonly roleArn: string;
  readonly credentials: SessionCredentials;
  /**
   * Gets the first session now, so a role that cannot be assumed fails as
   * `sts:AssumeRole <arn> failed: …` before anything else is tried in the account.
   */
  assume(): Promise<void>;
  /** Releases the STS client's sockets. */
  close(): void;
}

/**
 * The role in `accountId`, assumed with the caller's credentials (`connection`). Nothing is called
 * until `assume()` or a client's first request.
 */
export function memberSession(connection: AwsConnection, accountId: string, role: MemberRole): MemberSession {
  const roleArn = memberRoleArn(accountId, role);
  const sts = observeCalls(withoutSdkLogger(new STSClient(clientConfig(connection))), connection);
  const clock = new ServiceClock();
  clock.watch(sts);
  const credentials = sessionCredentials(
    async () => {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: role.sessionName,
          DurationSeconds: role.durationSeconds ?? 3600,
          ...(role.externalId ? { ExternalId: role.externalId } : {}),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration) {
        throw new Error(`STS AssumeRole for ${roleArn} answered without credentials`);
      }
      return {
        credentials: {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        },
        expiration: c.Expiration,
      };
    },
    () => clock.now(),
  );
  return {
    roleArn,
    credentials,
    async assume() {
      await callAws('sts:AssumeRole', roleArn, () => credentials());
    },
    close() {
      sts.destroy();
    },
  };
}

/** The connection for a member account: the caller's endpoint and region, the session's credentials. */
export function sessionConnection(connection: AwsConnection, session: MemberSession): AwsConnection {
  const { profile: _profile, ...rest } = connection;
  return { ...rest, credentials: session.credentials };
}
