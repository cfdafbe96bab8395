/**
 * The emulator's HTTP front: routes each request by the service in its SigV4 credential scope to a
 * Query, JSON 1.1 or REST-JSON service, attributes it to an account by the signing key, records the
 * key's use, applies injected faults, and answers in AWS's own wire shapes. Admin routes live under
 * `/_keywarden/`, a prefix no AWS API uses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ClockOptions, createClock, type EmulatorClock } from './clock.js';
import { AwsServiceError } from './errors.js';
import { type FaultConfig, type FaultDecision, FaultInjector } from './faults.js';
import { jsonError, parseJsonBody } from './protocols/json.js';
import { parseQueryBody, queryError, queryResponse } from './protocols/query.js';
import { configService } from './services/config.js';
import { iamService } from './services/iam.js';
import { organizationsService } from './services/organizations.js';
import { secretsManagerService } from './services/secrets-manager.js';
import { sesService } from './services/ses.js';
import { snsService } from './services/sns.js';
import { ssmService } from './services/ssm.js';
import { stsService } from './services/sts.js';
import type { RequestContext, ServiceDefinition } from './services/types.js';
import {
  type CredentialReportSettings,
  createState,
  type EmulatorState,
  findUserKey,
  getAccount,
  newUuid,
  resolvePrincipal,
  type StsSettings,
} from './state.js';
import { applyWorld } from './world-apply.js';
import type { World } from './world-types.js';

export const ADMIN_PREFIX = '/_keywarden/';

const SERVICES: readonly ServiceDefinition[] = [
  iamService,
  stsService,
  snsService,
  ssmService,
  secretsManagerService,
  organizationsService,
  sesService,
  configService,
];
const BY_SIGNING_NAME = new Map(SERVICES.map((s) => [s.signingName, s]));

export interface EmulatorOptions {
  /** A parsed world (see `parseWorld`); empty account `000000000000` when absent. */
  readonly world?: World;
  /** A clock to share, or options for a new one (frozen at `start`, default wall time now). */
  readonly clock?: EmulatorClock | ClockOptions;
  readonly faults?: FaultConfig;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Seed for ids and secrets (default 1): the same world and seed give the same key ids. */
  readonly seed?: number;
  readonly credentialReport?: Partial<CredentialReportSettings>;
  /**
   * STS session limits: `maxSessionSeconds` (900 to 43200, default 43200) caps AssumeRole's
   * `DurationSeconds`; `sessionsExpire` (default true, or the world's `sts.sessionsExpire`) refuses
   * requests signed with expired temporary credentials. Both judged on the emulator clock.
   */
  readonly sts?: Partial<StsSettings>;
}

export interface Emulator {
  readonly url: string;
  readonly port: number;
  readonly state: EmulatorState;
  readonly clock: EmulatorClock;
  readonly faults: FaultInjector;
  stop(): Promise<void>;
}

function isClock(value: EmulatorClock | ClockOptions | undefined): value is EmulatorClock {
  return typeof (value as EmulatorClock | undefined)?.now === 'function';
}

