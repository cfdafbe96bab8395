/** `keywarden demo`: the whole story in one command, as the README's first command runs it. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit.js';
import { runCli } from '../support/cli.js';

describe('keywarden demo', () => {
  it('audits the demo organization, then rotates, deactivates, deletes and undoes in prod', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-demo-'));
    const result = await runCli(['demo'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, '.keywarden/demo-audit.json'), 'utf8')) as AuditReport;
    expect(report.accounts.map((a) => a.accountId)).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(report.summary.users).toBeGreaterThanOrEqual(35);
    // Result rows are fitted to 100 columns: a long one continues on the next line.
    const text = result.stdout.replace(/\s+/g, ' ');
    expect(text).toMatch(
      /done\s+create-key\s+222222222222\/demo-app AKIAEXAMPLEDEMOAPP01 → new key AKIA\w+ in keywarden\/222222222222\/demo-app/,
    );
    expect(text).toMatch(/done\s+deactivate-key\s+222222222222\/demo-app AKIAEXAMPLEDEMOAPP01/);
    expect(text).toMatch(/done\s+delete-key/);
    expect(text).toMatch(/done\s+reactivate-key\s+222222222222\/demo-app AKIAEXAMPLEDEMOAPP01/);
    // Nothing that looks like a secret access key (40 base64 characters) is ever printed.
    expect(result.stdout).not.toMatch(/[A-Za-z0-9+/]{40}/);
  });

  it('--audit-only stops after the audit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kw-demo-'));
    const result = await runCli(['demo', '--audit-only'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(/Remediation of account/);
  });
});
