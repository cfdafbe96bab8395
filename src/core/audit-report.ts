/**
 * The audit's report model: a finding per problem with a credential, an evaluation per (user, enabled
 * rule), one account's audit, and the whole report every output format and consumer reads. Plain
 * JSON-ready data; other tools parse these shapes.
 */
import type { ComplianceRef } from './compliance.js';
import type { AppliedFilter } from './finding-filter.js';
import type { InventorySource } from './model.js';
import type { PresetName } from './policy/types.js';
import type { RuleId } from './rules/registry.js';
import { type CisVersion, type CredentialType, SEVERITIES, type Severity } from './rules/types.js';

/** The three verdicts AWS Config and cdk-nag use. */
export type Compliance = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

/** One problem with one credential, ready for JSON (this shape is parsed by other tools). */
export interface Finding {
  /**
   * Stable and readable: `<account>/<user>/<rule>/<key id | key-slot-N | password | user>`; a key
   * audited without its id (`--key-ids none`) is `key-slot-N-<its creation time>`.
   */
  readonly id: string;
  readonly accountId: string;
  readonly userName: string;
  readonly userArn: string;
  readonly rule: RuleId;
  readonly credential: CredentialType;
  /** Null when not yet known or ambiguous (see `accessKeyIdAmbiguous`). */
  readonly accessKeyId: string | null;
  readonly accessKeySlot: 1 | 2 | null;
  /**
   * The IAM user key's CreateDate (ISO), which with the user and slot names the key when its id is
   * not looked up (`--key-ids none`); null for other credentials and root keys.
   */
  readonly accessKeyCreateDate: string | null;
  /** Two keys share a creation second, so the report row could not be tied to one key id. */
  readonly accessKeyIdAmbiguous: boolean;
  readonly severity: Severity;
  /** The standards' controls the finding's rule implements (src/core/compliance.ts). */
  readonly compliance: readonly ComplianceRef[];
  readonly ageDays: number | null;
  readonly lastUsedDaysAgo: number | null;
  readonly exempt: boolean;
  readonly exemptReason: string | null;
  /** The exemption's last day (`YYYY-MM-DD`, inclusive) when exempt and it has one; else null. */
  readonly exemptUntil: string | null;
  /** Where the exemption comes from (`exemptions.users[0]`, `tag keywarden:exempt`...) when exempt. */
  readonly exemptSource: string | null;
  /**
   * Set when the finding is what a rotation Keywarden has in progress makes expected (two active
   * keys, the old key's age) until the old key's deactivation date: then it is not open.
   */
  readonly rotationInProgress: {
    readonly runId: string;
    readonly newAccessKeyId: string;
    /** ISO timestamp; null when the journal does not say. */
    readonly deactivateFrom: string | null;
  } | null;
  /**
   * Set when no journal was there to read (none at its location) and the finding is what a rotation
   * would make expected: the user has one active key younger than the policy's switch-over window
   * beside an older one (src/core/rotation-likely.ts). A guess, so the finding still counts as open;
   * only the journal confirms a rotation (`rotationInProgress`).
   */
  readonly rotationLikely: {
    /** The young key's id; null when the audit has none for it (`--key-ids none`, ambiguous). */
    readonly newAccessKeyId: string | null;
    /** ISO timestamp: the young key's CreateDate. */
    readonly newKeyCreated: string;
    /** Why it looks like a rotation, in one sentence without the final period. */
    readonly reason: string;
  } | null;
  /** Set when the only matching exemption has run out; the finding is then not exempt. */
  readonly exemptionExpired: { readonly reason: string; readonly until: string } | null;
  readonly message: string;
}

/** One verdict per (user, enabled rule), the unit AWS Config reports on. */
export interface Evaluation {
  readonly accountId: string;
  readonly userName: string;
  /** IAM unique id; the account id for the root user. */
  readonly userId: string;
  readonly rule: RuleId;
  readonly compliance: Compliance;
  /** Why: the first violation, or the exemption that made it COMPLIANT; null when plainly compliant. */
  readonly annotation: string | null;
}

interface InventoryInfo {
  readonly source: InventorySource;
  readonly reportGeneratedAt: string | null;
}

/**
 * How many active IAM user access keys are `ageDays` old (whole days since CreateDate, 0 for a key
 * dated in the future). A list of these is a sparse age histogram: exact, and small (one entry per
 * distinct age) however many keys there are.
 */