/** Starts an emulator on loopback. Resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const clock = isClock(options.clock) ? options.clock : createClock(options.clock);
  const maxSessionSeconds = options.sts?.maxSessionSeconds;
  if (
    maxSessionSeconds !== undefined &&
    !(Number.isInteger(maxSessionSeconds) && maxSessionSeconds >= 900 && maxSessionSeconds <= 43_200)
  ) {
    throw new RangeError(
      `startEmulator: sts.maxSessionSeconds must be an integer from 900 to 43200, as AWS allows (got ${maxSessionSeconds})`,
    );
  }
  const state = createState({ clock, seed: options.seed, credentialReport: options.credentialReport });
  applyWorld(state, options.world ?? { accounts: [{ id: '000000000000' }] });
  // Explicit options win over what the world asks for.
  Object.assign(state.sts, options.sts);
  const faults = new FaultInjector(options.faults);
  const server = createServer((req, res) => {
    handle(state, faults, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`emulator error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    state,
    clock,
    faults,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${host} is already in use; choose another with --port`)
          : err.code === 'EACCES'
            ? new Error(`port ${port} on ${host} needs privileges; choose a port above 1023 with --port`)
            : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Scope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

const SCOPE = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

function parseScope(req: IncomingMessage, search: URLSearchParams): Scope | null {
  const auth = req.headers.authorization;
  const m = auth ? SCOPE.exec(auth) : null;
  if (m) return { accessKeyId: m[1]!, region: m[3]!, service: m[4]! };
  const credential = search.get('X-Amz-Credential');
  if (credential) {
    const parts = credential.split('/');
    if (parts.length === 5) return { accessKeyId: parts[0]!, region: parts[2]!, service: parts[3]! };
  }
  return null;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, requestId: string) {
  res.writeHead(status, {
    'content-type': contentType,
    'x-amzn-requestid': requestId,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const XML = 'text/xml';
const JSON11 = 'application/x-amz-json-1.1';
const GENERIC_XMLNS = 'https://keywarden.local/doc/';

async function handle(
  state: EmulatorState,
  faults: FaultInjector,
  req: IncomingMessage,
  res: ServerResponse,
) {
  // The emulator's clock, not the wall clock: a client can read "now" from the service, as from AWS.
  res.setHeader('date', state.clock.now().toUTCString());
  // `Age` tells the JS SDK v3 not to take its clock offset from this Date. With the emulator's clock
  // days away from the wall clock, the SDK would otherwise flag every error response as
  // "clock skew corrected" and retry it once, doubling error calls and adding backoff delays.
  res.setHeader('age', '0');
  const url = new URL(req.url ?? '/', 'http://localhost');
  const body = await readBody(req);
  const requestId = newUuid(state);
  if (url.pathname.startsWith(ADMIN_PREFIX)) {
    handleAdmin(state, faults, req.method ?? 'GET', url, body, res, requestId);
    return;
  }
  const target = req.headers['x-amz-target'];
  const jsonShaped = typeof target === 'string' || (req.headers['content-type'] ?? '').includes('json');
  const fail = (error: AwsServiceError, xmlns = GENERIC_XMLNS) =>
    jsonShaped
      ? send(res, error.statusCode, JSON11, jsonError(error), requestId)
      : send(res, error.statusCode, XML, queryError(error, xmlns, requestId), requestId);

  const scope = parseScope(req, url.searchParams);
  if (!scope) {
    fail(
      new AwsServiceError(
        'MissingAuthenticationToken',
        'Request is missing Authentication Token: sign requests with AWS Signature Version 4.',
        403,
      ),
    );
    return;
  }
  const service = BY_SIGNING_NAME.get(scope.service);
  if (!service) {
    fail(
      new AwsServiceError(
        'UnknownService',
        `The keywarden emulator does not implement the service '${scope.service}'.`,
        400,
      ),
    );
    return;
  }

  const principal = resolvePrincipal(state, scope.accessKeyId);
  const ctx: RequestContext = {
    state,
    account: getAccount(state, principal.accountId),
    principal,
    region: scope.region,
    requestId,
    now: state.clock.now(),
  };

  switch (service.protocol) {
    case 'query': {
      const params = parseQueryBody(body, url.searchParams);
      const action = params.Action ?? '';
      const operation = service.operations[action];
      const failQ = (e: AwsServiceError) =>
        send(res, e.statusCode, XML, queryError(e, service.xmlns, requestId), requestId);
      if (!operation) {
        failQ(
          new AwsServiceError(
            'InvalidAction',
            `The action ${action || '(none)'} is not valid for this web service (${service.signingName}).`,
            400,
          ),
        );
        return;
      }
      const admission = await admit(state, faults, scope, action, ctx, service.protocol);
      if (admission.kind === 'refused') return failQ(admission.error);
      if (admission.kind === 'hang') return;
      try {
        const result = operation(ctx, params);
        if (answered(res, admission.answer)) {
          send(res, 200, XML, queryResponse(action, service.xmlns, result, requestId), requestId);
        }
      } catch (error) {
        if (answered(res, admission.answer)) failQ(asServiceError(error));
      }
      return;
    }
    case 'json': {
      const prefix = `${service.targetPrefix}.`;
      const action =
        typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : '';
      const operation = service.operations[action];
      const failJ = (e: AwsServiceError) => send(res, e.statusCode, JSON11, jsonError(e), requestId);
      if (!operation) {
        failJ(
          new AwsServiceError(
            'UnknownOperationException',
            `Unknown operation ${String(target ?? '(no X-Amz-Target)')}`,
            400,
          ),
        );
        return;
      }
      const admission = await admit(state, faults, scope, action, ctx, service.protocol);
      if (admission.kind === 'refused') return failJ(admission.error);
      if (admission.kind === 'hang') return;
      try {
        const result = operation(ctx, parseJsonBody(body));
        if (answered(res, admission.answer)) send(res, 200, JSON11, JSON.stringify(result ?? {}), requestId);
      } catch (error) {
        if (answered(res, admission.answer)) failJ(asServiceError(error));
      }
      return;
    }
    case 'rest-json': {
      const route = service.routes.find((r) => r.method === req.method && r.path === url.pathname);
      const failR = (e: AwsServiceError) => {
        res.setHeader('x-amzn-errortype', e.code);
        send(res, e.statusCode, 'application/json', JSON.stringify({ message: e.message }), requestId);
      };
      if (!route) {
        failR(
          new AwsServiceError(
            'UnknownOperationException',
            `Unknown operation ${req.method} ${url.pathname}`,
            404,
          ),
        );
        return;
      }
      const admission = await admit(state, faults, scope, route.operation, ctx, service.protocol);
      if (admission.kind === 'refused') return failR(admission.error);
      if (admission.kind === 'hang') return;
      try {
        const result = route.handler(ctx, parseJsonBody(body));
        if (answered(res, admission.answer)) {
          send(res, 200, 'application/json', JSON.stringify(result ?? {}), requestId);
        }
      } catch (error) {
        if (answered(res, admission.answer)) failR(asServiceError(error));
      }
      return;
    }
  }
}

/**
 * What becomes of a call: refused with an error, never answered (`hang`), or carried out, with its
 * answer sent, lost to a reset connection, or never sent.
 */
