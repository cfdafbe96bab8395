/** The emulator's front door: authentication, routing, request ids, faults over the wire, admin routes. */
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
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

  describe('admin routes', () => {
    const admin = (path: string, init?: RequestInit) => fetch(`${emu.current.url}/_keywarden/${path}`, init);

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
