/**
 * The report of an audit, assembled from each account's audit: findings in a stable order, the
 * summary's totals, the accounts' key ages added up; and the verdicts read from it (is a finding
 * open, does the report fail `--fail-on`).
 */
import type {
  AccountAuditOrError,
  AccountStatus,
  AuditReport,
  AuditSummary,
  Evaluation,
  FailOn,
  Finding,
  KeyAgeCount,
} from './audit-report.js';
import { type FindingFilter, filterMatcher, isEmptyFilter } from './finding-filter.js';
import { enabledRuleIds, type Policy } from './policy/types.js';
import { RULE_IDS, type RuleId } from './rules/registry.js';
import { type CredentialType, SEVERITY_RANK } from './rules/types.js';

const CREDENTIAL_RANK: Readonly<Record<CredentialType, number>> = { 'access-key': 0, password: 1, user: 2 };
const RULE_RANK = Object.fromEntries(RULE_IDS.map((id, i) => [id, i])) as Readonly<Record<RuleId, number>>;

/** Adds up sparse age histograms (each ascending) into one, ascending. */
function mergeKeyAges(lists: readonly (readonly KeyAgeCount[])[]): KeyAgeCount[] {
  const byAge = new Map<number, number>();
  for (const list of lists) for (const c of list) byAge.set(c.ageDays, (byAge.get(c.ageDays) ?? 0) + c.keys);
  return [...byAge.entries()].sort((a, b) => a[0] - b[0]).map(([ageDays, keys]) => ({ ageDays, keys }));
}

/**
 * Orders findings worst first, then by account, user, rule, credential and key slot, so output is
 * stable and an audit with key ids lists findings in the same order as one without.
 */
function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compareText(a.accountId, b.accountId) ||
    compareText(a.userName, b.userName) ||
    RULE_RANK[a.rule] - RULE_RANK[b.rule] ||
    CREDENTIAL_RANK[a.credential] - CREDENTIAL_RANK[b.credential] ||
    (a.accessKeySlot ?? 0) - (b.accessKeySlot ?? 0) ||
    compareText(a.id, b.id)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface InventoryCounts {
  readonly accounts: number;
  readonly accountErrors: number;
  readonly users: number;
  readonly accessKeys: number;
  readonly activeAccessKeys: number;
}

/** The summary of `findings` (every enabled rule counted, even at zero) over an inventory's counts. */
function summarize(
  findings: readonly Finding[],
  enabled: readonly RuleId[],
  counts: InventoryCounts,
): AuditSummary {
  const byRule: Partial<Record<RuleId, { findings: number; exempt: number }>> = {};
  for (const id of enabled) byRule[id] = { findings: 0, exempt: 0 };
  let exempt = 0;
  let inProgress = 0;
  let rotationLikely = 0;
  for (const f of findings) {
    if (!f.exempt && f.rotationInProgress !== null) inProgress++;
    if (isOpen(f) && f.rotationLikely !== null) rotationLikely++;
    const ruleCounts = byRule[f.rule];
    if (ruleCounts !== undefined) {
      ruleCounts.findings++;
      if (f.exempt) ruleCounts.exempt++;
    }
    if (f.exempt) exempt++;
  }
  return {
    ...counts,
    findings: findings.length,
    exempt,
    inProgress,
    open: findings.length - exempt - inProgress,
    rotationLikely,
    byRule,
  };
}

/**
 * Assembles per-account results into the single report every output format and consumer reads.
 * Failed accounts are kept (status `error`) so a partial audit never looks like a clean one. A
 * `filter` (`--rule`, `--severity`, `--user`) keeps the findings and evaluations it matches; the
 * summaries count what it kept, and the report's `filter` says what it left out. The inventory's
 * counts (users, keys, key ages) are the accounts' whole, whatever the filter.
 */
