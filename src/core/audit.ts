import type { ZodRawShape } from 'zod';
import { daysBetween, formatDuration } from './days.js';
import { findExemption, tagExemptionWarning } from './exemptions.js';
import type { AccountInventory, InventorySource, UserRecord } from './model.js';
import { ROOT_USER_NAME } from './model.js';
import type { RotationInProgress } from './plan/types.js';
import { enabledRuleIds, type Policy, type PresetName } from './policy/types.js';
import { RULE_IDS, RULES, type RuleId } from './rules/registry.js';
import type {
  AccountRule,
  CredentialType,
  RuleSettings,
  RuleVerdict,
  Severity,
  UserRule,
  Violation,
} from './rules/types.js';

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

export interface InventoryInfo {
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
export interface AccountAuditError {
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

export interface RuleCounts {
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
  readonly byRule: Readonly<Partial<Record<RuleId, RuleCounts>>>;
}

/** The whole audit as plain JSON-ready data (schemaVersion 1). */
export interface AuditReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: string; readonly version: string };
  readonly evaluatedAt: string;
  readonly policy: PolicySummary;
  readonly accounts: readonly AccountStatus[];
  readonly findings: readonly Finding[];
  readonly evaluations: readonly Evaluation[];
  readonly summary: AuditSummary;
  readonly warnings: readonly string[];
  /** Every account's {@link AccountAudit.activeKeyAges} added up; sums to `summary.activeAccessKeys`. */
  readonly activeKeyAges: readonly KeyAgeCount[];
}

export type FailOn = 'any' | 'high' | 'none';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2 };
const CREDENTIAL_RANK: Readonly<Record<CredentialType, number>> = { 'access-key': 0, password: 1, user: 2 };
const RULE_RANK = Object.fromEntries(RULE_IDS.map((id, i) => [id, i])) as Readonly<Record<RuleId, number>>;

/**
 * Runs every enabled rule over one account's inventory. Pure: same inventory, policy and `now`,
 * same result. The common compliant path allocates only the evaluation record.
 */
export interface AuditContext {
  /** Rotations Keywarden made in the account (from its journal), for findings they make expected. */
  readonly rotationsInProgress: readonly RotationInProgress[];
}

const NO_CONTEXT: AuditContext = { rotationsInProgress: [] };

export function evaluateAccount(
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  context: AuditContext = NO_CONTEXT,
): AccountAudit {
  const rotations = ongoingRotations(inventory, context, now);
  const userRules: { readonly rule: UserRule<RuleId>; readonly settings: RuleSettings<ZodRawShape> }[] = [];
  const accountRules: { readonly rule: AccountRule<RuleId>; readonly settings: RuleSettings<ZodRawShape> }[] =
    [];
  for (const rule of RULES) {
    const settings: RuleSettings<ZodRawShape> = policy.rules[rule.id];
    if (!settings.enabled) continue;
    if (rule.scope === 'user') userRules.push({ rule, settings });
    else accountRules.push({ rule, settings });
  }
  const findings: Finding[] = [];
  const evaluations: Evaluation[] = [];
  const warnings: string[] = [];
  let accessKeys = 0;
  let activeAccessKeys = 0;
  // Dense counts by age in days: one array slot per day up to the oldest key, no per-key allocation.
  const ageCounts: number[] = [];

  for (const user of inventory.users) {
    accessKeys += user.accessKeys.length;
    for (const key of user.accessKeys) {
      if (key.status !== 'Active') continue;
      activeAccessKeys++;
      const age = Math.max(0, daysBetween(key.createDate, now));
      while (ageCounts.length <= age) ageCounts.push(0);
      ageCounts[age] = (ageCounts[age] as number) + 1;
    }
    const warning = tagExemptionWarning(user, policy);
    if (warning !== null) warnings.push(warning);
    for (const { rule, settings } of userRules) {
      const result = rule.evaluateUser(user, settings, now);
      const rotation = rotations.get(user.userName) ?? null;
      evaluations.push(judge(result, user, rule, inventory, policy, now, findings, rotation));
    }
  }

  // Account-level rules judge the root user, which no exemption covers; an unknown root is not judged.
  const root = inventory.root;
  for (const { rule, settings } of accountRules) {
    if (root === null) break;
    const result = rule.evaluateRoot(root, settings, now);
    const principal = { accountId: inventory.accountId, userName: ROOT_USER_NAME, userArn: root.arn };
    let compliance: Compliance = 'NOT_APPLICABLE';
    let annotation: string | null = null;
    switch (result.kind) {
      case 'not-applicable':
        break;
      case 'evaluated':
        compliance = result.violations.length === 0 ? 'COMPLIANT' : 'NON_COMPLIANT';
        annotation = firstViolation(result.violations);
        for (const v of result.violations) {
          findings.push(toFinding(principal, rule.id, rule.severity, v, { kind: 'none' }, null));
        }
        break;
      default:
        return assertNever(result);
    }
    evaluations.push({
      accountId: inventory.accountId,
      userName: ROOT_USER_NAME,
      userId: inventory.accountId,
      rule: rule.id,
      compliance,
      annotation,
    });
  }

  return {
    kind: 'ok',
    accountId: inventory.accountId,
    inventory: {
      source: inventory.source,
      reportGeneratedAt: inventory.reportGeneratedAt?.toISOString() ?? null,
    },
    users: inventory.users.length,
    accessKeys,
    activeAccessKeys,
    activeKeyAges: sparseAges(ageCounts),
    findings,
    evaluations,
    warnings,
  };
}

