/**
 * One place that builds AWS SDK v3 clients, "inject or construct": callers pass clients they already
 * have (tests, Lambda), otherwise clients are built from `AwsConnection`. The SDK's own credential
 * chain, endpoint variables (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_IAM`, ...) and adaptive retry apply.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type { MetadataBearer, Pluggable } from '@smithy/types';
import { type AwsConnection, DEFAULT_TIMEOUTS } from './connection.js';
import { renewExpiredSessions } from './session-credentials.js';

export interface AwsClients {
  readonly iam: IAMClient;
  readonly sts: STSClient;
  readonly ssm: SSMClient;
}

/** IAM is global: signed for us-east-1 unless the user points elsewhere. */
export const DEFAULT_REGION = 'us-east-1';

export function clientConfig(connection: AwsConnection) {
  const timeouts = connection.timeouts ?? DEFAULT_TIMEOUTS;
  return {
    region: connection.region ?? DEFAULT_REGION,
    retryMode: connection.retryMode ?? 'adaptive',
    maxAttempts: connection.maxAttempts ?? 5,
    requestHandler: {
      connectionTimeout: timeouts.connectMs,
      requestTimeout: timeouts.requestMs,
      // Without it the SDK only logs a warning when the request timeout passes.
      throwOnRequestTimeout: true,
    },
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.credentials
      ? { credentials: connection.credentials }
      : connection.profile
        ? { credentials: fromIni({ profile: connection.profile }) }
        : {}),
  };
}

/**
 * Takes the SDK's logger middleware out of a client Keywarden built. Keywarden gives the SDK no
 * logger, yet the middleware still copies every response through the operation's sensitive-data
 * filter before handing it to the no-op logger: on a 1,000-user GetAccountAuthorizationDetails page
 * that is 25-50 ms of CPU on the audit's critical path (measured; see docs/benchmarks.md).
 */
export function withoutSdkLogger<C extends { readonly middlewareStack: { remove(name: string): boolean } }>(
  client: C,
): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * A client Keywarden built for `connection`, made ready: no SDK logger middleware, and a session of
 * an assumed role that the service refuses as expired is renewed and the request sent again
 * (src/sdk/session-credentials.ts).
 */
export function prepareClient<
  I extends object,
  O extends MetadataBearer,
  C extends {
    readonly middlewareStack: { remove(name: string): boolean; use(pluggable: Pluggable<I, O>): void };
  },
>(client: C, connection: AwsConnection): C {
  renewExpiredSessions(withoutSdkLogger(client), connection.credentials);
  return client;
}

export function createClients(connection: AwsConnection, given: Partial<AwsClients> = {}): AwsClients {
  const config = clientConfig(connection);
  return {
    iam: given.iam ?? prepareClient(new IAMClient(config), connection),
    sts: given.sts ?? prepareClient(new STSClient(config), connection),
    ssm: given.ssm ?? prepareClient(new SSMClient(config), connection),
  };
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
