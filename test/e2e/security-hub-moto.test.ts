/**
 * `keywarden audit --to-security-hub` end to end: IAM is our emulator, Security Hub is moto's
 * (EnableSecurityHub, BatchImportFindings and GetFindings; moto ignores GetFindings filters), reached
 * through a loopback proxy that counts the calls, can throttle one (HTTP 429) and can spoil one
 * finding. moto 5.2.1 has no BatchUpdateFindings (PATCH /findings/batchupdate): the proxy records
 * those calls and answers them itself, every finding processed; what Security Hub does with a
 * workflow update is covered by test/unit/aws-security-hub.test.ts. The CLI runs in-process with the
 * real SDK; AWS_ENDPOINT_URL_SECURITYHUB sends only the Security Hub calls to the proxy.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
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
/**
 * 45 users with two old active keys (3 findings each) and one user whose finding gets fixed and comes
 * back: 136 open; vendor's finding is exempt.
 */
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
/** The open findings and vendor's exempt one (WARNING). */
const HELD = OPEN + 1;
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' };

interface ProxyCall {
  readonly path: string;
  readonly status: number;
  readonly findings: number;
}

/** A BatchUpdateFindings request body. */
interface WorkflowUpdate {
  readonly FindingIdentifiers: readonly { readonly Id: string; readonly ProductArn: string }[];
  readonly Workflow: { readonly Status: string };
}

/** Forwards to moto; records each call; answers the next `throttle` imports with 429; can spoil one finding. */
function startProxy(target: string) {
  const calls: ProxyCall[] = [];
  const updates: WorkflowUpdate[] = [];
  const state = { throttle: 0, spoil: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      if (req.method === 'PATCH' && path.startsWith('/findings/batchupdate')) {
        // Not in moto: answered here, every finding processed.
        const update = JSON.parse(body.toString('utf8')) as WorkflowUpdate;
        updates.push(update);
        calls.push({ path, status: 200, findings: update.FindingIdentifiers.length });
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'batchupdate' });
        res.end(JSON.stringify({ ProcessedFindings: update.FindingIdentifiers, UnprocessedFindings: [] }));
        return;
      }
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
  return new Promise<{
    url: string;
    calls: ProxyCall[];
    updates: WorkflowUpdate[];
    state: typeof state;
    close: () => Promise<void>;
  }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        calls,
        updates,
        state,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
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
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const DAY_1 = addDays(FIXED_NOW, 1);
const DAY_2 = addDays(FIXED_NOW, 2);

async function setFixMeKey(status: 'Active' | 'Inactive'): Promise<void> {
  const iam = new IAMClient(clientConfig(emu));
  await iam.send(new UpdateAccessKeyCommand({ UserName: 'fix-me', AccessKeyId: FIX_ME_KEY, Status: status }));
  iam.destroy();
}

