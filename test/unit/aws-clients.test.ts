import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { connectionFrom } from '../../src/cli/connection.js';
import { createClients } from '../../src/sdk/clients.js';

const hasLogger = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().some((m) => m.startsWith('loggerMiddleware'));

describe('createClients', () => {
  it('builds clients without the SDK logger middleware (no logger is configured, so it only costs)', () => {
    // Act
    const clients = createClients({ region: 'us-east-1' });
    // Assess
    expect([hasLogger(clients.iam), hasLogger(clients.sts), hasLogger(clients.ssm)]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('leaves a client it is given as it is', () => {
    // Prepare
    const iam = new IAMClient({ region: 'us-east-1' });
    // Act
    const clients = createClients({}, { iam });
    // Assess
    expect(clients.iam).toBe(iam);
    expect(hasLogger(iam)).toBe(true);
  });
});

describe('retry settings', () => {
  it.each([
    [{}, 'adaptive', 5],
    [{ AWS_RETRY_MODE: 'standard' }, 'standard', 5],
    [{ AWS_MAX_ATTEMPTS: '8' }, 'adaptive', 8],
    [{ AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '1' }, 'adaptive', 1],
  ])('env %j → %s, %d attempts', async (env, mode, attempts) => {
    // Act
    const { iam } = createClients(connectionFrom({}, { env }));
    // Assess
    expect(await iam.config.retryStrategy()).toMatchObject({ mode });
    expect(await iam.config.maxAttempts()).toBe(attempts);
    iam.destroy();
  });

  it.each([
    [{ AWS_RETRY_MODE: 'legacy' }, 'AWS_RETRY_MODE: adaptive or standard (got "legacy")'],
    [{ AWS_MAX_ATTEMPTS: '0' }, 'AWS_MAX_ATTEMPTS: a whole number from 1 to 20 (got "0")'],
  ])('env %j is refused in one line', (env, message) => {
    expect(() => connectionFrom({}, { env })).toThrow(message);
  });
});