type Admission =
  | { readonly kind: 'refused'; readonly error: AwsServiceError }
  | { readonly kind: 'hang' }
  | { readonly kind: 'go'; readonly answer: 'send' | 'reset' | 'hang' };

/** True when the answer is to be sent; a lost answer resets the connection, a hung one sends nothing. */
function answered(res: ServerResponse, answer: 'send' | 'reset' | 'hang'): boolean {
  if (answer === 'reset') res.socket?.destroy();
  return answer === 'send';
}

/** Counts the call, applies faults, refuses inactive keys and expired sessions, and records a use of an active key. */
async function admit(
  state: EmulatorState,
  faults: FaultInjector,
  scope: Scope,
  operation: string,
  ctx: RequestContext,
  protocol: ServiceDefinition['protocol'],
): Promise<Admission> {
  const decision = faults.decide(scope.service, operation);
  await faults.gate(scope.service, operation);
  if (decision.latencyMs > 0) await sleep(decision.latencyMs);
  if (decision.fail === 'hang') return { kind: 'hang' };
  const refused = refusal(state, decision, scope, ctx, protocol);
  if (refused !== null) return { kind: 'refused', error: refused };
  const answer =
    decision.fail === 'lose-answer' ? 'reset' : decision.fail === 'apply-then-hang' ? 'hang' : 'send';
  return { kind: 'go', answer };
}

