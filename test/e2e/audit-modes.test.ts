/** Report and live inventory must judge a generated account identically. */
import { describe, expect, it } from 'vitest';
import type { AuditReport, Finding } from '../../src/core/audit.js';
import { generateWorld } from '../../src/emulator/generate-world.js';
import { runCli } from '../support/cli.js';
import { FIXED_NOW, startTestEmulator } from '../support/emulator.js';

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDAUDITOR', AWS_SECRET_ACCESS_KEY: 'x' };

/** What was judged, without how the key id was learned (the report cannot split same-second keys). */
const essence = (f: Finding) =>
  `${f.userName}|${f.rule}|${f.credential}|${f.ageDays}|${f.lastUsedDaysAgo}|${f.exempt}|${f.accessKeyIdAmbiguous ? '?' : f.accessKeyId}`;

describe.each([1, 2, 3])('generated account (seed %i)', (seed) => {
  it('gives the same findings, evaluations and key ids in report and live mode', async () => {
    // Prepare
    const world = generateWorld({ accounts: 1, usersPerAccount: 300, seed });
    const emu = await startTestEmulator({ world, credentialReport: { inProgressPolls: 0 } });
    try {
      const audit = async (mode: string) => {
        const result = await runCli(
          [
            'audit',
            '--endpoint-url',
            emu.url,
            '--now',
            FIXED_NOW.toISOString(),
            '--format',
            'json',
            '--inventory',
            mode,
            '--preset',
            'cis',
          ],
          { env: ENV },
        );
        expect(result.stderr).toBe('');
        return JSON.parse(result.stdout) as AuditReport;
      };
      // Act
      const report = await audit('report');
      const live = await audit('live');
      // Assess
      expect(report.findings.length).toBeGreaterThan(50);
      const comparable = (r: AuditReport) =>
        r.findings
          .filter((f) => f.rule !== 'ROOT_ACCESS_KEY')
          .map(essence)
          .sort();
      const ambiguousIds = new Set(
        report.findings.filter((f) => f.accessKeyIdAmbiguous).map((f) => f.userName),
      );
      const withoutAmbiguous = (list: string[]) =>
        list.filter((e) => !ambiguousIds.has(e.split('|')[0] ?? ''));
      expect(withoutAmbiguous(comparable(live))).toEqual(withoutAmbiguous(comparable(report)));
      const verdicts = (r: AuditReport) =>
        r.evaluations
          .filter((e) => e.rule !== 'ROOT_ACCESS_KEY')
          .map((e) => `${e.userName}|${e.rule}|${e.compliance}`)
          .sort();
      expect(verdicts(live)).toEqual(verdicts(report));
    } finally {
      await emu.stop();
    }
  });
});
