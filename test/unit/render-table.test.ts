import { describe, expect, it } from 'vitest';
import { renderTable } from '../../src/cli/render/table.js';
import { evaluateAccount } from '../../src/core/audit-account.js';
import type { AuditReport } from '../../src/core/audit-report.js';
import { buildAuditReport } from '../../src/core/audit-summary.js';
import { stripAnsi, visibleWidth } from '../support/terminal.js';
import { daysAgo, inventory, key, NOW, policy, root, user } from './builders.js';
import { sampleReport } from './render-helpers.js';

/** Text as a reader sees it across wrapped lines: colors gone, runs of whitespace one space. */
const flat = (text: string) => stripAnsi(text).replace(/\s+/g, ' ');

describe('renderTable', () => {
  it('ends with the summary line', () => {
    // Act
    const lines = renderTable(sampleReport(), { color: false, columns: 120 }).trimEnd().split('\n');
    // Assess
    expect(lines.at(-1)).toBe(
      '2 users · 2 access keys (2 active) · 3 findings (2 exempt) · 1 account failed · report generated 2h ago',
    );
  });

  it('marks exempt findings with their reason', () => {
    const text = renderTable(sampleReport(), { color: false });
    expect(flat(text.slice(text.indexOf('AKIABOB')))).toContain('EXEMPT (vendor, "legacy" system)');
  });

  describe('at 80 columns', () => {
    const reason = 'vendor system:\nrotated by the vendor every spring,\r\napproved in SEC-1234 by the CISO';
    const p = policy({ exemptions: { users: [{ name: 'bob', reason }] } });
    const inv = inventory({
      users: [
        user({
          userName: 'alice',
          accessKeys: [
            key({ accessKeyId: 'AKIAALICE0000000001', createDate: daysAgo(120), lastUsedDate: daysAgo(100) }),
          ],
        }),
        user({
          userName: 'bob',
          accessKeys: [key({ accessKeyId: 'AKIABOB000000000001', createDate: daysAgo(200) })],
        }),
      ],
    });
    const report = buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, {
      name: 'keywarden',
      version: '0',
    });

    it.each([{ color: false }, { color: true }])('no line is wider (color: $color)', ({ color }) => {
      for (const line of renderTable(report, { color, columns: 80 }).split('\n')) {
        expect(visibleWidth(line), line).toBeLessThanOrEqual(80);
      }
    });

    it('keeps "last used 100d ago" on one line', () => {
      const text = renderTable(report, { color: false, columns: 80 });
      expect(text).toMatch(/last used 100d ago/);
    });

    it('renders a multi-line exemption reason as one line of words', () => {
      const text = renderTable(report, { color: false, columns: 80 });
      expect(flat(text)).toContain(
        'EXEMPT (vendor system: rotated by the vendor every spring, approved in SEC-1234 by the CISO)',
      );
      expect(renderTable(report, { color: false, columns: 200 })).toMatch(
        /EXEMPT \(vendor system: rotated .* CISO\)\n/,
      );
    });
  });

  describe('with a critical finding, a long user name and a long reason', () => {
    const longName = `svc-${'very-long-integration-name-'.repeat(2)}x`;
    const p = policy({ exemptions: { users: [{ name: 'carol', reason: 'approved '.repeat(20).trim() }] } });
    const inv = inventory({
      root: root({
        accessKeys: [{ slot: 1, active: true, lastRotated: daysAgo(500), lastUsedDate: daysAgo(30) }],
      }),
      users: [
        user({
          userName: longName,
          accessKeys: [key({ accessKeyId: 'AKIALONG000000000001', createDate: daysAgo(120) })],
        }),
        user({
          userName: 'carol',
          accessKeys: [key({ accessKeyId: 'AKIACAROL00000000001', createDate: daysAgo(200) })],
        }),
        user({
          userName: 'dave',
          accessKeys: [key({ accessKeyId: 'AKIADAVE000000000001', createDate: daysAgo(95) })],
        }),
      ],
    });
    const report = buildAuditReport([evaluateAccount(inv, p, NOW)], p, NOW, {
      name: 'keywarden',
      version: '0',
    });
    const words = (text: string) => stripAnsi(text).split(/\s+/).filter(Boolean);
    const unfitted = renderTable(report, { color: false, columns: 1000 });

    it.each([80, 200])('fits %i columns, splits no word, names every user', (columns) => {
      for (const color of [false, true]) {
        const text = renderTable(report, { color, columns });
        for (const line of text.split('\n')) expect(visibleWidth(line), line).toBeLessThanOrEqual(columns);
        expect(words(text)).toEqual(words(unfitted));
        for (const name of [longName, 'carol', 'dave', '<root_account>']) expect(text).toContain(name);
      }
    });

    it('pads severities to CRITICAL, so rule names line up', () => {
      const lines = renderTable(report, { color: false, columns: 200 }).split('\n');
      const rows = lines.filter((l) => /^ {4}(CRITICAL|HIGH|MEDIUM|LOW) /.test(l));
      expect(rows.length).toBeGreaterThan(3);
      const ruleColumns = new Set(rows.map((l) => /^ {4}[A-Z]+ +/.exec(l)?.[0].length));
      expect([...ruleColumns]).toEqual(['    CRITICAL  '.length]);
    });

    it('gives each finding two lines when a row does not fit, the dates and note under the rule', () => {
      const lines = renderTable(report, { color: false, columns: 80 }).split('\n');
      const at = lines.findIndex((l) => l.includes('AKIACAROL00000000001'));
      expect(lines[at]).toMatch(/^ {4}MEDIUM {4}KEY_ROTATION +AKIACAROL00000000001$/);
      expect(lines[at + 1]).toMatch(/^ {14}age 200d +last used 1d ago$/);
      expect(lines[at + 2]).toMatch(/^ {14}EXEMPT \(approved/);
      expect(lines[at + 3]).toMatch(/^ {16}approved/);
    });

    it('ends a row with its note when both fit on one line', () => {
      const text = renderTable(report, { color: false, columns: 300 });
      expect(text).toMatch(/AKIACAROL00000000001 +age 200d +last used 1d ago +EXEMPT \(approved/);
    });
  });

  it('lists users with open findings before fully exempt ones', () => {
    const text = renderTable(sampleReport(), { color: false });
    expect(text.indexOf('  alice')).toBeLessThan(text.indexOf('  bob'));
  });

  it('shows failed accounts', () => {
    const text = renderTable(sampleReport(), { color: false });
    expect(text).toContain(
      'Account 999999999999 ERROR: AccessDenied: not authorized to perform sts:AssumeRole',
    );
  });

  it.each([
    { color: false, ansi: false },
    { color: true, ansi: true },
  ])('uses ANSI colors only when asked (color: $color)', ({ color, ansi }) => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
    expect(/\u001b\[/.test(renderTable(sampleReport(), { color }))).toBe(ansi);
  });
});

describe('the credential report age in the summary line', () => {
  /** The sample report with every credential report generated `ageMs` before the audit. */
  const reportAged = (ageMs: number): AuditReport => {
    const report = sampleReport();
    const generatedAt = new Date(Date.parse(report.evaluatedAt) - ageMs).toISOString();
    return {
      ...report,
      accounts: report.accounts.map((a) =>
        a.inventory === null ? a : { ...a, inventory: { ...a.inventory, reportGeneratedAt: generatedAt } },
      ),
    };
  };

  it.each([
    { ms: -5_000, text: 'just now' },
    { ms: 59_999, text: 'just now' },
    { ms: 5 * 60_000, text: '5m ago' },
    { ms: 2 * 3_600_000, text: '2h ago' },
    { ms: 72 * 3_600_000, text: '3d ago' },
  ])('$ms ms', ({ ms, text }) => {
    const lines = renderTable(reportAged(ms), { color: false, columns: 200 }).trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`· report generated ${text}$`));
  });
});