export interface KeyAgeCount {
  readonly ageDays: number;
  readonly keys: number;
}

/** The audit of one account that could be inventoried. */
export interface AccountAudit {
  readonly kind: 'ok';
  readonly accountId: string;
  readonly inventory: InventoryInfo;
  readonly users: number;
  readonly accessKeys: number;
  readonly activeAccessKeys: number;
  /** Ages of the active user keys (root keys excluded), ascending; sums to `activeAccessKeys`. */
  readonly activeKeyAges: readonly KeyAgeCount[];
  readonly findings: readonly Finding[];
  readonly evaluations: readonly Evaluation[];
  readonly warnings: readonly string[];
}

/** An account whose inventory failed (no role, access denied...); reported, never silently dropped. */
interface AccountAuditError {
  readonly kind: 'error';
  readonly accountId: string;
  readonly error: string;
}

export type AccountAuditOrError = AccountAudit | AccountAuditError;

export interface AccountStatus {
  readonly accountId: string;
  readonly status: 'ok' | 'error';
  readonly error: string | null;
  /** Null for accounts with status `error`. */
  readonly inventory: InventoryInfo | null;
  /** The account's own counts (its findings after the filter); null for accounts with status `error`. */
  readonly summary: AuditSummary | null;
}

export interface PolicySummary {
  readonly preset: PresetName | null;
  readonly enabledRules: readonly RuleId[];
  readonly maxKeyAgeDays: number;
  readonly unusedDays: number;
  /** The remediation lifecycle's ages (days), e.g. for marking an age histogram. */
  readonly rotation: {
    readonly warnBeforeDays: number;
    readonly rotateAfterDays: number;
    readonly deactivateAfterDays: number;
    readonly deleteAfterDays: number;
  };
}

interface RuleCounts {
  readonly findings: number;
  readonly exempt: number;
}

export interface AuditSummary {
  readonly accounts: number;
  readonly accountErrors: number;
  readonly users: number;
  readonly accessKeys: number;
  readonly activeAccessKeys: number;
  /** All findings, exempt ones included. */
  readonly findings: number;
  readonly exempt: number;
  /** Findings of a rotation Keywarden has in progress (not exempt): expected, not open. */
  readonly inProgress: number;
  /** findings - exempt - inProgress: what someone has to act on. */
  readonly open: number;
  /** Open findings that look like a rotation in progress no journal confirms (`rotationLikely`). */
  readonly rotationLikely: number;
  readonly byRule: Readonly<Partial<Record<RuleId, RuleCounts>>>;
}

/** What `--rule`, `--severity` and `--user` left out of an audit: findings, and how many were open. */
export type AuditFilter = AppliedFilter<{ readonly findings: number; readonly open: number }>;

/** The benchmark a report is against (the `cis` presets, `compliance.cisVersion`). */
export interface Benchmark {
  readonly name: 'CIS AWS Foundations Benchmark';
  readonly version: CisVersion;
}

/**
 * The whole audit as plain JSON-ready data. Version 2: one shape for one account and for many
 * (`--org`), every finding at the top level, and the filter the run applied.
 */
export interface AuditReport {
  readonly schemaVersion: 2;
  readonly tool: { readonly name: string; readonly version: string };
  readonly evaluatedAt: string;
  readonly policy: PolicySummary;
  /** The filter applied (`--rule`, `--severity`, `--user`); null when none was. */
  readonly filter: AuditFilter | null;
  /**
   * The one benchmark version the findings' CIS controls are from; null when they name every
   * version Keywarden maps.
   */
  readonly benchmark: Benchmark | null;
  readonly accounts: readonly AccountStatus[];
  /** The findings the filter kept; `summary` counts these. */
  readonly findings: readonly Finding[];
  readonly evaluations: readonly Evaluation[];
  readonly summary: AuditSummary;
  readonly warnings: readonly string[];
  /** Every account's {@link AccountAudit.activeKeyAges} added up; sums to `summary.activeAccessKeys`. */
  readonly activeKeyAges: readonly KeyAgeCount[];
}

/** Every `--fail-on` level: a severity (that severity or worse), any open finding, or never. */
export const FAIL_ON_LEVELS = [...SEVERITIES, 'any', 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];
