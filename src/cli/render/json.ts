import type { AuditReport } from '../../core/audit-report.js';

/** The report as 2-space JSON with a trailing newline: the machine-readable contract (schemaVersion 1). */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
