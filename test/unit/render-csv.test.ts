import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, renderCsv } from '../../src/cli/render/csv.js';
import { complianceRefs } from '../../src/core/compliance.js';
import { RULES_BY_ID } from '../../src/core/rules/registry.js';
import { sampleReport } from './render-helpers.js';

const HEADER =
  'accountId,userName,userArn,rule,credential,accessKeyId,severity,ageDays,lastUsedDaysAgo,exempt,exemptReason,message,compliance';
const ROTATION_LABELS = complianceRefs(RULES_BY_ID.KEY_ROTATION.compliance).map((r) => r.label);

describe('csvField', () => {
  it.each([
    { value: 'plain', expected: 'plain' },
    { value: 'a, b', expected: '"a, b"' },
    { value: 'say "hi"', expected: '"say ""hi"""' },
    { value: 'two\nlines', expected: '"two\nlines"' },
    { value: null, expected: '' },
    { value: 0, expected: '0' },
    { value: false, expected: 'false' },
    // Formula injection (OWASP): text starting with = + - @ tab or CR is prefixed with '
    { value: '=1+2', expected: "'=1+2" },
    { value: '+1', expected: "'+1" },
    { value: '-cmd', expected: "'-cmd" },
    { value: '@SUM(A1)', expected: "'@SUM(A1)" },
    { value: '\tx', expected: "'\tx" },
    { value: '\rx', expected: `"'\rx"` },
    { value: '=HYPERLINK("http://x","y")', expected: `"'=HYPERLINK(""http://x"",""y"")"` },
    { value: 'a=1', expected: 'a=1' },
    { value: 'x-y@z', expected: 'x-y@z' },
    { value: -1, expected: '-1' },
  ])('$value', ({ value, expected }) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('renderCsv', () => {
  it('writes the header and one row per finding', () => {
    // Act
    const lines = renderCsv(sampleReport()).split('\r\n');
    // Assess
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(2 + 3); // header, 3 findings, trailing empty string
    expect(lines.at(-1)).toBe('');
  });

  it('quotes fields with commas and quotes and leaves nulls empty', () => {
    // Prepare
    const report = sampleReport({ message: 'Key is old, really "old".' });
    // Act
    const bob = renderCsv(report)
      .split('\r\n')
      .find((l) => l.includes('AKIABOB') && l.includes('KEY_ROTATION'));
    // Assess
    expect(bob).toBe(
      '123456789012,bob,arn:aws:iam::123456789012:user/bob,KEY_ROTATION,access-key,AKIABOB,medium,200,,true,' +
        `"vendor, ""legacy"" system","Key is old, really ""old"".",${ROTATION_LABELS.join('; ')}`,
    );
  });

  it('puts every compliance label in one cell, joined with "; ", and csv-parse reads them back', () => {
    // Prepare
    const report = sampleReport();
    // Act
    const rows: Record<string, string>[] = parse(renderCsv(report), { columns: true });
    // Assess
    expect(rows).toHaveLength(report.findings.length);
    for (const [i, row] of rows.entries()) {
      const finding = report.findings[i];
      expect(row.compliance?.split('; ')).toEqual(finding?.compliance.map((r) => r.label));
    }
    expect(rows.find((r) => r.rule === 'KEY_ROTATION')?.compliance?.split('; ')).toEqual(ROTATION_LABELS);
  });
});
