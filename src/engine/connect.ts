/**
 * Connecting to an account, once, for every entry point: the clients a use case needs, built from
 * one `AwsConnection` (or taken as given), each reporting the service's time to one clock; in
 * another account, through a role assumed there. The CLI and the Lambda handlers call this;
 * neither builds a client itself.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type MemberRole, memberSession, sessionConnection } from '../aws/assume-role.js';
import { ServiceClock } from '../aws/service-clock.js';
import { clientConfig, createClients, prepareClient } from '../sdk/clients.js';
import { type AwsConnection, retryFrom, timeoutsFrom } from '../sdk/connection.js';
import type { AccountClients, Clock } from './types.js';

export { DEFAULT_MEMBER_ROLE, type MemberRole } from '../aws/assume-role.js';
export { DEFAULT_REGION } from '../sdk/clients.js';
export {
  type AwsCallRecord,
  type AwsConnection,
  DEFAULT_TIMEOUTS,
  TIMEOUT_SETTINGS,
  timeoutsFrom,
} from '../sdk/connection.js';

/** An account's clients, the Config client included (the Config rule handler reports through it). */
export interface ConnectedClients extends AccountClients {
  readonly config: ConfigServiceClient;
}

export interface ConnectOptions {
  /** Clients to use as given (tests, an embedding program); the others are built from the connection. */
  readonly clients?: Partial<ConnectedClients>;
  /** Default: the service's clock, from the Date header of every response these clients receive. */
  readonly clock?: Clock;
}

export interface Connection {
  /** What the clients were built from (a member account's: its role's session credentials). */
  readonly connection: AwsConnection;
  readonly clients: ConnectedClients;
  /** "Now" for every decision: the given clock, else the service's. */
  readonly clock: Clock;
  /** Sets the service clock from one cheap call when no response has set it yet. */
  calibrate(): Promise<void>;
  /** Releases the sockets of the clients this connection built. */
  close(): void;
}

/** The account's clients for `connection`, each reporting the service's time. */
export function connectAccount(connection: AwsConnection, options: ConnectOptions = {}): Connection {
  const given = options.clients ?? {};
  const base = createClients(connection, given);
  const built: { destroy(): void }[] = [];
  const build = <C extends { destroy(): void }>(client: C): C => {
    built.push(client);
    return client;
  };
  const serviceClock = new ServiceClock();
  const watched = <C extends Parameters<ServiceClock['watch']>[0]>(client: C): C => {
    if (options.clock === undefined) serviceClock.watch(client);
    return client;
  };
  let config = given.config;
  const clients: ConnectedClients = {
    ...base,
    secretsManager:
      given.secretsManager ??
      build(prepareClient(new SecretsManagerClient(clientConfig(connection)), connection)),
    // Only the Config rule's handler reports to Config: its client is built when first asked for.
    get config() {
      config ??= watched(build(prepareClient(new ConfigServiceClient(clientConfig(connection)), connection)));
      return config;
    },
  };
  for (const name of ['iam', 'sts', 'ssm'] as const) if (given[name] === undefined) built.push(clients[name]);
  const close = () => {
    for (const client of built) client.destroy();
  };
  if (options.clock !== undefined) {
    return { connection, clients, clock: options.clock, calibrate: async () => {}, close };
  }
  serviceClock.watch(clients.iam);
  serviceClock.watch(clients.sts);
  serviceClock.watch(clients.ssm);
  serviceClock.watch(clients.secretsManager);
  if (given.config !== undefined) serviceClock.watch(given.config);
  return {
    connection,
    clients,
    clock: () => serviceClock.now(),
    calibrate: () => serviceClock.calibrate(clients.sts),
    close,
  };
}

/** A connection to a member account, whose role can be assumed up front. */
export interface MemberConnection extends Connection {
  /**
   * Gets the role's first session now, so a role that cannot be assumed fails as
   * `sts:AssumeRole <arn> failed: …` before anything else is tried in the account.
   */
  assume(): Promise<void>;
}

/**
 * The clients for `accountId` through `role` assumed there with the caller's credentials
 * (`connection`): the session is renewed before it expires and when the service refuses it as
 * expired. Nothing is called until `assume()` or a client's first request.
 */
export function connectMember(
  connection: AwsConnection,
  accountId: string,
  role: MemberRole,
  options: Omit<ConnectOptions, 'clients'> = {},
): MemberConnection {
  const member = memberSession(connection, accountId, role);
  const connected = connectAccount({ ...sessionConnection(connection, member), accountId }, options);
  return {
    ...connected,
    assume: () => member.assume(),
    close() {
      connected.close();
      member.close();
    },
  };
}

/**
 * The connection an environment describes (Lambda sets AWS_REGION; tests set AWS_ENDPOINT_URL), with
 * the CLI's timeout and retry settings (KEYWARDEN_*_TIMEOUT, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE).
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv): AwsConnection {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = env.AWS_ENDPOINT_URL;
  const timeouts = timeoutsFrom({}, env);
  if ('error' in timeouts) throw new Error(timeouts.error);
  const retry = retryFrom(env);
  if ('error' in retry) throw new Error(retry.error);
  return {
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    timeouts: timeouts.timeouts,
    ...retry.retry,
  };
}
