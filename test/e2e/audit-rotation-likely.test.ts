/** A CI audit with no journal: a rotation half done looks like one, is said to, and still fails. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/core/audit-report.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { World } from '../../src/emulator/world-types.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

// The state a rotation leaves until the old key's deactivation: a new key 2 days old beside the old one.
const WORLD: World = {
  accounts: [
    {
      id: '123456789012',
      users: [
        {
          name: 'ci',
          accessKeys: [
            { id: 'AKIACIOLD00000000001', createdDaysAgo: 95, lastUsedDaysAgo: 0.5 },
            { id: 'AKIACINEW00000000002', createdDaysAgo: 2, lastUsedDaysAgo: 0.1 },
          ],
        },
      ],
    },
  ],
};

let emu: Emulator;
// A fresh HOME: no journal in the state directory, as on a CI runner.
const home = mkdtempSync(join(tmpdir(), 'kw-home-'));
const ENV = { AWS_ACCESS_KEY_ID: 'AKIDOPERATOR', AWS_SECRET_ACCESS_KEY: 'x', HOME: home };
beforeAll(async () => {
  emu = await startTestEmulator({ world: WORLD, credentialReport: { inProgressPolls: 0 } });
});
afterAll(() => emu.stop());
const cli = (args: string[], env: Record<string, string> = {}) =>
  runCli([...args, '--endpoint-url', emu.url], { env: { ...ENV, ...env } });

describe('audit with no journal, a rotation half done', () => {
  it('marks the findings rotationLikely in JSON, says how to share the journal, and still fails --fail-on', async () => {
    // Act
    const audit = await cli(['audit', '--format', 'json', '--fail-on', 'any']);

    // Assess
    expect(audit.exitCode, audit.stderr).toBe(1);
    const report = JSON.parse(audit.stdout) as AuditReport;
    expect(report.findings.map((f) => [f.rule, f.rotationLikely?.newAccessKeyId ?? null]).sort()).toEqual([
      ['KEY_ROTATION', 'AKIACINEW00000000002'],
      ['MULTIPLE_ACTIVE_KEYS', 'AKIACINEW00000000002'],
    ]);
    expect(report.findings.every((f) => f.rotationInProgress === null)).toBe(true);
    expect(report.summary).toMatchObject({ findings: 2, inProgress: 0, open: 2, rotationLikely: 2 });
    const warnings = audit.stderr.split('\n').filter((l) => l.includes('no journal here'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /journal\.jsonl: no journal here.*--journal dynamodb:\/\/TABLE or KEYWARDEN_JOURNAL/,
    );
  });

  it('shows a marker and a summary line in the table, and the note in the CSV message', async () => {
    const table = await cli(['audit', '--format', 'table', '--fail-on', 'none', '--no-color']);
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout.replace(/\s+/g, ' ').match(/ROTATION LIKELY \(no journal\)/g)).toHaveLength(2);
    expect(table.stdout.replace(/\s+/g, ' ')).toMatch(
      /2 open findings look like a rotation in progress; share the journal to confirm/,
    );

    const csv = await cli(['audit', '--format', 'csv', '--fail-on', 'none']);
    const rows = csv.stdout.split('\r\n').filter((l) => l.includes('MULTIPLE_ACTIVE_KEYS'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/Rotation likely in progress: key AKIACINEW00000000002 is 2 days old/);
  });

  it('guesses nothing when a journal is there, even an empty one', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'kw-journal-')), 'journal.jsonl');
    writeFileSync(empty, '');
    const audit = await cli(['audit', '--format', 'json', '--fail-on', 'any'], { KEYWARDEN_JOURNAL: empty });
    expect(audit.exitCode).toBe(1);
    const report = JSON.parse(audit.stdout) as AuditReport;
    expect(report.findings.every((f) => f.rotationLikely === null)).toBe(true);
    expect(report.summary).toMatchObject({ open: 2, rotationLikely: 0 });
    expect(audit.stderr).not.toMatch(/no journal here/);
  });
});
