/**
 * A member account's session, kept on the service's clock: reused until five minutes before its
 * expiry there (whatever the local clock says), renewed then, renewed at once when told the service
 * refused it, and never cached when issuing failed.
 */
import { describe, expect, it } from 'vitest';
import {
  type IssuedSession,
  renewExpiredSessions,
  sessionCredentials,
} from '../../src/sdk/session-credentials.js';

const ISSUED_AT = Date.parse('2026-11-22T12:00:00Z');
const HOUR = 3_600_000;
/** A session is renewed five minutes before its expiry, as the SDK's own memo does. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** STS as a fake: each session numbered, valid for an hour from the service time it was issued at. */
function fakeSts(serviceNow: () => number) {
  const issued: number[] = [];
  let failNext = false;
  return {
    issued,
    failOnce() {
      failNext = true;
    },
    issue: async (): Promise<IssuedSession> => {
      if (failNext) {
        failNext = false;
        throw new Error('AccessDenied');
      }
      issued.push(serviceNow());
      return {
        credentials: { accessKeyId: `ASIA${issued.length}`, secretAccessKey: 'not-a-real-secret' },
        expiration: new Date(serviceNow() + HOUR),
      };
    },
  };
}

function setup(localOffsetMs = 0) {
  let service = ISSUED_AT;
  const sts = fakeSts(() => service);
  const credentials = sessionCredentials(
    sts.issue,
    () => new Date(service),
    () => service + localOffsetMs,
  );
  return {
    credentials,
    sts,
    at(ms: number) {
      service = ISSUED_AT + ms;
    },
  };
}

describe('sessionCredentials', () => {
  it.each([
    ['just after issue', 1_000, 'ASIA1'],
    ['one second before the refresh margin', HOUR - REFRESH_MARGIN_MS - 1_000, 'ASIA1'],
    ['at the refresh margin', HOUR - REFRESH_MARGIN_MS, 'ASIA2'],
    ['after expiry', HOUR + 1_000, 'ASIA2'],
  ])('%s (service clock) → %s', async (_label, elapsed, expected) => {
    const s = setup();
    await s.credentials();
    s.at(elapsed);

    const identity = await s.credentials();

    expect(identity.accessKeyId).toBe(expected);
  });

  it('judges expiry on the service clock even when the local clock is ten days ahead', async () => {
    const s = setup(10 * 24 * HOUR);
    await s.credentials();
    s.at(30 * 60_000);

    expect((await s.credentials()).accessKeyId).toBe('ASIA1');
    expect(s.sts.issued).toHaveLength(1);
  });

  it('expire() makes the next request take a new session', async () => {
    const s = setup();
    await s.credentials();

    s.credentials.expire();

    expect((await s.credentials()).accessKeyId).toBe('ASIA2');
    expect(s.credentials.issued).toBe(2);
  });

  it('expire(issued) renews once when several requests are refused together', async () => {
    const s = setup();
    await s.credentials();
    const seen = s.credentials.issued;

    s.credentials.expire(seen);
    await s.credentials();
    s.credentials.expire(seen);

    expect((await s.credentials()).accessKeyId).toBe('ASIA2');
    expect(s.sts.issued).toHaveLength(2);
  });

  it('concurrent requests past the refresh margin share one renewal', async () => {
    const s = setup();
    await s.credentials();
    s.at(HOUR - REFRESH_MARGIN_MS + 1_000);

    const all = await Promise.all([s.credentials(), s.credentials(), s.credentials()]);

    expect(all.map((c) => c.accessKeyId)).toEqual(['ASIA2', 'ASIA2', 'ASIA2']);
    expect(s.sts.issued).toHaveLength(2);
  });

  it('concurrent first requests share one AssumeRole', async () => {
    const s = setup();

    const all = await Promise.all([s.credentials(), s.credentials(), s.credentials()]);

    expect(all.map((c) => c.accessKeyId)).toEqual(['ASIA1', 'ASIA1', 'ASIA1']);
    expect(s.sts.issued).toHaveLength(1);
  });

  it('a failed AssumeRole is not kept: the next request tries again', async () => {
    const s = setup();
    s.sts.failOnce();

    await expect(s.credentials()).rejects.toThrow('AccessDenied');

    expect((await s.credentials()).accessKeyId).toBe('ASIA1');
  });

  it('tells the SDK the identity is expiring now, so the SDK asks again on the next request', async () => {
    const s = setup(5_000);

    const identity = await s.credentials();

    expect(identity.expiration?.getTime()).toBe(ISSUED_AT + 5_000);
  });

  it('is recognised as session credentials (a client learns to renew it); a static identity is not', () => {
    /** How many middlewares `renewExpiredSessions` adds to a client with these credentials. */
    const added = (credentials: Parameters<typeof renewExpiredSessions>[1]) => {
      let count = 0;
      renewExpiredSessions({ middlewareStack: { use: () => void count++ } }, credentials);
      return count;
    };
    expect(added(setup().credentials)).toBe(1);
    expect(added({ accessKeyId: 'AKID', secretAccessKey: 'x' })).toBe(0);
    expect(added(async () => ({ accessKeyId: 'AKID', secretAccessKey: 'x' }))).toBe(0);
  });
});
