/**
 * Totals of a multi-account audit, folded one account at a time so no account's report has to be
 * kept: each account's summary is added in, and whether it fails `--fail-on` is remembered.
 */
import type { AuditReport, AuditSummary, FailOn } from './audit-report.js';
import { hasFailure } from './audit-summary.js';
import type { RuleId } from './rules/registry.js';

export interface AuditTotals {
  readonly summary: AuditSummary;
  /** True once any account's report fails `failOn`. */
  readonly fails: boolean;
  /** What the filter left out so far (zero without a filter). */
  readonly filteredOut: { readonly findings: number; readonly open: number };
}

export function emptyTotals(): AuditTotals {
  return {
    summary: {
      accounts: 0,
      accountErrors: 0,
      users: 0,
      accessKeys: 0,
      activeAccessKeys: 0,
      findings: 0,
      exempt: 0,
      inProgress: 0,
      open: 0,
      rotationLikely: 0,
      byRule: {},
    },
    fails: false,
    filteredOut: { findings: 0, open: 0 },
  };
}

/** Adds one account's report (a single-account report, or an error) to the totals. */
export function addToTotals(totals: AuditTotals, report: AuditReport, failOn: FailOn): AuditTotals {
  const a = totals.summary;
  const b = report.summary;
  const byRule: Partial<Record<RuleId, { findings: number; exempt: number }>> = {};
  for (const source of [a.byRule, b.byRule]) {
    for (const [rule, counts] of Object.entries(source) as [RuleId, { findings: number; exempt: number }][]) {
      const sum = byRule[rule] ?? { findings: 0, exempt: 0 };
      byRule[rule] = { findings: sum.findings + counts.findings, exempt: sum.exempt + counts.exempt };
    }
  }
  return {
    summary: {
      accounts: a.accounts + b.accounts,
      accountErrors: a.accountErrors + b.accountErrors,
      users: a.users + b.users,
      accessKeys: a.accessKeys + b.accessKeys,
      activeAccessKeys: a.activeAccessKeys + b.activeAccessKeys,
      findings: a.findings + b.findings,
      exempt: a.exempt + b.exempt,
      inProgress: a.inProgress + b.inProgress,
      open: a.open + b.open,
      rotationLikely: a.rotationLikely + b.rotationLikely,
      byRule,
    },
    fails: totals.fails || hasFailure(report, failOn),
    filteredOut: {
      findings: totals.filteredOut.findings + (report.filter?.filteredOut.findings ?? 0),
      open: totals.filteredOut.open + (report.filter?.filteredOut.open ?? 0),
    },
  };
}