describe('audit --to-security-hub against moto', () => {
  it('imports every finding in batches of at most 100, riding out a throttled call', async () => {
    // Prepare
    proxy.state.throttle = 1;
    // Act
    const result = await audit(FIXED_NOW, 'run1.json');
    // Assess
    expect(result.exitCode, result.stderr).toBe(1); // findings, no error
    expect(result.stderr).toContain(
      `Security Hub (us-east-1): ${OPEN} open finding(s) imported, 1 exempt or rotating (WARNING), ` +
        '0 resolved and archived, 0 re-opened, 0 failed, in 2 BatchImportFindings and 0 BatchUpdateFindings call(s)',
    );
    expect(importCalls().map((c) => `${c.status} ${c.findings}`)).toEqual(['429 100', '200 100', '200 37']);
    const held = await stored();
    const written = (JSON.parse(readFileSync(join(dir, 'run1.json'), 'utf8')) as { Findings: AsffFinding[] })
      .Findings;
    expect(held).toHaveLength(HELD);
    expect(new Set(held.map((f) => f.Id))).toEqual(new Set(written.map((f) => f.Id)));
    expect(held.every((f) => f.RecordState === 'ACTIVE')).toBe(true);
    const vendor = held.filter((f) => f.Id?.includes('/vendor/'));
    expect(vendor.map((f) => f.Compliance?.Status)).toEqual(['WARNING']);
    expect(vendor[0]?.Compliance?.StatusReasons?.[0]?.ReasonCode).toBe('KEYWARDEN_EXEMPT');
    expect(held.find((f) => f.Id === fixMeId)?.Compliance).toMatchObject({
      Status: 'FAILED',
      SecurityControlId: 'IAM.3',
    });
    expect(proxy.updates).toEqual([]);
  });

  it('resolves a finding fixed between runs (PASSED, ARCHIVED, workflow RESOLVED), adding no copy', async () => {
    // Prepare: fix-me's key is deactivated; a day passes (a new credential report)
    await setFixMeKey('Inactive');
    emu.clock.set(DAY_1);
    proxy.calls.length = 0;
    // Act
    const result = await audit(DAY_1, 'run2.json');
    // Assess
    expect(result.stderr).toContain(
      `${OPEN - 1} open finding(s) imported, 1 exempt or rotating (WARNING), 1 resolved and archived, 0 re-opened, 0 failed, ` +
        'in 2 BatchImportFindings and 1 BatchUpdateFindings call(s)',
    );
    const held = await stored();
    expect(held).toHaveLength(HELD);
    expect(new Set(held.map((f) => f.Id)).size).toBe(HELD);
    const fixed = held.find((f) => f.Id === fixMeId);
    expect(fixed).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED', SecurityControlId: 'IAM.3' },
      UpdatedAt: DAY_1.toISOString(),
      CreatedAt: FIXED_NOW.toISOString(),
    });
    expect(proxy.updates).toEqual([
      { FindingIdentifiers: [{ Id: fixMeId, ProductArn: PRODUCT }], Workflow: { Status: 'RESOLVED' } },
    ]);
    const still = held.filter((f) => f.Id !== fixMeId);
    expect(still.every((f) => f.RecordState === 'ACTIVE')).toBe(true);
    // First seen on day 0, updated on day 1
    expect(still[0]).toMatchObject({ CreatedAt: FIXED_NOW.toISOString(), UpdatedAt: DAY_1.toISOString() });
  });

  it('changes nothing on a third run with nothing new', async () => {
    proxy.updates.length = 0;
    const result = await audit(DAY_1, 'run3.json');
    expect(result.stderr).toContain(
      `${OPEN - 1} open finding(s) imported, 1 exempt or rotating (WARNING), 0 resolved and archived, 0 re-opened`,
    );
    expect(await stored()).toHaveLength(HELD);
    expect(proxy.updates).toEqual([]);
  });

  it('re-opens a fixed finding that comes back: one finding with that Id, ACTIVE, FAILED, workflow NEW', async () => {
    // Prepare: the key is active again the next day
    await setFixMeKey('Active');
    emu.clock.set(DAY_2);
    // Act
    const result = await audit(DAY_2, 'run4.json');
    // Assess
    expect(result.stderr).toContain(
      `${OPEN} open finding(s) imported, 1 exempt or rotating (WARNING), 0 resolved and archived, 1 re-opened, 0 failed, ` +
        'in 2 BatchImportFindings and 1 BatchUpdateFindings call(s)',
    );
    const held = await stored();
    expect(held).toHaveLength(HELD);
    const back = held.filter((f) => f.Id === fixMeId);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
      CreatedAt: FIXED_NOW.toISOString(),
      FirstObservedAt: FIXED_NOW.toISOString(),
      UpdatedAt: DAY_2.toISOString(),
    });
    expect(proxy.updates).toEqual([
      { FindingIdentifiers: [{ Id: fixMeId, ProductArn: PRODUCT }], Workflow: { Status: 'NEW' } },
    ]);
  });

  it('lists a finding Security Hub refuses and exits 2, after writing the report', async () => {
    // Prepare: the proxy removes the first finding's Resources, which moto refuses
    proxy.state.spoil = true;
    // Act
    const result = await audit(DAY_2, 'run5.json');
    // Assess
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /Security Hub refused finding keywarden\/555555555555\/\S+: InvalidInput: /,
    );
    expect(result.stderr).toContain(
      'keywarden: Security Hub refused 1 finding(s) (listed above); the others were imported',
    );
    expect(readFileSync(join(dir, 'run5.json'), 'utf8')).toContain('"Findings"');
  });
});
