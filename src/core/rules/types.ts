import type * as z from 'zod';
import type { PlannedDefinition, RemedyDefinition } from '../actions/action.js';
import type { AccessKeyRecord, RootRecord, UserRecord } from '../model.js';

/** Every severity, worst first: the one order for sorting, `--fail-on` and `--severity`. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** How bad a finding is; drives sort order, `--fail-on` and notification urgency. */
export type Severity = (typeof SEVERITIES)[number];

/** Rank of a severity: 0 for the worst (critical). */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The CIS AWS Foundations Benchmark versions a rule can name a control in (src/core/compliance.ts). */
export const CIS_VERSIONS = ['1.2.0', '1.4.0', '3.0.0'] as const;
export type CisVersion = (typeof CIS_VERSIONS)[number];

/**
 * The published controls a rule implements, each checked against the standard's own document
 * (docs/reports.md cites them): src/core/compliance.ts turns them into the `compliance` list every
 * output format carries.
 */
export interface RuleCompliance {
  /** The CIS AWS Foundations Benchmark control per version; a version without the control is absent. */
  readonly cis: Partial<Readonly<Record<CisVersion, string>>>;
  /** AWS Security Hub control ids (e.g. `IAM.3`); empty when Security Hub has none. */
  readonly securityHub: readonly string[];
  /** The AWS Config managed rule (its identifier in lower-case-dash form), or null when there is none. */
  readonly awsConfigRule: string | null;
  /** NIST SP 800-53 Rev. 5 controls, as AWS maps them to the Security Hub controls; empty when none. */
  readonly nist80053r5: readonly string[];
}

/** Which credential a finding is about: one access key, the console password, or the user as a whole. */
export type CredentialType = 'access-key' | 'password' | 'user';

/** One violated condition, as the rule sees it; the audit adds ids, exemptions and the account. */
export interface Violation {
  readonly credential: CredentialType;
  /** The key concerned, for `access-key` violations of IAM users. */
  readonly key: AccessKeyRecord | null;
  /** Slot of a root access key (root keys have no `AccessKeyRecord`). */
  readonly rootKeySlot: 1 | 2 | null;
  /** Key age, or login-profile age for password violations. */
  readonly ageDays: number | null;
  /** Days since last use; null when never used or not meaningful. */
  readonly lastUsedDaysAgo: number | null;
  /** One sentence WITHOUT the final period: the audit may append an expired-exemption clause. */
  readonly text: string;
}

/**
 * The verdict of one rule for one principal. `evaluated` with no violations is COMPLIANT;
 * `not-applicable` means the rule had nothing to judge (e.g. no active key).
 */
export type RuleVerdict =
  | { readonly kind: 'not-applicable' }
  | { readonly kind: 'evaluated'; readonly violations: readonly Violation[] };

/** A rule's settings in the effective policy: `enabled` plus its own parameters. */
export type RuleSettings<S extends z.ZodRawShape> = { readonly enabled: boolean } & {
  readonly [K in keyof S]: z.output<S[K]>;
};

/**
 * What a rule needs the live inventory to read beyond users, keys, their last use and login
 * profiles (the credential report has MFA; report mode reads groups with the users' details).
 */
export type InventoryNeed = 'mfa' | 'groups' | 'attached-policies';

/**
 * How Keywarden remediates a rule's findings (src/core/actions/remediation.ts builds one): `actions`
 * are every action it may plan, so the action registry knows them all.
 * - `lifecycle`: the credential lifecycle decides (src/core/plan/lifecycle.ts);
 * - `each-finding`: each finding is remediated with `action`, and the owner told `ownerAction`.
 */
export type RuleRemediation =
  | { readonly kind: 'lifecycle'; readonly actions: readonly PlannedDefinition[] }
  | {
      readonly kind: 'each-finding';
      readonly action: RemedyDefinition;
      readonly actions: readonly PlannedDefinition[];
      readonly ownerAction: string;
    };

