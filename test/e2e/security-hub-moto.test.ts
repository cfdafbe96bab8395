/**
 * `keywarden audit --to-security-hub` end to end: IAM is our emulator, Security Hub is moto's
 * (EnableSecurityHub, BatchImportFindings and GetFindings; moto ignores GetFindings filters), reached
 * through a loopback proxy that counts the calls, can throttle one (HTTP 429) and can spoil one
 * finding. The CLI runs in-process with the real SDK; AWS_ENDPOINT_URL_SECURITYHUB sends only the
 * Security Hub calls to the proxy.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteAccessKeyCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  type AwsSecurityFinding,
  EnableSecurityHubCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsffFinding } from '../../src/core/asff.js';
import { addDays } from '../../src/core/days.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';
import { type Moto, motoAvailable, startMoto } from '../support/moto.js';

const ACCOUNT = '555555555555';
const FIX_ME_KEY = 'AKIAFIXME00000000001';
/** 45 users with two old active keys (3 findings each) and one user whose finding gets fixed: 136. */
const USERS = 45;
const WORLD: World = {
  accounts: [
    {
      id: ACCOUNT,
      users: [
        ...Array.from({ length: USERS }, (_, i) => ({
          name: `app-${String(i).padStart(2, '0')}`,
          accessKeys: [
            { createdDaysAgo: 120, lastUsedDaysAgo: 1 },
            { createdDaysAgo: 100, lastUsedDaysAgo: 1 },
          ],
        })),
        { name: 'fix-me', accessKeys: [{ id: FIX_ME_KEY, createdDaysAgo: 200, lastUsedDaysAgo: 1 }] },
        {
          name: 'vendor',
          tags: { 'keywarden:exempt': 'true', 'keywarden:exempt-reason': 'vendor rotates it' },
          accessKeys: [{ createdDaysAgo: 300, lastUsedDaysAgo: 1 }],
        },
      ],
    },
  ],
};
const OPEN = USERS * 3 + 1;
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' };

interface ProxyCall {
  readonly path: string;
  readonly status: number;
  readonly findings: number;
}

/** Forwards to moto; records each call; answers the next `throttle` imports with 429; can spoil one finding. */
function startProxy(target: string) {
  const calls: ProxyCall[] = [];
  const state = { throttle: 0, spoil: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      const isImport = req.method === 'POST' && path.startsWith('/findings/import');
      let findings = 0;
      if (isImport) {
        const parsed = JSON.parse(body.toString('utf8')) as { Findings: Record<string, unknown>[] };
        findings = parsed.Findings.length;
        if (state.throttle > 0) {
          state.throttle--;
          calls.push({ path, status: 429, findings });
          res.writeHead(429, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'TooManyRequestsException',
            'x-amzn-requestid': 'throttled',
          });
          res.end(JSON.stringify({ Message: 'Rate exceeded' }));
          return;
        }
        if (state.spoil && parsed.Findings[0] !== undefined) {
          state.spoil = false;
          delete parsed.Findings[0].Resources;
          body = Buffer.from(JSON.stringify(parsed));
        }
      }
      const url = new URL(path, target);
      const headers = { ...req.headers, host: url.host, 'content-length': String(body.length) };
      const upstream = request(url, { method: req.method, headers }, (answer) => {
        calls.push({ path, status: answer.statusCode ?? 0, findings });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      upstream.end(body);
    });
  });
  return new Promise<{ url: string; calls: ProxyCall[]; state: typeof state; close: () => Promise<void> }>(
    (resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        resolve({
          url: `http://127.0.0.1:${port}`,
          calls,
          state,
          close: () => new Promise((done) => server.close(() => done())),
        });
      });
    },
  );
}

let emu: Emulator;
let moto: Moto;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let hub: SecurityHubClient;
let dir: string;

beforeAll(async () => {
  const check = await motoAvailable();
  if (!check.ok) throw new Error(check.reason);
  [emu, moto] = await Promise.all([
    startTestEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } }),
    startMoto({ now: FIXED_NOW, account: { id: ACCOUNT, users: [] } }),
  ]);
  proxy = await startProxy(moto.endpoint);
  hub = new SecurityHubClient({ ...clientConfig(emu), endpoint: moto.endpoint });
  await hub.send(new EnableSecurityHubCommand({}));
  dir = mkdtempSync(join(tmpdir(), 'kw-securityhub-'));
}, 60_000);

afterAll(async () => {
  hub?.destroy();
  await proxy?.close();
  await moto?.stop();
  await emu?.stop();
});

