/**
 * Temporary credentials kept fresh on the service's clock, and clients that renew a session the
 * service refused as expired. See src/aws/assume-role.ts for why the SDK's own memo is not enough.
 */
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';
import { isExpiredSession } from './errors.js';

/** A session is renewed this long before its expiry (the SDK's own margin). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** One temporary session as STS issued it. */
export interface IssuedSession {
  readonly credentials: AwsCredentialIdentity;
  /** On the service's clock. */
  readonly expiration: Date;
}

/** A credential provider that can be told the service refused its session as expired. */
export interface SessionCredentials extends AwsCredentialIdentityProvider {
  /**
   * Forgets the session: the next request gets a new one. With `issued` (the count read before the
   * refused request was sent), only if no newer session has been issued since, so several requests
   * refused together renew the session once.
   */
  expire(issued?: number): void;
  /** How many sessions have been issued so far. */
  readonly issued: number;
}

/**
 * Keeps the session `issue` returns until {@link REFRESH_MARGIN_MS} before its expiration on
 * `serviceNow`, or until `expire()`. Concurrent requests share one pending `issue`; a failed `issue`
 * is not kept, so the next request tries again.
 */
export function sessionCredentials(
  issue: () => Promise<IssuedSession>,
  serviceNow: () => Date,
  localNow: () => number = Date.now,
): SessionCredentials {
  let current: Promise<IssuedSession> | null = null;
  let issued = 0;
  const fresh = () => {
    issued++;
    const pending = issue();
    current = pending;
    pending.catch(() => {
      if (current === pending) current = null;
    });
    return pending;
  };
  const provider = async (): Promise<AwsCredentialIdentity> => {
    const held = current ?? fresh();
    let session = await held;
    if (serviceNow().getTime() >= session.expiration.getTime() - REFRESH_MARGIN_MS) {
      // Renewed once: requests that find the same old session share the renewal.
      session = await (current !== null && current !== held ? current : fresh());
    }
    // `expiration` now: the SDK's memo asks again on the next request (see the module comment).
    return { ...session.credentials, expiration: new Date(localNow()) };
  };
  const expire = (before?: number) => {
    if (before === undefined || before === issued) current = null;
  };
  return Object.defineProperties(provider, {
    expire: { value: expire },
    issued: { get: () => issued },
  }) as SessionCredentials;
}

function isSessionCredentials(value: unknown): value is SessionCredentials {
  return typeof value === 'function' && typeof (value as Partial<SessionCredentials>).expire === 'function';
}

/** Credentials of an AWS connection: a value or a provider. */
type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;

/**
 * Makes `client` answer an expired-session refusal by taking a new session and sending the request
 * once more. A no-op for credentials that are not a {@link SessionCredentials}.
 */
export function renewExpiredSessions<I extends object, O extends MetadataBearer>(
  client: { readonly middlewareStack: { use(pluggable: Pluggable<I, O>): void } },
  credentials: Credentials,
): void {
  if (!isSessionCredentials(credentials)) return;
  client.middlewareStack.use({
    applyToStack: (stack) => {
      stack.add(
        (next) => async (args) => {
          const issued = credentials.issued;
          try {
            return await next(args);
          } catch (error) {
            if (!isExpiredSession(error)) throw error;
            credentials.expire(issued);
            return next(args);
          }
        },
        // Outside everything else: the retried request resolves its identity (and signs) afresh.
        { step: 'initialize', priority: 'high', name: 'keywardenRenewExpiredSession' },
      );
    },
  });
}