/** An injected refusal, or AWS's own (an inactive key, an expired session); records a use of an active key. */
function refusal(
  state: EmulatorState,
  decision: FaultDecision,
  scope: Scope,
  ctx: RequestContext,
  protocol: ServiceDefinition['protocol'],
): AwsServiceError | null {
  if (decision.fail === 'throttle') {
    return protocol === 'query'
      ? new AwsServiceError('Throttling', 'Rate exceeded', 400)
      : new AwsServiceError('ThrottlingException', 'Rate exceeded', 400);
  }
  if (decision.fail === 'error') {
    return protocol === 'query'
      ? new AwsServiceError(
          'ServiceFailure',
          'The request processing has failed because of an unknown error, exception or failure.',
          500,
        )
      : new AwsServiceError(
          'InternalFailure',
          'The request processing has failed because of an unknown error, exception or failure.',
          500,
        );
  }
  if (ctx.principal.kind === 'assumed-role' && state.sts.sessionsExpire) {
    const session = state.temporaryCredentials.get(ctx.principal.accessKeyId);
    // Valid until Expiration, exclusive: at that second the session is over.
    if (session && ctx.now.getTime() >= session.expiration.getTime()) {
      const message = 'The security token included in the request is expired';
      return protocol === 'query'
        ? new AwsServiceError('ExpiredToken', message, 403)
        : new AwsServiceError('ExpiredTokenException', message, protocol === 'json' ? 400 : 403);
    }
  }
  if (ctx.principal.kind === 'user') {
    const key = findUserKey(state, ctx.principal.accessKeyId);
    if (key && key.status !== 'Active') {
      return protocol === 'query'
        ? new AwsServiceError(
            'InvalidClientTokenId',
            'The security token included in the request is invalid.',
            403,
          )
        : new AwsServiceError(
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
            400,
          );
    }
    if (key) key.lastUsed = { date: ctx.now, serviceName: scope.service, region: scope.region };
  }
  return null;
}

function asServiceError(error: unknown): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsServiceError('ServiceFailure', `emulator internal error: ${message}`, 500);
}

function sendJson(res: ServerResponse, status: number, value: unknown, requestId: string) {
  send(res, status, 'application/json', `${JSON.stringify(value, null, 2)}\n`, requestId);
}

interface AdminRequest {
  readonly state: EmulatorState;
  readonly faults: FaultInjector;
  readonly url: URL;
  readonly input: Record<string, unknown>;
}

/** What an admin route answers: an HTTP status and a JSON body. */
type AdminAnswer = readonly [status: number, body: unknown];

interface AdminRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the admin prefix, e.g. `/clock`. */
  readonly path: string;
  readonly description: string;
  readonly handle: (req: AdminRequest) => AdminAnswer;
}

const clockNow = (state: EmulatorState): AdminAnswer => [200, { now: state.clock.now().toISOString() }];

