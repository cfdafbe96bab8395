import { IAMClient } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';

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
