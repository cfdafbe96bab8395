/**
 * The audit of one account: every enabled rule over its inventory, each verdict judged against the
 * exemptions and the rotations Keywarden has in progress (or, with no journal to read, the ones that
 * look like it), into findings and one evaluation per (user, enabled rule). Pure.
 */
import type { ZodRawShape } from 'zod';
import type { AccountAudit, Compliance, Evaluation, Finding, KeyAgeCount } from './audit-report.js';
import { type ComplianceRef, complianceRefs } from './compliance.js';
import { daysBetween } from './days.js';
import { findExemption, tagExemptionWarning } from './exemptions.js';
import type { AccountInventory, UserRecord } from './model.js';
import { ROOT_USER_NAME } from './model.js';
import type { RotationInProgress } from './plan/types.js';
import type { Policy } from './policy/types.js';
import { type LikelyRotation, likelyRotation } from './rotation-likely.js';
import { RULES, type RuleId } from './rules/registry.js';
import {
  type AccountRule,
  CIS_VERSIONS,
  type CisVersion,
  type RuleSettings,
  type RuleVerdict,
  type Severity,
  type UserRule,
  type Violation,
} from './rules/types.js';

/** What the journal tells the audit of an account. */
export interface AuditContext {
  /** Rotations Keywarden made in the account (from its journal), for findings they make expected. */
  readonly rotationsInProgress: readonly RotationInProgress[];
  /**
   * `absent`: there was no journal to read (none at its location), so a user whose keys look like a
   * rotation in progress gets findings marked `rotationLikely`, still open. Default `read`.
   */
  readonly journal?: 'read' | 'absent';
}

const NO_CONTEXT: AuditContext = { rotationsInProgress: [] };

/** How the finding's note tells a CI run to let the audit see Keywarden's rotations. */
const SHARE_THE_JOURNAL = 'share the journal (--journal dynamodb://TABLE or KEYWARDEN_JOURNAL) to confirm it';

/**
 * Runs every enabled rule over one account's inventory. Pure: same inventory, policy and `now`,
 * same result. The common compliant path allocates only the evaluation record.
 */
export function evaluateAccount(
  inventory: AccountInventory,
  policy: Policy,
  now: Date,
  context: AuditContext = NO_CONTEXT,
): AccountAudit {
  const rotations = ongoingRotations(inventory, context, now);
  const guess = context.journal === 'absent';
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
      evaluations.push(judge(result, user, rule, inventory, policy, now, findings, rotation, guess));
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
          findings.push(
            toFinding(principal, rule, v, { kind: 'none' }, null, null, complianceOf(policy)[rule.id]),
          );
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

/** The likely rotation that would make this violation expected, by the same rule property. */
function coveringLikely(
  rule: UserRule<RuleId>,
  v: Violation,
  likely: LikelyRotation | null,
): LikelyRotation | null {
  if (likely === null || rule.duringRotation === undefined) return null;
  if (rule.duringRotation === 'user') return likely;
  // A user's key slots are distinct: the slot names the key even when its id is not known.
  return v.key?.slot === likely.oldKey.slot ? likely : null;
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
  guess: boolean,
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
      // Only a rule a rotation can explain asks whether the user's keys look like one.
      const likely =
        guess && rule.duringRotation !== undefined ? likelyRotation(user, policy.rotation, now) : null;
      for (const v of result.violations) {
        const covering = coveringRotation(rule, v, rotation);
        if (covering === null) allInProgress = false;
        findings.push(
          toFinding(
            principal,
            rule,
            v,
            exemption,
            covering,
            coveringLikely(rule, v, likely),
            complianceOf(policy)[rule.id],
          ),
        );
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

/**
 * Each rule's controls for each choice of CIS version (every version, or one), built once at load:
 * every finding of a rule shares its list.
 */
const COMPLIANCE_BY_CIS = Object.fromEntries(
  [null, ...CIS_VERSIONS].map((version) => [
    version ?? 'all',
    Object.fromEntries(
      RULES.map((r) => [r.id, complianceRefs(r.compliance, version === null ? CIS_VERSIONS : [version])]),
    ),
  ]),
) as unknown as Readonly<Record<CisVersion | 'all', Readonly<Record<RuleId, readonly ComplianceRef[]>>>>;

/** The controls the policy's findings name, per rule. */
function complianceOf(policy: Policy): Readonly<Record<RuleId, readonly ComplianceRef[]>> {
  return COMPLIANCE_BY_CIS[policy.compliance.cisVersion ?? 'all'];
}

function toFinding(
  principal: { readonly accountId: string; readonly userName: string; readonly userArn: string },
  { id: rule, severity }: { readonly id: RuleId; readonly severity: Severity },
  v: Violation,
  exemption: ReturnType<typeof findExemption>,
  rotation: RotationInProgress | null,
  likely: LikelyRotation | null,
  compliance: readonly ComplianceRef[],
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
  const rotationLikely = likely === null ? null : likelyNote(likely);
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
    compliance,
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
    rotationLikely,
    exemptionExpired: expired,
    message:
      (expired === null
        ? `${v.text}.`
        : `${v.text}; exemption expired on ${expired.until} (${expired.reason}).`) +
      (rotationLikely === null
        ? ''
        : ` Rotation likely in progress: ${rotationLikely.reason}; ${SHARE_THE_JOURNAL}.`),
  };
}

function likelyNote(likely: LikelyRotation): NonNullable<Finding['rotationLikely']> {
  const k = likely.newKey;
  const id = k.idAmbiguous ? null : k.accessKeyId;
  const days = likely.newKeyAgeDays;
  // Named as the table names a key without its id (`--key-ids none`): slot and creation day.
  const name = id ?? `${k.slot} (created ${day(k.createDate)})`;
  return {
    newAccessKeyId: id,
    newKeyCreated: k.createDate.toISOString(),
    reason:
      `key ${name} is ${days} day${days === 1 ? '' : 's'} old, within the policy's ` +
      `${likely.switchOverDays}-day switch-over window, beside an older active key; ` +
      'no journal was read to confirm it is a rotation Keywarden made',
  };
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
