/**
 * One place that builds AWS SDK v3 clients, "inject or construct": callers pass clients they already
 * have (tests, Lambda), otherwise clients are built from `AwsConnection`. The SDK's own credential
 * chain, endpoint variables (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_IAM`, ...) and adaptive retry apply.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import type { MetadataBearer, Pluggable, ResponseMetadata } from '@smithy/types';
import { type AwsConnection, type CallObserver, DEFAULT_TIMEOUTS } from './connection.js';
import { awsErrorCode } from './errors.js';
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

/** The caller's account as sts:GetCallerIdentity answered it, per observer (one per CLI run). */
const callerAccounts = new WeakMap<CallObserver, string>();

/** `IAMClient` → `iam`: the prefix IAM actions use, as callAws names calls. */
function servicePrefix(clientName: string): string {
  const name = clientName.replace(/Client$/, '').toLowerCase();
  return name === 'configservice' ? 'config' : name === 'sesv2' ? 'ses' : name;
}

/**
 * Tells `connection.onCall` of every call `client` makes, once it has finished with all its
 * retries: service, operation, account, region, duration and the SDK's attempt count. Only names
 * and numbers leave the middleware, never a parameter or an answer. The caller's own account is
 * learnt from its first sts:GetCallerIdentity answer; nothing is called to find it out.
 */
export function observeCalls<
  I extends object,
  O extends MetadataBearer,
  C extends { readonly middlewareStack: { use(pluggable: Pluggable<I, O>): void }; readonly config?: object },
>(client: C, connection: AwsConnection): C {
  const onCall = connection.onCall;
  if (onCall === undefined) return client;
  const regionOf = async (): Promise<string> => {
    const region = (client.config as { region?: unknown } | undefined)?.region;
    const value = typeof region === 'function' ? await (region as () => Promise<unknown>)() : region;
    return typeof value === 'string' ? value : (connection.region ?? DEFAULT_REGION);
  };
  client.middlewareStack.use({
    applyToStack: (stack) => {
      stack.add(
        (next, context) => async (args) => {
          const started = performance.now();
          const service = servicePrefix(context.clientName ?? 'unknown');
          const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
          const report = async (metadata: ResponseMetadata | undefined, errorCode: string | null) => {
            onCall({
              service,
              operation,
              accountId: connection.accountId ?? callerAccounts.get(onCall) ?? null,
              region: await regionOf(),
              durationMs: Math.round(performance.now() - started),
              attempts: metadata?.attempts ?? 1,
              totalRetryDelayMs: metadata?.totalRetryDelay ?? 0,
              errorCode,
            });
          };
          try {
            const result = await next(args);
            const output = result.output as O & { readonly Account?: unknown };
            if (
              connection.accountId === undefined &&
              service === 'sts' &&
              operation === 'GetCallerIdentity' &&
              typeof output.Account === 'string'
            ) {
              callerAccounts.set(onCall, output.Account);
            }
            await report(output.$metadata, null);
            return result;
          } catch (error) {
            const metadata = (error as { readonly $metadata?: ResponseMetadata } | null)?.$metadata;
            await report(metadata, awsErrorCode(error) ?? 'Error');
            throw error;
          }
        },
        // Outside the retries: one report per call, with the attempts it took.
        { step: 'initialize', priority: 'high', name: 'keywardenCallObserver' },
      );
    },
  });
  return client;
}

/**
 * A client Keywarden built for `connection`, made ready: no SDK logger middleware, every call told
 * to `connection.onCall` when set, and a session of an assumed role that the service refuses as
 * expired is renewed and the request sent again (src/sdk/session-credentials.ts).
 */
export function prepareClient<
  I extends object,
  O extends MetadataBearer,
  C extends {
    readonly middlewareStack: { remove(name: string): boolean; use(pluggable: Pluggable<I, O>): void };
  },
>(client: C, connection: AwsConnection): C {
  renewExpiredSessions(observeCalls<I, O, C>(withoutSdkLogger(client), connection), connection.credentials);
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
