/**
 * A service that accepts connections and never answers cannot hang a run: every client has a
 * connect and a request timeout, with defaults, `--connect-timeout` / `--request-timeout` and
 * KEYWARDEN_CONNECT_TIMEOUT / KEYWARDEN_REQUEST_TIMEOUT to change them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../src/sdk/clients.js';
import { DEFAULT_TIMEOUTS } from '../../src/sdk/connection.js';
import { runCli } from '../support/cli.js';
import { emptyDir } from '../support/env.js';

let server: Server;
let url: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  // Accepts every connection, reads the request, never answers.
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x', AWS_MAX_ATTEMPTS: '2' };
const journalArgs = () => ['--journal', `${emptyDir('timeouts-')}/journal.jsonl`];

describe('an endpoint that never answers', () => {
  it.each([
    ['flags', ['--request-timeout', '0.3'], {}],
    ['variables', [], { KEYWARDEN_REQUEST_TIMEOUT: '0.3' }],
  ] as const)('plan ends with one line naming the timeout (%s)', async (_, flags, env) => {
    // Act
    const result = await runCli(['plan', '--endpoint-url', url, ...flags, ...journalArgs()], {
      env: { ...ENV, ...env },
    });

    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^keywarden: ${url} did not answer in time \\(sts:GetCallerIdentity failed: TimeoutError: a request has exceeded the configured 300 ms requestTimeout; connect 5s, request 0.3s: change them with --connect-timeout / --request-timeout\\)$`,
        ),
      ),
    ]);
  });
});

describe('a timeout that is not a number of seconds', () => {
  it.each([
    [['--request-timeout', 'abc'], {}, '--request-timeout: a number of seconds from 0.1 to 3600 (got "abc")'],
    [['--connect-timeout', '0'], {}, '--connect-timeout: a number of seconds from 0.1 to 3600 (got "0")'],
    [
      [],
      { KEYWARDEN_CONNECT_TIMEOUT: '5000' },
      'KEYWARDEN_CONNECT_TIMEOUT: a number of seconds from 0.1 to 3600 (got "5000")',
    ],
  ] as const)('%j %j: one line naming it, exit 2, no call', async (flags, env, message) => {
    const before = sockets.length;
    const result = await runCli(['apply', '--yes', '--endpoint-url', url, ...flags, ...journalArgs()], {
      env: { ...ENV, ...env },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`keywarden: ${message}\n`);
    expect(sockets.length).toBe(before);
  });
});

describe('clientConfig', () => {
  it('gives every client both timeouts, throwing when the request timeout passes', () => {
    expect(clientConfig({}).requestHandler).toEqual({
      connectionTimeout: DEFAULT_TIMEOUTS.connectMs,
      requestTimeout: DEFAULT_TIMEOUTS.requestMs,
      throwOnRequestTimeout: true,
    });
  });
});
