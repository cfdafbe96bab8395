/**
 * `keywarden audit` end to end: the CLI (in-process, same code as the binary) drives the real SDK
 * over HTTP against the emulator serving the demo world at a fixed clock.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_POLICY_PATH, DEMO_WORLD_PATH } from '../../src/cli/paths.js';
import type { AuditReport, Finding } from '../../src/core/audit-report.js';
import type { Emulator } from '../../src/emulator/server.js';
import { loadWorldFile } from '../../src/emulator/world.js';
import { runCli } from '../support/cli.js';
import { clientConfig, FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const PROD = '222222222222';
const NOW = FIXED_NOW.toISOString();

let emu: Emulator;
const envFor: Record<string, NodeJS.ProcessEnv> = {};

async function credentialsIn(accountId: string): Promise<NodeJS.ProcessEnv> {
  const sts = new STSClient(clientConfig(emu));
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/KeywardenAuditRole`,
      RoleSessionName: 'e2e',
    }),
  );
  sts.destroy();
  return {
    AWS_ACCESS_KEY_ID: out.Credentials?.AccessKeyId,
    AWS_SECRET_ACCESS_KEY: out.Credentials?.SecretAccessKey,
    AWS_SESSION_TOKEN: out.Credentials?.SessionToken,
  };
}

beforeAll(async () => {
  emu = await startTestEmulator({
    world: await loadWorldFile(DEMO_WORLD_PATH),
    credentialReport: { inProgressPolls: 0 },
  });
  for (const id of emu.state.accounts.keys()) envFor[id] = await credentialsIn(id);
});
afterAll(() => emu.stop());

function audit(args: readonly string[], accountId = PROD, extraEnv: NodeJS.ProcessEnv = {}) {
  return runCli(['audit', '--endpoint-url', emu.url, '--now', NOW, ...args], {
    env: { ...envFor[accountId], ...extraEnv },
  });
}

async function auditJson(args: readonly string[] = [], accountId = PROD) {
  const result = await audit(['--format', 'json', '--config', DEMO_POLICY_PATH, ...args], accountId);
  expect(result.stderr).not.toMatch(/error/i);
  return { ...result, report: JSON.parse(result.stdout) as AuditReport };
}

const find = (report: AuditReport, userName: string, rule: string): Finding[] =>
  report.findings.filter((f) => f.userName === userName && f.rule === rule);

/** The comparable part of a finding: what it judged, not how the key id was learned. */
const essence = (f: Finding) =>
  `${f.accountId}|${f.userName}|${f.rule}|${f.credential}|${f.accessKeyId}|${f.ageDays}|${f.lastUsedDaysAgo}|${f.exempt}`;

