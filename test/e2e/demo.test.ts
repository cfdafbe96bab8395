/** `keywarden demo`: the whole story in one command, as the README's first command runs it. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import { runCli } from '../support/cli.js';
import { emptyDir } from '../support/env.js';

/** The folder the demo says it wrote to. */
function demoFolder(stdout: string): string {
  const folder = /^Demo folder \(report and journal\): (.+)$/m.exec(stdout)?.[1];
  if (folder === undefined) throw new Error(`the demo printed no folder:\n${stdout}`);
  return folder;
}

describe('keywarden demo', () => {
  it('audits the demo organization, then rotates, deactivates, deletes and undoes in prod', async () => {
    // Prepare: an empty working directory, and a temporary directory of the test's own.
    const cwd = emptyDir('demo-cwd-');
    const tmp = emptyDir('demo-tmp-');

    // Act
    const result = await runCli(['demo'], { cwd, env: { TMPDIR: tmp } });

    // Assess: nothing in the working directory; the report and the journal in the folder it printed.
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
    const folder = demoFolder(result.stdout);
    expect(folder.startsWith(join(tmp, 'keywarden-demo-'))).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['demo-audit.json', 'journal.jsonl']);
    expect(result.stdout).toContain(`JSON report: ${join(folder, 'demo-audit.json')}`);
    expect(result.stdout).toContain(`keywarden history --journal ${join(folder, 'journal.jsonl')}`);
    const report = JSON.parse(readFileSync(join(folder, 'demo-audit.json'), 'utf8')) as AuditReport;
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

  it('--audit-only stops after the audit; each run has a folder of its own', async () => {
    const cwd = emptyDir('demo-cwd-');
    const tmp = emptyDir('demo-tmp-');

    const first = await runCli(['demo', '--audit-only'], { cwd, env: { TMPDIR: tmp } });
    const second = await runCli(['demo', '--audit-only'], { cwd, env: { TMPDIR: tmp } });

    expect(first.exitCode).toBe(0);
    expect(first.stdout).not.toMatch(/Remediation of account/);
    expect(readdirSync(cwd)).toEqual([]);
    expect(demoFolder(first.stdout)).not.toBe(demoFolder(second.stdout));
    expect(existsSync(join(demoFolder(second.stdout), 'demo-audit.json'))).toBe(true);
  });
});
