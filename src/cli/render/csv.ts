import type { AuditReport, Finding } from '../../core/audit-report.js';

const COLUMNS = [
  'accountId',
  'userName',
  'userArn',
  'rule',
  'credential',
  'accessKeyId',
  'severity',
  'ageDays',
  'lastUsedDaysAgo',
  'exempt',
  'exemptReason',
  'message',
  'compliance',
] as const satisfies readonly (keyof Finding)[];

/** Between a finding's compliance labels in its one `compliance` cell (no label holds it). */
const COMPLIANCE_SEPARATOR = '; ';

const NEEDS_QUOTES = /[",\r\n]/;
/** What spreadsheets read as the start of a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180 field: quoted only when it holds a comma, quote or line break; quotes doubled. A text
 * value that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
 * return, e.g. the IAM user name `=1+2`) is prefixed with `'` so it is shown as text, as OWASP
 * recommends. Numbers and booleans are written as they are.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One row per finding (exempt ones included, flagged), CRLF line endings as RFC 4180 asks. The last
 * column, `compliance`, holds the finding's control labels joined with `; `.
 */
export function renderCsv(report: AuditReport): string {
  const lines = [COLUMNS.join(',')];
  for (const finding of report.findings) {
    lines.push(
      COLUMNS.map((column) =>
        csvField(
          column === 'compliance'
            ? finding.compliance.map((r) => r.label).join(COMPLIANCE_SEPARATOR)
            : finding[column],
        ),
      ).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