function sparseAges(counts: readonly number[]): KeyAgeCount[] {
  const out: KeyAgeCount[] = [];
  for (let ageDays = 0; ageDays < counts.length; ageDays++) {
    const keys = counts[ageDays] as number;
    if (keys > 0) out.push({ ageDays, keys });
  }
  return out;
}

/** Adds up sparse age histograms (each ascending) into one, ascending. */
export function mergeKeyAges(lists: readonly (readonly KeyAgeCount[])[]): KeyAgeCount[] {
  const byAge = new Map<number, number>();
  for (const list of lists) for (const c of list) byAge.set(c.ageDays, (byAge.get(c.ageDays) ?? 0) + c.keys);
  return [...byAge.entries()].sort((a, b) => a[0] - b[0]).map(([ageDays, keys]) => ({ ageDays, keys }));
}

/**
 * The user's rotation in progress: one Keywarden made, whose old and new keys are both still active,
 * before the old key's deactivation date.
 */
function ongoingRotations(
  inventory: AccountInventory,
  context: AuditContext,
  now: Date,
): Map<string, RotationInProgress> {
  const out = new Map<string, RotationInProgress>();
  if (context.rotationsInProgress.length === 0) return out;
  const users = new Map(inventory.users.map((u) => [u.userName, u]));
  for (const r of context.rotationsInProgress) {
    if (r.accountId !== inventory.accountId) continue;
    if (r.deactivateFrom !== null && now.getTime() >= r.deactivateFrom.getTime()) continue;
    const active = users.get(r.userName)?.accessKeys.filter((k) => k.status === 'Active') ?? [];
    const ids = new Set(active.map((k) => k.accessKeyId));
    if (ids.has(r.oldAccessKeyId) && ids.has(r.newAccessKeyId)) out.set(r.userName, r);
  }
  return out;
}

/** The rotation that makes this violation expected, if any (a property of the rule, not its id). */
function coveringRotation(
  rule: UserRule<RuleId>,
  v: Violation,
  rotation: RotationInProgress | null,
): RotationInProgress | null {
  if (rotation === null || rule.duringRotation === undefined) return null;
  if (rule.duringRotation === 'user') return rotation;
  return v.key?.accessKeyId === rotation.oldAccessKeyId && !v.key.idAmbiguous ? rotation : null;
}