interface RuleBase<Id extends string, S extends z.ZodRawShape, R extends RuleRemediation | null> {
  readonly id: Id;
  readonly title: string;
  readonly severity: Severity;
  /** One sentence for `--help`, docs and the commented policy `keywarden init` writes. */
  readonly description: string;
  /** What to do about a finding, for people and dashboards (SARIF help, the ASFF remediation). */
  readonly recommendation: string;
  /** The rule's parameters in a policy file (`rules.<id>.<param>`), each required here; the file may omit them. */
  readonly params: S;
  /** The settings when neither a preset nor a file sets them. */
  readonly defaults: RuleSettings<S>;
  /** The standards' controls the rule implements. */
  readonly compliance: RuleCompliance;
  /** True when no exemption can cover the rule's findings (the root user's keys). */
  readonly neverExempt: boolean;
  /**
   * What a rotation Keywarden has in progress makes expected, and so not open, until the old key's
   * deactivation date: `user` every finding of the user (two active keys), `replaced-key` the
   * findings about the key being replaced. Absent: rotations change nothing for the rule.
   */
  readonly duringRotation?: 'user' | 'replaced-key';
  /** What the live inventory must read for the rule when it is enabled; empty: nothing more. */
  readonly inventory: readonly InventoryNeed[];
  /** How its findings are remediated; null: they are only reported. */
  readonly remediation: R;
}

/** A rule judged once per IAM user. */
export interface UserRule<
  Id extends string = string,
  S extends z.ZodRawShape = z.ZodRawShape,
  R extends RuleRemediation | null = RuleRemediation | null,
> extends RuleBase<Id, S, R> {
  readonly scope: 'user';
  evaluateUser(user: UserRecord, settings: RuleSettings<S>, now: Date): RuleVerdict;
}

/**
 * A rule judged once per account, on the root user's credential-report row. Keywarden never changes
 * root credentials, so the planner reports an account-level rule's violations as skipped.
 */
export interface AccountRule<Id extends string = string, S extends z.ZodRawShape = z.ZodRawShape>
  extends RuleBase<Id, S, null> {
  readonly scope: 'account';
  evaluateRoot(root: RootRecord, settings: RuleSettings<S>, now: Date): RuleVerdict;
}

export type Rule<Id extends string = string, S extends z.ZodRawShape = z.ZodRawShape> =
  | UserRule<Id, S>
  | AccountRule<Id, S>;

/** A rule of one's own that implements no published control (absent `compliance`). */
const NO_CONTROLS: RuleCompliance = { cis: {}, securityHub: [], awsConfigRule: null, nist80053r5: [] };

/**
 * Declares a user-level rule; the generic parameters keep its id literal, its settings typed and
 * its remediation's actions known.
 */
export function userRule<
  const Id extends string,
  const S extends z.ZodRawShape,
  const R extends RuleRemediation | null = null,
>(
  rule: Omit<UserRule<Id, S, R>, 'scope' | 'neverExempt' | 'inventory' | 'remediation' | 'compliance'> & {
    readonly compliance?: RuleCompliance;
    readonly neverExempt?: boolean;
    readonly inventory?: readonly InventoryNeed[];
    readonly remediation?: R;
  },
): UserRule<Id, S, R> {
  return {
    ...rule,
    scope: 'user',
    compliance: rule.compliance ?? NO_CONTROLS,
    neverExempt: rule.neverExempt ?? false,
    inventory: rule.inventory ?? [],
    // Absent, R is its default: null.
    remediation: rule.remediation ?? (null as R),
  };
}

/** Declares an account-level rule (judged on the root user); Keywarden never remediates one. */
export function accountRule<const Id extends string, const S extends z.ZodRawShape>(
  rule: Omit<AccountRule<Id, S>, 'scope' | 'neverExempt' | 'inventory' | 'remediation' | 'compliance'> & {
    readonly compliance?: RuleCompliance;
    readonly neverExempt?: boolean;
    readonly inventory?: readonly InventoryNeed[];
  },
): AccountRule<Id, S> {
  return {
    ...rule,
    scope: 'account',
    compliance: rule.compliance ?? NO_CONTROLS,
    neverExempt: rule.neverExempt ?? false,
    inventory: rule.inventory ?? [],
    remediation: null,
  };
}