describe('keywarden audit on the demo world', () => {
  it('judges both sides of each boundary with AWS Config semantics', async () => {
    // Act
    const { report, exitCode } = await auditJson();
    // Assess
    expect(exitCode).toBe(1);
    expect(find(report, 'orders-api', 'KEY_ROTATION')).toHaveLength(1);
    expect(find(report, 'orders-api', 'KEY_ROTATION')[0]?.ageDays).toBe(91);
    expect(find(report, 'payments-api', 'KEY_ROTATION')).toHaveLength(0);
    expect(find(report, 'billing-worker', 'UNUSED_CREDENTIALS')[0]?.lastUsedDaysAgo).toBe(90);
    expect(find(report, 'reports-exporter', 'UNUSED_CREDENTIALS')).toHaveLength(0);
    expect(find(report, 'tomas.garcia', 'UNUSED_CREDENTIALS')).toHaveLength(0);
    expect(find(report, 'priya.patel', 'UNUSED_CREDENTIALS')[0]?.credential).toBe('password');
    expect(find(report, 'archived-integration', 'KEY_ROTATION')).toHaveLength(0);
  });

  it('attaches the real key id to a key finding, and refuses to guess between two keys created in the same second', async () => {
    const { report } = await auditJson();
    expect(find(report, 'demo-app', 'KEY_ROTATION')[0]?.accessKeyId).toBe('AKIAEXAMPLEDEMOAPP01');
    const ambiguous = find(report, 'image-resizer', 'KEY_ROTATION');
    expect(ambiguous).toHaveLength(2);
    expect(ambiguous.every((f) => f.accessKeyId === null && f.accessKeyIdAmbiguous)).toBe(true);
    expect(ambiguous[0]?.message).toMatch(/could not be determined|ambiguous/i);
  });

  it('reports exempt credentials with their reason and an expired exemption as not exempt', async () => {
    const { report } = await auditJson();
    const ssm = find(report, 'svc-legacy', 'KEY_ROTATION')[0];
    expect(ssm?.exempt).toBe(true);
    expect(ssm?.exemptReason).toMatch(/iam-unused-user-cleanup/);
    const expired = find(report, 'vendor-datadog', 'KEY_ROTATION')[0];
    expect(expired?.exempt).toBe(false);
    expect(expired?.exemptionExpired?.until).toBe('2020-01-01');
    const tagged = find(report, 'contractor-acme', 'KEY_ROTATION')[0];
    expect(tagged?.exempt).toBe(true);
  });

  it('gives evaluations as AWS Config records them, and the credential report time', async () => {
    const { report } = await auditJson();
    const evaluation = (user: string, rule: string) =>
      report.evaluations.find((e) => e.userName === user && e.rule === rule)?.compliance;
    expect(evaluation('orders-api', 'KEY_ROTATION')).toBe('NON_COMPLIANT');
    expect(evaluation('payments-api', 'KEY_ROTATION')).toBe('COMPLIANT');
    expect(evaluation('priya.patel', 'KEY_ROTATION')).toBe('NOT_APPLICABLE');
    expect(evaluation('tomas.garcia', 'UNUSED_CREDENTIALS')).toBe('COMPLIANT');
    expect(evaluation('svc-legacy', 'KEY_ROTATION')).toBe('COMPLIANT');
    expect(report.accounts[0]?.inventory?.source).toBe('credential-report');
    expect(report.accounts[0]?.inventory?.reportGeneratedAt).toBe(NOW);
    expect(report.summary.users).toBe(emu.state.accounts.get(PROD)?.iam.users.size);
  });

  it('flags the root access key in the management account', async () => {
    const { report } = await auditJson([], '111111111111');
    const root = find(report, '<root_account>', 'ROOT_ACCESS_KEY');
    expect(root).toHaveLength(1);
    expect(root[0]?.severity).toBe('critical');
  });

  it.each(Object.keys({ '111111111111': 1, '222222222222': 1, '333333333333': 1 }))(
    'finds the same findings in report and live inventory modes (account %s)',
    async (accountId) => {
      const report = await auditJson(['--inventory', 'report'], accountId);
      const live = await auditJson(['--inventory', 'live'], accountId);
      expect(live.report.accounts[0]?.inventory?.source).toBe('live');
      // Live mode cannot see root key dates; compare everything else exactly.
      // Report mode cannot tell image-resizer's two same-second keys apart; live mode can.
      const nonRoot = (r: AuditReport) =>
        r.findings
          .filter((f) => f.rule !== 'ROOT_ACCESS_KEY')
          .map((f) => essence({ ...f, accessKeyId: null }))
          .sort();
      expect(nonRoot(live.report)).toEqual(nonRoot(report.report));
      const ids = (r: AuditReport) =>
        r.findings.filter((f) => f.accessKeyId !== null).map((f) => `${f.id}|${f.accessKeyId}`);
      expect(ids(live.report)).toEqual(expect.arrayContaining(ids(report.report)));
      expect(live.report.findings.filter((f) => f.rule === 'ROOT_ACCESS_KEY').length).toBe(
        report.report.findings.filter((f) => f.rule === 'ROOT_ACCESS_KEY').length,
      );
      expect(live.report.summary.findings).toBe(report.report.summary.findings);
    },
  );

  it('--now evaluates as of another time', async () => {
    const later = await audit(['--format', 'json', '--now', '2027-01-01T12:00:00Z']);
    const report = JSON.parse(later.stdout) as AuditReport;
    expect(report.evaluatedAt).toBe('2027-01-01T12:00:00.000Z');
    // payments-api's key is exactly 90 days old at NOW; 40 days later it fails rotation.
    expect(find(report, 'payments-api', 'KEY_ROTATION')[0]?.ageDays).toBe(130);
  });

  it('writes CSV with one row per finding', async () => {
    const json = await auditJson();
    const csv = await audit(['--format', 'csv', '--config', DEMO_POLICY_PATH]);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(json.report.findings.length);
    expect(Object.keys(rows[0] ?? {})).toContain('accessKeyId');
    expect(rows.find((r) => r.userName === 'orders-api')?.ageDays).toBe('91');
  });

  it('--preset cis-1.4.0 reports against CIS v1.4.0: JSON, CSV and table name it', async () => {
    const json = JSON.parse(
      (await audit(['--preset', 'cis-1.4.0', '--format', 'json', '--fail-on', 'none'])).stdout,
    ) as AuditReport;
    expect(json.benchmark).toEqual({ name: 'CIS AWS Foundations Benchmark', version: '1.4.0' });
    const cis = json.findings.flatMap((f) => f.compliance.filter((r) => r.standard === 'cis'));
    expect(cis.length).toBeGreaterThan(0);
    expect(cis.every((r) => r.version === '1.4.0')).toBe(true);
    const csv = await audit(['--preset', 'cis-1.4.0', '--format', 'csv', '--fail-on', 'none']);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows[0]?.compliance).toMatch(/^CIS AWS Foundations Benchmark v1\.4\.0\/1\.\d+; AWS /);
    const table = await audit(['--preset', 'cis-1.4.0', '--format', 'table', '--fail-on', 'none']);
    expect(table.stdout.split('\n')[0]).toBe('Against the CIS AWS Foundations Benchmark v1.4.0');
  });

  it('prints a table grouped by user with a summary line, and writes --output files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-audit-'));
    const table = await audit(['--format', 'table']);
    expect(table.stdout).toMatch(/orders-api/);
    expect(table.stdout).toMatch(/\d+ users · \d+ access keys/);
    const out = join(dir, 'audit.json');
    const written = await audit(['--format', 'json', '--output', out]);
    expect(written.stdout).toBe('');
    expect((JSON.parse(readFileSync(out, 'utf8')) as AuditReport).schemaVersion).toBe(2);
  });

  it('on a terminal: table by default and progress on stderr; piped: JSON and a quiet stderr', async () => {
    const args = ['audit', '--endpoint-url', emu.url, '--now', NOW, '--config', DEMO_POLICY_PATH];
    const tty = await runCli(args, { env: envFor[PROD], tty: true });
    expect(tty.stdout).toMatch(/users · \d+ access keys/);
    expect(tty.stderr).toMatch(/generating the credential report/);
    const piped = await runCli(args, { env: envFor[PROD] });
    expect((JSON.parse(piped.stdout) as AuditReport).schemaVersion).toBe(2);
    expect(piped.stderr).toBe('');
  });

  it('exits by --fail-on: any/medium → 1, high (no high finding in prod) → 0, none → 0; critical by the root key', async () => {
    expect((await audit(['--format', 'json', '--fail-on', 'any'])).exitCode).toBe(1);
    expect((await audit(['--format', 'json', '--fail-on', 'medium'])).exitCode).toBe(1);
    expect((await audit(['--format', 'json', '--fail-on', 'high'])).exitCode).toBe(0);
    expect((await audit(['--format', 'json', '--fail-on', 'critical'], '111111111111')).exitCode).toBe(1);
    expect((await audit(['--format', 'json', '--fail-on', 'none'])).exitCode).toBe(0);
    expect((await audit(['--format', 'json', '--fail-on', 'high'], '111111111111')).exitCode).toBe(1);
  });

  it('applies presets and threshold flags', async () => {
    const cis = await auditJson(['--preset', 'cis']);
    expect(cis.report.policy.unusedDays).toBe(45);
    const flags = await auditJson(['--max-key-age-days', '365', '--unused-days', '365']);
    expect(flags.report.findings.filter((f) => f.rule === 'KEY_ROTATION' && !f.exempt).length).toBeLessThan(
      (await auditJson()).report.findings.filter((f) => f.rule === 'KEY_ROTATION' && !f.exempt).length,
    );
  });

  it('makes 3 + ceil(users/1000) calls plus one ListAccessKeys per user with a key finding, all reads', async () => {
    // Prepare
    emu.faults.resetCounts();
    // Act
    const { report } = await auditJson(['--inventory', 'report']);
    // Assess
    const usersWithKeyFindings = new Set(
      report.findings.filter((f) => f.credential === 'access-key').map((f) => f.userName),
    );
    const listAccessKeys = emu.faults.count('iam', 'ListAccessKeys');
    expect(listAccessKeys).toBe(usersWithKeyFindings.size);
    const other = emu.faults.count() - listAccessKeys;
    expect(other).toBeLessThanOrEqual(3 + Math.ceil(report.summary.users / 1000));
    const writes = emu.faults.writeCalls().filter((c) => c.operation !== 'GenerateCredentialReport');
    expect(writes).toEqual([]);
  });
});