export function buildAuditReport(
  accounts: readonly AccountAuditOrError[],
  policy: Policy,
  now: Date,
  tool: { readonly name: string; readonly version: string },
  filter: FindingFilter | null = null,
): AuditReport {
  const enabled = enabledRuleIds(policy);
  const keep = filter === null || isEmptyFilter(filter) ? null : filterMatcher(filter);
  const ordered = [...accounts].sort((a, b) => compareText(a.accountId, b.accountId));
  const statuses: AccountStatus[] = [];
  const findings: Finding[] = [];
  const evaluations: Evaluation[] = [];
  const warnings: string[] = [];
  let users = 0;
  let accessKeys = 0;
  let activeAccessKeys = 0;
  let accountErrors = 0;
  let filteredOut = 0;
  let filteredOutOpen = 0;
  const keyAges: (readonly KeyAgeCount[])[] = [];

  for (const account of ordered) {
    switch (account.kind) {
      case 'ok': {
        const kept = keep === null ? account.findings : account.findings.filter(keep);
        filteredOut += account.findings.length - kept.length;
        if (keep !== null) filteredOutOpen += account.findings.filter((f) => isOpen(f) && !keep(f)).length;
        statuses.push({
          accountId: account.accountId,
          status: 'ok',
          error: null,
          inventory: account.inventory,
          summary: summarize(kept, enabled, {
            accounts: 1,
            accountErrors: 0,
            users: account.users,
            accessKeys: account.accessKeys,
            activeAccessKeys: account.activeAccessKeys,
          }),
        });
        for (const f of kept) findings.push(f);
        for (const e of account.evaluations) if (keep === null || keep(e)) evaluations.push(e);
        warnings.push(...account.warnings);
        users += account.users;
        accessKeys += account.accessKeys;
        activeAccessKeys += account.activeAccessKeys;
        keyAges.push(account.activeKeyAges);
        break;
      }
      case 'error':
        accountErrors++;
        statuses.push({
          accountId: account.accountId,
          status: 'error',
          error: account.error,
          inventory: null,
          summary: null,
        });
        break;
      default:
        return assertNever(account);
    }
  }
  findings.sort(compareFindings);

  return {
    schemaVersion: 2,
    tool: { name: tool.name, version: tool.version },
    evaluatedAt: now.toISOString(),
    policy: {
      preset: policy.preset,
      enabledRules: enabled,
      maxKeyAgeDays: policy.rules.KEY_ROTATION.maxKeyAgeDays,
      unusedDays: policy.rules.UNUSED_CREDENTIALS.unusedDays,
      rotation: {
        warnBeforeDays: policy.rotation.warnBeforeDays,
        rotateAfterDays: policy.rotation.rotateAfterDays,
        deactivateAfterDays: policy.rotation.deactivateAfterDays,
        deleteAfterDays: policy.rotation.deleteAfterDays,
      },
    },
    filter:
      filter === null || keep === null
        ? null
        : { ...filter, filteredOut: { findings: filteredOut, open: filteredOutOpen } },
    benchmark:
      policy.compliance.cisVersion === null
        ? null
        : { name: 'CIS AWS Foundations Benchmark', version: policy.compliance.cisVersion },
    accounts: statuses,
    findings,
    evaluations,
    summary: summarize(findings, enabled, {
      accounts: ordered.length,
      accountErrors,
      users,
      accessKeys,
      activeAccessKeys,
    }),
    warnings,
    activeKeyAges: mergeKeyAges(keyAges),
  };
}

/** A finding someone has to act on: neither exempt nor part of a rotation in progress. */
export function isOpen(f: Finding): boolean {
  return !f.exempt && f.rotationInProgress === null;
}

/**
 * Whether the audit should fail a pipeline: true when a NON-exempt finding reaches the threshold.
 * Account errors are not findings; the CLI decides separately how to treat them.
 */
export function hasFailure(report: AuditReport, failOn: FailOn): boolean {
  switch (failOn) {
    case 'none':
      return false;
    case 'any':
      return report.findings.some((f) => isOpen(f));
    default: {
      // A severity: that severity or worse.
      const rank = SEVERITY_RANK[failOn];
      return report.findings.some((f) => isOpen(f) && SEVERITY_RANK[f.severity] <= rank);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
