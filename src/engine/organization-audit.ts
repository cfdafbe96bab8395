/**
 * An organization's audit, folded one account at a time: the one aggregator of `keywarden audit
 * --org | --accounts` and the organization run's report step. Each account's single-account report
 * is built, added to the totals and handed back (to stream it); with `keep`, the account's findings
 * and counts are kept for a report of every account, never its per-credential evaluations.
 */
import type { AccountAuditOrError, AuditReport, FailOn } from '../core/audit-report.js';
import { buildAuditReport } from '../core/audit-summary.js';
import { type AuditTotals, addToTotals, emptyTotals } from '../core/audit-totals.js';
import type { FindingFilter } from '../core/finding-filter.js';
import type { Policy } from '../core/policy/types.js';

export interface OrganizationAuditOptions {
  readonly policy: Policy;
  readonly evaluatedAt: Date;
  readonly tool: { readonly name: string; readonly version: string };
  /** What makes the totals fail (`--fail-on`); `none` for a report only. */
  readonly failOn: FailOn;
  /** Keep each account for {@link OrganizationAudit.report}; false when every account is streamed. */
  readonly keep: boolean;
  /** `--rule`, `--severity`, `--user`: each account's report keeps what it matches. Absent: none. */
  readonly filter?: FindingFilter | null;
}

export interface OrganizationAudit {
  /** The report of no account: the document's head (tool, time, policy), and a CSV's header. */
  readonly head: AuditReport;
  /** Adds one account (its audit, or why it failed); returns its single-account report. */
  add(entry: AccountAuditOrError): AuditReport;
  /** The totals so far, and whether any account failed `failOn`. */
  totals(): AuditTotals;
  /** One report of every kept account (findings and counts; no evaluations). */
  report(): AuditReport;
}

export function organizationAudit(options: OrganizationAuditOptions): OrganizationAudit {
  const { policy, evaluatedAt, tool, failOn, keep } = options;
  const filter = options.filter ?? null;
  const head = buildAuditReport([], policy, evaluatedAt, tool, filter);
  const kept: AccountAuditOrError[] = [];
  let totals = emptyTotals();
  return {
    head,
    add(entry) {
      const report = buildAuditReport([entry], policy, evaluatedAt, tool, filter);
      totals = addToTotals(totals, report, failOn);
      // Kept as the filter left it; `report()` adds the filtered-out counts from the totals.
      if (keep) {
        kept.push(entry.kind === 'ok' ? { ...entry, findings: report.findings, evaluations: [] } : entry);
      }
      return report;
    },
    totals: () => totals,
    report: () => {
      const report = buildAuditReport(kept, policy, evaluatedAt, tool, filter);
      return report.filter === null
        ? report
        : { ...report, filter: { ...report.filter, filteredOut: totals.filteredOut } };
    },
  };
}