function audit(now: Date, output: string) {
  return runCli(
    ['audit', '--to-security-hub', '--format', 'asff', '--output', output, '--now', now.toISOString()],
    {
      cwd: dir,
      env: {
        ...CREDENTIALS,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: emu.url,
        AWS_ENDPOINT_URL_SECURITYHUB: proxy.url,
      },
    },
  );
}

/** Everything moto holds, read directly (not through the proxy), all pages. */
async function stored(): Promise<AwsSecurityFinding[]> {
  const out: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await hub.send(new GetFindingsCommand({ MaxResults: 100, NextToken: token }));
    out.push(...(page.Findings ?? []));
    token = page.NextToken || undefined;
  } while (token !== undefined);
  return out;
}

const importCalls = () => proxy.calls.filter((c) => c.path.startsWith('/findings/import'));
const fixMeId = `keywarden/${ACCOUNT}/fix-me/KEY_ROTATION/${FIX_ME_KEY}`;
const DAY_1 = addDays(FIXED_NOW, 1);

describe('audit --to-security-hub against moto', () => {
  it('imports every open finding in batches of at most 100, riding out a throttled call', async () => {
    // Prepare
    proxy.state.throttle = 1;
    // Act
    const result = await audit(FIXED_NOW, 'run1.json');
    // Assess
    expect(result.exitCode, result.stderr).toBe(1); // findings, no error
    expect(result.stderr).toContain(
      `Security Hub (us-east-1): ${OPEN} open finding(s) imported, 0 archived, 0 failed, in 2 BatchImportFindings call(s)`,
    );
    expect(importCalls().map((c) => `${c.status} ${c.findings}`)).toEqual(['429 100', '200 100', '200 36']);
    const held = await stored();
    const written = (JSON.parse(readFileSync(join(dir, 'run1.json'), 'utf8')) as { Findings: AsffFinding[] })
      .Findings;
    expect(held).toHaveLength(OPEN);
    expect(new Set(held.map((f) => f.Id))).toEqual(new Set(written.map((f) => f.Id)));
    expect(held.every((f) => f.RecordState === 'ACTIVE')).toBe(true);
    expect(held.some((f) => f.Id?.includes('/vendor/'))).toBe(false);
  });

  it('archives a finding fixed between runs and adds no second copy of the others', async () => {
    // Prepare: fix-me's key is deleted; a day passes (a new credential report)
    const iam = new IAMClient(clientConfig(emu));
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'fix-me', AccessKeyId: FIX_ME_KEY }));
    iam.destroy();
    emu.clock.set(DAY_1);
    proxy.calls.length = 0;
    // Act
    const result = await audit(DAY_1, 'run2.json');
    // Assess
    expect(result.stderr).toContain(`${OPEN - 1} open finding(s) imported, 1 archived, 0 failed`);
    const held = await stored();
    expect(held).toHaveLength(OPEN);
    expect(new Set(held.map((f) => f.Id)).size).toBe(OPEN);
    const fixed = held.find((f) => f.Id === fixMeId);
    expect(fixed).toMatchObject({ RecordState: 'ARCHIVED', UpdatedAt: DAY_1.toISOString() });
    const still = held.filter((f) => f.Id !== fixMeId);
    expect(still.every((f) => f.RecordState === 'ACTIVE')).toBe(true);
    // First seen on day 0, updated on day 1
    expect(still[0]).toMatchObject({ CreatedAt: FIXED_NOW.toISOString(), UpdatedAt: DAY_1.toISOString() });
  });

  it('changes nothing on a third run with nothing new', async () => {
    const result = await audit(DAY_1, 'run3.json');
    expect(result.stderr).toContain(`${OPEN - 1} open finding(s) imported, 0 archived, 0 failed`);
    expect(await stored()).toHaveLength(OPEN);
  });

  it('lists a finding Security Hub refuses and exits 2, after writing the report', async () => {
    // Prepare: the proxy removes the first finding's Resources, which moto refuses
    proxy.state.spoil = true;
    // Act
    const result = await audit(DAY_1, 'run4.json');
    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /Security Hub refused finding keywarden\/555555555555\/\S+: InvalidInput: /,
    );
    expect(result.stderr).toContain(
      'keywarden: Security Hub refused 1 finding(s) (listed above); the others were imported',
    );
    expect(readFileSync(join(dir, 'run4.json'), 'utf8')).toContain('"Findings"');
  });
});
