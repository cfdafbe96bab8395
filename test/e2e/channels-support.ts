/** Test support for the notification channels: a notify-action builder and a local Slack receiver. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotifyAction } from '../../src/core/plan/types.js';
import type { NotificationsConfig } from '../../src/core/policy/types.js';

export const OWNER_ACCOUNT = '123456789012';

/** A `rotate` notice for alice, owned by alice@corp.example, due 14 days after the fixed clock. */
export function notice(overrides: Partial<NotifyAction> = {}): NotifyAction {
  const accountId = overrides.accountId ?? OWNER_ACCOUNT;
  const userName = overrides.userName ?? 'alice';
  const accessKeyId = overrides.accessKeyId === undefined ? 'AKIAAAAAAAAAAAAAAAA1' : overrides.accessKeyId;
  const stage = overrides.stage ?? 'rotate';
  const subject = accessKeyId ?? 'password';
  return {
    id: `${accountId}/${userName}/${subject}/notify/${stage}`,
    chainId: `${accountId}/${userName}/${subject}/${stage}`,
    type: 'notify',
    accountId,
    userName,
    stage,
    rule: 'KEY_ROTATION',
    accessKeyId,
    recipient: 'alice@corp.example',
    reason: 'Tells the owner where the new key is.',
    happened: `A new access key replacing ${subject} was created and stored in Secrets Manager secret keywarden/${accountId}/${userName}.`,
    ownerAction: `Fetch the new key, switch your applications to it and stop using ${subject}.`,
    dueDate: '2026-12-06T12:00:00.000Z',
    secretName: `keywarden/${accountId}/${userName}`,
    ...overrides,
  };
}

export const NO_CHANNELS: NotificationsConfig = {
  securityTeamEmail: null,
  sns: null,
  slack: null,
  email: null,
};

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface SlackReceiver {
  /** `http://127.0.0.1:PORT/services/T000/B000/<secret>`, like a real webhook path. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers the next requests with these statuses (then 200 `ok`). */
  respondWith(...responses: { status: number; body?: string; headers?: Record<string, string> }[]): void;
  close(): Promise<void>;
}

/** An incoming-webhook stand-in on loopback that records each POST's JSON body. */
export async function startSlackReceiver(): Promise<SlackReceiver> {
  const requests: ReceivedRequest[] = [];
  const queue: { status: number; body?: string; headers?: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text === '' ? null : JSON.parse(text),
      });
      const next = queue.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(next.status, { 'content-type': 'text/plain', ...next.headers });
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T0000/B0000/s3cretWebhookToken`,
    requests,
    respondWith: (...responses) => {
      queue.push(...responses);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