function judge(
  result: RuleVerdict,
  user: UserRecord,
  rule: UserRule<RuleId>,
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  findings: Finding[],
  rotation: RotationInProgress | null,
): Evaluation {
  switch (result.kind) {
    case 'not-applicable':
      return evaluation(inventory.accountId, user, rule.id, 'NOT_APPLICABLE', null);
    case 'evaluated': {
      if (result.violations.length === 0)
        return evaluation(inventory.accountId, user, rule.id, 'COMPLIANT', null);
      const exemption = findExemption(user, rule, policy, inventory, now);
      const principal = { accountId: inventory.accountId, userName: user.userName, userArn: user.arn };
      let allInProgress = true;
      for (const v of result.violations) {
        const covering = coveringRotation(rule, v, rotation);
        if (covering === null) allInProgress = false;
        findings.push(toFinding(principal, rule.id, rule.severity, v, exemption, covering));
      }
      if (exemption.kind !== 'exempt' && allInProgress && rotation !== null) {
        const until =
          rotation.deactivateFrom === null ? '' : `, deactivated from ${day(rotation.deactivateFrom)}`;
        return evaluation(
          inventory.accountId,
          user,
          rule.id,
          'COMPLIANT',
          `rotation in progress (run ${rotation.runId}): ${rotation.oldAccessKeyId} is being replaced by ` +
            `${rotation.newAccessKeyId}${until}`,
        );
      }
      switch (exemption.kind) {
        case 'exempt':
          return evaluation(
            inventory.accountId,
            user,
            rule.id,
            'COMPLIANT',
            `exempt: ${exemption.reason} (${exemption.source}` +
              `${exemption.until === null ? '' : `, until ${exemption.until}`})`,
          );
        case 'expired':
          return evaluation(
            inventory.accountId,
            user,
            rule.id,
            'NON_COMPLIANT',
            `${firstViolation(result.violations)}; exemption expired on ${exemption.until}`,
          );
        case 'none':
          return evaluation(
            inventory.accountId,
            user,
            rule.id,
            'NON_COMPLIANT',
            firstViolation(result.violations),
          );
        default:
          return assertNever(exemption);
      }
    }
    default:
      return assertNever(result);
  }
}

function evaluation(
  accountId: string,
  user: UserRecord,
  rule: RuleId,
  compliance: Compliance,
  annotation: string | null,
): Evaluation {
  return {
    accountId,
    userName: user.userName,
    userId: user.userId,
    rule,
    compliance,
    annotation,
  };
}

function firstViolation(violations: readonly Violation[]): string | null {
  const first = violations[0];
  if (first === undefined) return null;
  return violations.length === 1 ? first.text : `${first.text} (+${violations.length - 1} more)`;
}

function toFinding(
  principal: { readonly accountId: string; readonly userName: string; readonly userArn: string },
  rule: RuleId,
  severity: Severity,
  v: Violation,
  exemption: ReturnType<typeof findExemption>,
  rotation: RotationInProgress | null,
): Finding {
  const key = v.key;
  const ambiguous = key?.idAmbiguous ?? false;
  const accessKeyId = key === null || ambiguous ? null : key.accessKeyId;
  const slot = key?.slot ?? v.rootKeySlot;
  const createDate = key === null ? null : key.createDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const suffix =
    v.credential !== 'access-key'
      ? v.credential
      : (accessKeyId ??
        (createDate === null || ambiguous ? `key-slot-${slot ?? 0}` : `key-slot-${slot}-${createDate}`));
  const expired = exemption.kind === 'expired' ? { reason: exemption.reason, until: exemption.until } : null;
  return {
    id: `${principal.accountId}/${principal.userName}/${rule}/${suffix}`,
    accountId: principal.accountId,
    userName: principal.userName,
    userArn: principal.userArn,
    rule,
    credential: v.credential,
    accessKeyId,
    accessKeySlot: slot,
    accessKeyCreateDate: key === null ? null : key.createDate.toISOString(),
    accessKeyIdAmbiguous: ambiguous,
    severity,
    ageDays: v.ageDays,
    lastUsedDaysAgo: v.lastUsedDaysAgo,
    exempt: exemption.kind === 'exempt',
    exemptReason: exemption.kind === 'exempt' ? exemption.reason : null,
    exemptUntil: exemption.kind === 'exempt' ? exemption.until : null,
    exemptSource: exemption.kind === 'exempt' ? exemption.source : null,
    rotationInProgress:
      rotation === null
        ? null
        : {
            runId: rotation.runId,
            newAccessKeyId: rotation.newAccessKeyId,
            deactivateFrom: rotation.deactivateFrom?.toISOString() ?? null,
          },
    exemptionExpired: expired,
    message:
      expired === null
        ? `${v.text}.`
        : `${v.text}; exemption expired on ${expired.until} (${expired.reason}).`,
  };
}

