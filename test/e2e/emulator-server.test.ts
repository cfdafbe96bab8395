/** The emulator's front door: authentication, routing, request ids, faults over the wire, admin routes. */
import { GetUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { clientConfig, FIXED_NOW, useEmulator } from '../support/emulator.js';

const WORLD = {
  accounts: [
    {
      id: '123456789012',
      users: [{ name: 'alice', accessKeys: [{ id: 'AKIAALICE00000000001', createdDaysAgo: 10 }] }],
    },
  ],
};

describe('emulator server', () => {
  const emu = useEmulator({ world: WORLD });

  it('refuses a request without an Authorization header, in the Query error shape', async () => {
    const res = await fetch(emu.current.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=ListUsers&Version=2010-05-08',
    });
    expect(res.status).toBe(403);
    const text = await res.text();
    expect(text).toMatch(/^<ErrorResponse/);
    expect(text).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('refuses an unsigned JSON request in the JSON error shape', async () => {
    const res = await fetch(emu.current.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
      body: '{"Name":"x"}',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationToken');
  });

  it('names an unknown service', async () => {
    const res = await fetch(emu.current.url, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDX/20261122/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'Action=ListTables',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/UnknownService.*dynamodb/);
  });

  it('names an unknown JSON operation', async () => {
    const res = await fetch(emu.current.url, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDX/20261122/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=0',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.DeleteEverything',
      },
      body: '{}',
    });
    const body = (await res.json()) as { __type: string; message: string };
    expect(body.__type).toBe('UnknownOperationException');
    expect(body.message).toContain('AmazonSSM.DeleteEverything');
  });

  it('is found by the SDK through AWS_ENDPOINT_URL, and returns the request id in $metadata', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = emu.current.url;
    try {
      const { endpoint: _ignored, ...noEndpoint } = clientConfig(emu.current);
      const iam = new IAMClient(noEndpoint);
      const out = await iam.send(new ListUsersCommand({}));
      expect(out.Users?.map((u) => u.UserName)).toEqual(['alice']);
      expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
      iam.destroy();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });

  it('accepts requests signed for any region', async () => {
    const iam = new IAMClient(clientConfig(emu.current, { region: 'ap-southeast-2' }));
    expect((await iam.send(new ListUsersCommand({}))).Users).toHaveLength(1);
    iam.destroy();
  });

  it('throttles deterministically and the SDK retries through it', async () => {
    emu.current.faults.configure({
      rules: [{ service: 'ssm', operation: 'GetParameter', times: 2, kind: 'throttle' }],
    });
    emu.current.faults.resetCounts();
    const once = new SSMClient(clientConfig(emu.current));
    await expect(once.send(new GetParameterCommand({ Name: '/x' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    const retrying = new SSMClient(clientConfig(emu.current, { maxAttempts: 3 }));
    await expect(retrying.send(new GetParameterCommand({ Name: '/x' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });
    expect(emu.current.faults.count('ssm', 'GetParameter')).toBe(3);
    emu.current.faults.configure({});
    once.destroy();
    retrying.destroy();
  });

  it('answers 5xx ServiceFailure for injected errors', async () => {
    emu.current.faults.configure({ rules: [{ service: 'iam', errorRate: 1 }] });
    const iam = new IAMClient(clientConfig(emu.current));
    await expect(iam.send(new ListUsersCommand({}))).rejects.toMatchObject({
      $metadata: expect.objectContaining({ httpStatusCode: 500 }),
    });
    emu.current.faults.configure({});
    iam.destroy();
  });

  it("dates every response by the emulator's clock, and the SDK keeps working with the skew", async () => {
    // Prepare
    emu.current.clock.advance(15);
    emu.current.faults.resetCounts();
    const dates: string[] = [];
    const iam = new IAMClient(clientConfig(emu.current, { maxAttempts: 3 }));
    iam.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        dates.push((out.response as { headers: Record<string, string> }).headers.date ?? '');
        return out;
      },
      { step: 'deserialize', name: 'readDateHeader' },
    );
    try {
      // Act
      await iam.send(new ListUsersCommand({}));
      const second = await iam.send(new ListUsersCommand({}));
      const missing = await iam.send(new GetUserCommand({ UserName: 'nobody' })).catch((e: Error) => e);
      const health = await fetch(`${emu.current.url}/_keywarden/health`);
      // Assess
      expect(dates.slice(0, 2)).toEqual(['Mon, 07 Dec 2026 12:00:00 GMT', 'Mon, 07 Dec 2026 12:00:00 GMT']);
      expect(second.Users).toHaveLength(1);
      // A skewed Date must not make the SDK retry an error as "clock skew corrected".
      expect(missing).toMatchObject({ name: 'NoSuchEntityException' });
      expect(emu.current.faults.count('iam', 'GetUser')).toBe(1);
      expect(health.headers.get('date')).toBe('Mon, 07 Dec 2026 12:00:00 GMT');
    } finally {
      iam.destroy();
      emu.current.clock.set(FIXED_NOW);
    }
  });

  it('dates an error response by the clock too', async () => {
    const res = await fetch(emu.current.url, { method: 'POST', body: 'Action=ListUsers' });
    expect(res.status).toBe(403);
    expect(res.headers.get('date')).toBe(FIXED_NOW.toUTCString());
  });

  describe('admin routes', () => {
    const admin = (path: string, init?: RequestInit) => fetch(`${emu.current.url}/_keywarden/${path}`, init);

    it('lists every admin route at the prefix itself', async () => {
      const res = await admin('');
      const index = (await res.json()) as {
        routes: { method: string; route: string; description: string }[];
      };

      expect(res.status).toBe(200);
      expect(index.routes).toContainEqual({
        method: 'POST',
        route: '/_keywarden/clock',
        description: expect.stringContaining('advanceDays'),
      });
      expect(index.routes.map((r) => `${r.method} ${r.route}`)).toEqual(
        expect.arrayContaining(['GET /_keywarden/', 'GET /_keywarden/clock', 'PUT /_keywarden/faults']),
      );
      for (const route of index.routes) expect(route.description).not.toBe('');
    });

    it('reads and moves the clock', async () => {
      expect(await (await admin('clock')).json()).toEqual({ now: FIXED_NOW.toISOString() });
      const moved = await admin('clock', { method: 'POST', body: JSON.stringify({ advanceDays: 2 }) });
      expect(((await moved.json()) as { now: string }).now).toBe('2026-11-24T12:00:00.000Z');
      await admin('clock', { method: 'POST', body: JSON.stringify({ set: FIXED_NOW.toISOString() }) });
      expect(emu.current.clock.now().toISOString()).toBe(FIXED_NOW.toISOString());
    });

    it('rejects a bad clock body', async () => {
      const res = await admin('clock', { method: 'POST', body: JSON.stringify({ advanceDays: 'soon' }) });
      expect(res.status).toBe(400);
    });

    it('counts calls and sets faults over HTTP', async () => {
      await admin('calls', { method: 'DELETE' });
      const iam = new IAMClient(clientConfig(emu.current));
      await iam.send(new ListUsersCommand({}));
      const calls = (await (await admin('calls')).json()) as {
        calls: { service: string; operation: string; count: number }[];
      };
      expect(calls.calls).toContainEqual({ service: 'iam', operation: 'ListUsers', count: 1 });
      await admin('faults', {
        method: 'PUT',
        body: JSON.stringify({ rules: [{ operation: 'ListUsers', times: 1 }] }),
      });
      await expect(iam.send(new ListUsersCommand({}))).rejects.toMatchObject({
        name: 'ServiceFailureException',
      });
      await admin('faults', { method: 'PUT', body: '{}' });
      iam.destroy();
    });

    it('lists accounts and answers 404 for an unknown route', async () => {
      const accounts = (await (await admin('accounts')).json()) as {
        accounts: { accountId: string; users: number }[];
      };
      expect(accounts.accounts).toEqual([expect.objectContaining({ accountId: '123456789012', users: 1 })]);
      expect((await admin('nope')).status).toBe(404);
    });
  });
});
