import type { AccessKeyRecord, RootRecord, UserRecord } from '../model.js';
import type { Policy, RuleId } from '../policy.js';

/** How bad a finding is; drives sort order, `--fail-on high` and notification urgency. */
export type Severity = 'high' | 'medium' | 'low';

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
export type RuleOutcome =
  | { readonly kind: 'not-applicable' }
  | { readonly kind: 'evaluated'; readonly violations: readonly Violation[] };

interface RuleBase {
  readonly id: RuleId;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
}

/** A rule judged once per IAM user. */
export interface UserRule extends RuleBase {
  readonly kind: 'user';
  evaluateUser(user: UserRecord, policy: Policy, now: Date): RuleOutcome;
}

/** A rule judged once per account, on the root user's credential-report row. */
export interface RootRule extends RuleBase {
  readonly kind: 'root';
  evaluateRoot(root: RootRecord, policy: Policy, now: Date): RuleOutcome;
}

export type Rule = UserRule | RootRule;