/**
 * Orders findings worst first, then by account, user, rule, credential and key slot, so output is
 * stable and an audit with key ids lists findings in the same order as one without.
 */
export function compareFindings(a: Finding, b: Finding): number {
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

/**
 * Assembles per-account results into the single report every output format and consumer reads.
 * Failed accounts are kept (status `error`) so a partial audit never looks like a clean one.
 */
export function buildAuditReport(
  accounts: readonly AccountAuditOrError[],
  policy: Policy,
  now: Date,
  tool: { readonly name: string; readonly version: string },
): AuditReport {
  const enabled = enabledRuleIds(policy);
  const ordered = [...accounts].sort((a, b) => compareText(a.accountId, b.accountId));
  const statuses: AccountStatus[] = [];
  const findings: Finding[] = [];
  const evaluations: Evaluation[] = [];
  const warnings: string[] = [];
  let users = 0;
  let accessKeys = 0;
  let activeAccessKeys = 0;
  let accountErrors = 0;
  const keyAges: (readonly KeyAgeCount[])[] = [];

  for (const account of ordered) {
    switch (account.kind) {
      case 'ok':
        statuses.push({
          accountId: account.accountId,
          status: 'ok',
          error: null,
          inventory: account.inventory,
        });
        for (const f of account.findings) findings.push(f);
        for (const e of account.evaluations) evaluations.push(e);
        warnings.push(...account.warnings);
        users += account.users;
        accessKeys += account.accessKeys;
        activeAccessKeys += account.activeAccessKeys;
        keyAges.push(account.activeKeyAges);
        break;
      case 'error':
        accountErrors++;
        statuses.push({
          accountId: account.accountId,
          status: 'error',
          error: account.error,
          inventory: null,
        });
        break;
      default:
        return assertNever(account);
    }
  }
  findings.sort(compareFindings);

  const byRule: Partial<Record<RuleId, { findings: number; exempt: number }>> = {};
  for (const id of enabled) byRule[id] = { findings: 0, exempt: 0 };
  let exempt = 0;
  let inProgress = 0;
  for (const f of findings) {
    if (!f.exempt && f.rotationInProgress !== null) inProgress++;
    const counts = byRule[f.rule];
    if (counts !== undefined) {
      counts.findings++;
      if (f.exempt) counts.exempt++;
    }
    if (f.exempt) exempt++;
  }

  return {
    schemaVersion: 1,
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
    accounts: statuses,
    findings,
    evaluations,
    summary: {
      accounts: ordered.length,
      accountErrors,
      users,
      accessKeys,
      activeAccessKeys,
      findings: findings.length,
      exempt,
      inProgress,
      open: findings.length - exempt - inProgress,
      byRule,
    },
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
    case 'high':
      return report.findings.some((f) => isOpen(f) && f.severity === 'high');
    default:
      return assertNever(failOn);
  }
}

/**
 * The warning for a credential report older than the policy allows: AWS reuses a report for up to
 * 4 hours, so an audit or plan may judge data that old. Null when fresh or in live mode.
 */
export function staleReportWarning(inventory: AccountInventory, policy: Policy, now: Date): string | null {
  if (inventory.reportGeneratedAt === null) return null;
  const ageSeconds = Math.floor((now.getTime() - inventory.reportGeneratedAt.getTime()) / 1000);
  const max = policy.inventory.reportMaxAgeSeconds;
  if (ageSeconds <= max) return null;
  return (
    `the credential report is ${formatDuration(ageSeconds)} old, older than reportMaxAgeSeconds (${max}); ` +
    'AWS reuses a report for up to 4 hours — use --inventory live for fresher data'
  );
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