describe('keywarden audit under faults', () => {
  it('rides out throttling and 5xx with the SDK retry and reports the same findings', async () => {
    const clean = await auditJson();
    emu.faults.configure({
      rules: [
        { service: 'iam', operation: 'GetCredentialReport', times: 2, kind: 'throttle' },
        { service: 'iam', operation: 'ListAccessKeys', times: 2, kind: 'error' },
      ],
    });
    try {
      const faulted = await auditJson();
      expect(faulted.report.findings.map(essence)).toEqual(clean.report.findings.map(essence));
    } finally {
      emu.faults.configure({});
    }
  });

  it('AWS_MAX_ATTEMPTS sets the attempts per call: 1 gives up on the first throttle, the default rides it out', async () => {
    const throttleOnce = () =>
      emu.faults.configure({
        rules: [{ service: 'iam', operation: 'GetAccountAuthorizationDetails', times: 1, kind: 'throttle' }],
      });
    try {
      throttleOnce();
      const once = await audit(['--format', 'json'], PROD, { AWS_MAX_ATTEMPTS: '1' });
      throttleOnce();
      const byDefault = await audit(['--format', 'json', '--fail-on', 'none']);

      expect(once.exitCode).toBe(2);
      expect(once.stderr).toMatch(/GetAccountAuthorizationDetails.*Throttling/);
      expect(byDefault.exitCode, byDefault.stderr).toBe(0);
    } finally {
      emu.faults.configure({});
    }
  });

  it('fails with one line and exit 2 when a call keeps failing', async () => {
    emu.faults.configure({
      rules: [{ service: 'iam', operation: 'GetAccountAuthorizationDetails', errorRate: 1 }],
    });
    try {
      const result = await audit(['--format', 'json']);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/GetAccountAuthorizationDetails.*ServiceFailure/);
      expect(result.stdout).toBe('');
    } finally {
      emu.faults.configure({});
    }
  });
});