/** Every admin route, in the order `GET /_keywarden/` lists them. */
const ADMIN_ROUTES: readonly AdminRoute[] = [
  {
    method: 'GET',
    path: '/',
    description: 'this index of admin routes',
    handle: () => [200, { routes: adminIndex() }],
  },
  {
    method: 'GET',
    path: '/health',
    description: 'liveness: { ok: true }',
    handle: () => [200, { ok: true }],
  },
  {
    method: 'GET',
    path: '/clock',
    description: "the emulator clock's now (also the Date header of every response)",
    handle: ({ state }) => clockNow(state),
  },
  {
    method: 'POST',
    path: '/clock',
    description:
      'move the clock: {"advanceDays": n} (fractions and negatives allowed) or {"set": "ISO-8601 time"}',
    handle: ({ state, input }) => {
      if (typeof input.advanceDays === 'number' && Number.isFinite(input.advanceDays)) {
        state.clock.advance(input.advanceDays);
      } else if (typeof input.set === 'string' && !Number.isNaN(Date.parse(input.set))) {
        state.clock.set(new Date(input.set));
      } else {
        return [400, { error: 'send {"advanceDays": number} or {"set": "ISO-8601 time"}' }];
      }
      return clockNow(state);
    },
  },
  {
    method: 'GET',
    path: '/calls',
    description: 'calls per service and operation, faulted ones included',
    handle: ({ faults }) => [200, { calls: faults.calls() }],
  },
  {
    method: 'DELETE',
    path: '/calls',
    description: 'reset the call counters',
    handle: ({ faults }) => {
      faults.resetCounts();
      return [200, { calls: [] }];
    },
  },
  {
    method: 'PUT',
    path: '/faults',
    description: 'replace the fault rules: {"seed": n, "rules": [...]} (see docs/emulator.md)',
    handle: ({ faults, input }) => {
      faults.configure(input as FaultConfig);
      return [200, { ok: true }];
    },
  },
  {
    method: 'GET',
    path: '/sns/messages',
    description: 'every SNS message published, in every account',
    handle: ({ state }) => [200, { messages: [...state.accounts.values()].flatMap((a) => a.sns.messages) }],
  },
  {
    method: 'GET',
    path: '/ses/emails',
    description: 'every email sent through SES, in every account',
    handle: ({ state }) => [200, { emails: [...state.accounts.values()].flatMap((a) => a.ses.sent) }],
  },
  {
    method: 'GET',
    path: '/config/evaluations',
    description:
      'every PutEvaluations call AWS Config accepted (result token, test mode, evaluations, account, time); ?account=ID for one account',
    handle: ({ state, url }) => {
      const accountId = url.searchParams.get('account');
      if (accountId !== null && !state.accounts.has(accountId)) {
        return [
          404,
          { error: `no account ${accountId} in this emulator; GET /_keywarden/accounts lists them` },
        ];
      }
      const accounts = [...state.accounts.values()].filter(
        (a) => accountId === null || a.accountId === accountId,
      );
      return [200, { calls: accounts.flatMap((a) => a.config.evaluationCalls) }];
    },
  },
  {
    method: 'PUT',
    path: '/config/failures',
    description:
      'make PutEvaluations answer evaluations in FailedEvaluations: {"account": "ID" (default: the default account), "failures": [{"resourceId": "AIDA..." (absent: any), "times": n}]}',
    handle: ({ state, input }) => {
      const accountId = typeof input.account === 'string' ? input.account : state.defaultAccountId;
      const account = state.accounts.get(accountId);
      if (account === undefined) {
        return [
          404,
          { error: `no account ${accountId} in this emulator; GET /_keywarden/accounts lists them` },
        ];
      }
      const raw = input.failures;
      const failures = Array.isArray(raw)
        ? raw.map((f: unknown) => {
            const item = (f ?? {}) as Record<string, unknown>;
            return typeof item.times === 'number' && Number.isInteger(item.times) && item.times >= 0
              ? {
                  resourceId: typeof item.resourceId === 'string' ? item.resourceId : null,
                  times: item.times,
                }
              : null;
          })
        : null;
      if (failures === null || failures.some((f) => f === null)) {
        return [
          400,
          { error: 'send {"failures": [{"resourceId": "AIDA...", "times": n}]} (times: an integer ≥ 0)' },
        ];
      }
      account.config.failures = failures.filter((f) => f !== null);
      return [200, { account: accountId, failures: account.config.failures }];
    },
  },
  {
    method: 'GET',
    path: '/accounts',
    description: 'accounts with their user and access key counts',
    handle: ({ state }) => [
      200,
      {
        accounts: [...state.accounts.values()].map((a) => ({
          accountId: a.accountId,
          name: a.name,
          users: a.iam.users.size,
          accessKeys: [...a.iam.users.values()].reduce((n, u) => n + u.accessKeys.length, 0),
        })),
      },
    ],
  },
];

function adminIndex(): { method: string; route: string; description: string }[] {
  return ADMIN_ROUTES.map((r) => ({
    method: r.method,
    route: `${ADMIN_PREFIX.slice(0, -1)}${r.path}`,
    description: r.description,
  }));
}

function handleAdmin(
  state: EmulatorState,
  faults: FaultInjector,
  method: string,
  url: URL,
  body: string,
  res: ServerResponse,
  requestId: string,
) {
  const path = url.pathname.slice(ADMIN_PREFIX.length - 1);
  const input = (() => {
    try {
      const parsed: unknown = body ? JSON.parse(body) : {};
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  })();
  if (input === null) return sendJson(res, 400, { error: 'body is not a JSON object' }, requestId);
  const route = ADMIN_ROUTES.find((r) => r.method === method && r.path === path);
  if (!route) {
    return sendJson(
      res,
      404,
      { error: `no admin route ${method} ${path}; GET ${ADMIN_PREFIX} lists them` },
      requestId,
    );
  }
  const [status, answer] = route.handle({ state, faults, url, input });
  return sendJson(res, status, answer, requestId);
}
