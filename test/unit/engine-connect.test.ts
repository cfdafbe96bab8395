/**
 * The connection a Lambda handler's environment describes: region, endpoint, and the CLI's timeout
 * and retry settings (the SDKs' AWS_MAX_ATTEMPTS and AWS_RETRY_MODE), each mistake one line naming
 * the variable.
 */
import { describe, expect, it } from 'vitest';
import { connectionFromEnv } from '../../src/engine/connect.js';

describe('connectionFromEnv', () => {
  it("keeps Keywarden's retry defaults when the variables are unset or empty", () => {
    const connection = connectionFromEnv({ AWS_REGION: 'eu-west-1', AWS_MAX_ATTEMPTS: '' });

    expect(connection.region).toBe('eu-west-1');
    expect(connection).not.toHaveProperty('maxAttempts');
    expect(connection).not.toHaveProperty('retryMode');
  });

  it('honours AWS_MAX_ATTEMPTS and AWS_RETRY_MODE, as the CLI does', () => {
    const connection = connectionFromEnv({ AWS_MAX_ATTEMPTS: '2', AWS_RETRY_MODE: 'standard' });

    expect(connection).toMatchObject({ maxAttempts: 2, retryMode: 'standard' });
  });

  it.each([
    [{ AWS_MAX_ATTEMPTS: '21' }, 'AWS_MAX_ATTEMPTS: a whole number from 1 to 20 (got "21")'],
    [{ AWS_MAX_ATTEMPTS: '1.5' }, 'AWS_MAX_ATTEMPTS: a whole number from 1 to 20 (got "1.5")'],
    [{ AWS_RETRY_MODE: 'legacy' }, 'AWS_RETRY_MODE: adaptive or standard (got "legacy")'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => connectionFromEnv(env)).toThrow(message);
  });
});