describe('keywarden audit input errors (one line, exit 2, no AWS call)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-policy-'));
  const bad = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    [
      ['--format', 'xml'],
      /--format: must be one of table, json, jsonl, csv, html, sarif, asff, ocsf \(got "xml"\)/,
    ],
    [['--fail-on', 'sometimes'], /--fail-on: must be one of critical, high, medium, low, any, none/],
    [['--inventory', 'guess'], /--inventory: must be one of report, live/],
    [['--now', 'yesterday'], /--now: must be an ISO-8601 time/],
    [['--now', '2026-02-30'], /--now: must be an ISO-8601 time .*\(got "2026-02-30"\)/],
    [['--now', '2026-11-22T25:00:00Z'], /--now: must be an ISO-8601 time .*\(got "2026-11-22T25:00:00Z"\)/],
    [
      ['--preset', 'nist'],
      /--preset: must be one of aws-config, cis, cis-3.0.0, cis-1.4.0, cis-1.2.0, rotation-165-180-185 \(got "nist"\)/,
    ],
    [['--max-key-age-days', '0'], /--max-key-age-days: must be an integer from 1 to 10000 \(got "?0"?\)/],
    [['--unused-days', 'abc'], /--unused-days: .*"abc"/],
    [['--config', 'missing.yaml'], /--config: policy file not found: missing.yaml/],
    [['--endpoint-url', 'not a url'], /--endpoint-url: not a URL/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('%j', async (args, message) => {
    emu.faults.resetCounts();
    const result = await audit(args as string[]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(emu.faults.count()).toBe(0);
  });

  it.each([['0'], ['21'], ['three']])('AWS_MAX_ATTEMPTS=%s', async (value) => {
    emu.faults.resetCounts();
    const result = await audit(['--format', 'json'], PROD, { AWS_MAX_ATTEMPTS: value });
    const message = /^keywarden: AWS_MAX_ATTEMPTS: a whole number from 1 to 20 \(got "/;
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(emu.faults.count()).toBe(0);
  });

  it.each([
    [
      'zero threshold',
      'version: 1\nrules:\n  KEY_ROTATION: { maxKeyAgeDays: 0 }\n',
      /rules\.KEY_ROTATION\.maxKeyAgeDays.*1 to 10000.*0/,
    ],
    [
      'fraction',
      'version: 1\nrules:\n  UNUSED_CREDENTIALS: { unusedDays: 1.5 }\n',
      /rules\.UNUSED_CREDENTIALS\.unusedDays.*1\.5/,
    ],
    ['unknown key', 'version: 1\nrulez: {}\n', /rulez/],
    [
      'bad date',
      'version: 1\nexemptions:\n  users: [{ name: bob, reason: x, until: "2027-02-30" }]\n',
      /exemptions\.users\[0\]\.until/,
    ],
    ['yaml syntax', 'version: 1\nrules: [\n', /YAML syntax error/],
  ])('bad policy file: %s', async (_name, text, message) => {
    emu.faults.resetCounts();
    const result = await audit(['--config', bad(`${_name.replace(/\W/g, '-')}.yaml`, text)]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(emu.faults.count()).toBe(0);
  });

  it('an unreachable endpoint gives one line and exit 2', async () => {
    const result = await runCli(['audit', '--endpoint-url', 'http://127.0.0.1:9', '--format', 'json'], {
      env: { AWS_ACCESS_KEY_ID: 'AKIDX', AWS_SECRET_ACCESS_KEY: 'x' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9.*ECONNREFUSED/);
  });
});

describe('keywarden init', () => {
  it('writes a default policy that audit accepts, and refuses to overwrite it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-init-'));
    const first = await runCli(['init'], { cwd: dir });
    expect(first.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'keywarden.yaml'), 'utf8')).toMatch(/^version: 1$/m);
    const again = await runCli(['init'], { cwd: dir });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    const result = await runCli(['audit', '--endpoint-url', emu.url, '--now', NOW, '--format', 'json'], {
      cwd: dir,
      env: envFor[PROD],
    });
    expect(result.exitCode).toBe(1);
    expect((JSON.parse(result.stdout) as AuditReport).policy.maxKeyAgeDays).toBe(90);
  });
});
