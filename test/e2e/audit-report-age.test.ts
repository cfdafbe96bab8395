/** How the audit reuses, or does not reuse, an existing credential report. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, useEmulator } from '../support/emulator.js';

const WORLD = {
  accounts: [
    {
      id: '123456789012',
      users: [{ name: 'app', accessKeys: [{ createdDaysAgo: 100, lastUsedDaysAgo: 1 }] }],
    },
  ],
};
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' };

describe('credential report age', () => {
  const emu = useEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });
  const dir = mkdtempSync(join(tmpdir(), 'kw-age-'));
  const dayPolicy = join(dir, 'day.yaml');
  const shortPolicy = join(dir, 'short.yaml');
  writeFileSync(dayPolicy, 'version: 1\ninventory: { reportMaxAgeSeconds: 86400 }\n');
  writeFileSync(shortPolicy, 'version: 1\ninventory: { reportMaxAgeSeconds: 3600 }\n');

  const audit = async (config?: string) => {
    const now = emu.current.clock.now().toISOString();
    const args = ['audit', '--endpoint-url', emu.current.url, '--format', 'json', '--now', now];
    const result = await runCli(config ? [...args, '--config', config] : args, { env: ENV });
    return { ...result, report: JSON.parse(result.stdout) as AuditReport };
  };

  it('reuses a report younger than 4 hours (AWS does too) and says how old it is', async () => {
    const first = await audit();
    emu.current.clock.advance(2 / 24);
    emu.current.faults.resetCounts();
    const second = await audit();
    expect(second.report.accounts[0]?.inventory?.reportGeneratedAt).toBe(FIXED_NOW.toISOString());
    expect(first.report.accounts[0]?.inventory?.reportGeneratedAt).toBe(FIXED_NOW.toISOString());
    expect(emu.current.faults.count('iam', 'GetCredentialReport')).toBe(1);
  });

  it('warns when the reused report is older than a shorter reportMaxAgeSeconds', async () => {
    const result = await audit(shortPolicy);
    expect(result.report.warnings.join('\n')).toMatch(
      /credential report is 2h old, older than reportMaxAgeSeconds \(3600\)/,
    );
  });

  it('plan --inventory report warns about the same old report', async () => {
    const now = emu.current.clock.now().toISOString();
    const result = await runCli(
      [
        'plan',
        '--inventory',
        'report',
        '--endpoint-url',
        emu.current.url,
        '--format',
        'json',
        '--now',
        now,
        '--config',
        shortPolicy,
        '--journal',
        join(dir, 'journal.jsonl'),
      ],
      { env: ENV },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /keywarden: warning: the credential report is 2h old, older than reportMaxAgeSeconds \(3600\)/,
    );
  });

  it('with reportMaxAgeSeconds above 4 hours, reads the existing report without generating one', async () => {
    emu.current.clock.advance(4 / 24);
    emu.current.faults.resetCounts();
    const result = await audit(dayPolicy);
    expect(result.report.accounts[0]?.inventory?.reportGeneratedAt).toBe(FIXED_NOW.toISOString());
    expect(emu.current.faults.count('iam', 'GenerateCredentialReport')).toBe(0);
  });

  it('with the default maximum, a report older than 4 hours is replaced by a new one', async () => {
    const result = await audit();
    expect(result.report.accounts[0]?.inventory?.reportGeneratedAt).toBe(
      emu.current.clock.now().toISOString(),
    );
  });
});
