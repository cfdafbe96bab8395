import type { AuditReport } from '../../core/audit-report.js';

/** The report as 2-space JSON with a trailing newline: the machine-readable contract (schemaVersion 2). */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * jsonl: one finding per line, each a complete JSON object with its account, and nothing else (no
 * summary line), so each line can be read, filtered or shipped alone. No finding: no line.
 */
export function renderJsonl(report: AuditReport): string {
  return report.findings.map((f) => `${JSON.stringify(f)}\n`).join('');
}
