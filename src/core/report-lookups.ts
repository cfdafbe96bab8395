/**
 * What report mode must read beyond the credential report and the users' details, decided one user
 * at a time: a user's verdicts need only its own report row and details, so the adapter can start a
 * user's look-ups as soon as its details page arrives instead of after the whole account. Pure.
 */
import type { UserRecord } from './model.js';
import type { RotationInProgress } from './plan/types.js';
import type { KeyIdMode, Policy } from './policy/types.js';
import { RULES } from './rules/registry.js';
import type { RuleSettings, RuleVerdict, UserRule } from './rules/types.js';

interface EnabledUserRule {
  readonly rule: UserRule;
  readonly settings: RuleSettings<UserRule['params']>;
}

function enabledUserRules(policy: Policy): EnabledUserRule[] {
  const out: EnabledUserRule[] = [];
  for (const rule of RULES) {
    const settings = policy.rules[rule.id] as RuleSettings<UserRule['params']>;
    if (rule.scope === 'user' && settings.enabled) out.push({ rule: rule as UserRule, settings });
  }
  return out;
}

/** True when a key of the user has neither an id nor the mark that its id cannot be known. */
function hasUnnamedKey(user: UserRecord): boolean {
  for (const key of user.accessKeys) if (key.accessKeyId === null && !key.idAmbiguous) return true;
  return false;
}

function activeKeys(user: UserRecord): number {
  let n = 0;
  for (const key of user.accessKeys) if (key.status === 'Active') n++;
  return n;
}

/**
 * Which users' keys an audit looks up by id (one ListAccessKeys each):
 * - `findings`: a user with a finding about one of its keys, so the finding names the key;
 * - both modes: a user with a rotation Keywarden has in progress (from its journal) and two active
 *   keys, because only the ids tell that the two keys are that rotation's old and new key.
 * Users whose keys all have ids (or cannot have one) are never looked up.
 */
export function keyIdLookup(
  policy: Policy,
  now: Date,
  mode: KeyIdMode,
  rotationsInProgress: (accountId: string) => readonly RotationInProgress[],
): (user: UserRecord) => boolean {
  const rules = enabledUserRules(policy);
  const rotating = new Map<string, ReadonlySet<string>>();
  const rotatingIn = (accountId: string): ReadonlySet<string> => {
    let names = rotating.get(accountId);
    if (names === undefined) {
      names = new Set(
        rotationsInProgress(accountId)
          .filter((r) => r.deactivateFrom === null || now.getTime() < r.deactivateFrom.getTime())
          .map((r) => r.userName),
      );
      rotating.set(accountId, names);
    }
    return names;
  };
  return (user) => {
    if (!hasUnnamedKey(user)) return false;
    if (activeKeys(user) >= 2 && rotatingIn(user.accountId).has(user.userName)) return true;
    if (mode === 'none') return false;
    for (const { rule, settings } of rules) {
      const verdict = rule.evaluateUser(user, settings, now);
      if (verdict.kind !== 'evaluated') continue;
      for (const v of verdict.violations) {
        if (
          v.credential === 'access-key' &&
          v.key !== null &&
          v.key.accessKeyId === null &&
          !v.key.idAmbiguous
        )
          return true;
      }
    }
    return false;
  };
}

/** What a verdict says, without the ages and texts that move with a date. */
function verdictShape(verdict: RuleVerdict): string {
  if (verdict.kind === 'not-applicable') return 'n/a';
  return verdict.violations.map((v) => `${v.credential}:${v.key?.slot ?? ''}`).join(',');
}

/**
 * Which users' login profiles report mode reads (one GetLoginProfile each). The credential report
 * has no login-profile creation time, only `password_last_changed`, which every password change
 * moves; the profile was created between the user's creation (`earliest`) and then. A rule judging a
 * never-used password by its profile's age (as AWS's runbook does, with GetLoginProfile) may give a
 * different verdict depending on which date is taken: an audit reads the profile only then
 * (`verdicts`). A plan (`plan`) also reads it for every password finding, because a planned deletion
 * of the login profile names its creation time, which apply checks against GetLoginProfile. A
 * password that cannot have changed since its user was created needs no read.
 */
export function loginProfileLookup(
  policy: Policy,
  now: Date,
  purpose: 'verdicts' | 'plan',
): (user: UserRecord, earliest: Date) => boolean {
  const rules = enabledUserRules(policy);
  return (user, earliest) => {
    const profile = user.loginProfile;
    if (profile === null || earliest.getTime() >= profile.createDate.getTime()) return false;
    const oldest: UserRecord = { ...user, loginProfile: { createDate: earliest } };
    for (const { rule, settings } of rules) {
      const asOldest = rule.evaluateUser(oldest, settings, now);
      if (verdictShape(asOldest) !== verdictShape(rule.evaluateUser(user, settings, now))) return true;
      if (
        purpose === 'plan' &&
        asOldest.kind === 'evaluated' &&
        asOldest.violations.some((v) => v.credential === 'password')
      )
        return true;
    }
    return false;
  };
}
