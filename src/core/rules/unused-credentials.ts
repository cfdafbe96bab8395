import { deactivateKey } from '../actions/deactivate-key.js';
import { deleteLoginProfile } from '../actions/delete-login-profile.js';
import { notify } from '../actions/notify.js';
import { lifecycle } from '../actions/remediation.js';
import { daysBetween } from '../days.js';
import { days } from '../policy/fields.js';
import { hasActiveKey, keyIdNote, keyLabel, NOT_APPLICABLE, plural, verdict } from './shared.js';
import { userRule, type Violation } from './types.js';

/**
 * AWS Config `iam-user-unused-credentials-check` (and the RevokeUnusedIAMUserCredentials runbook):
 * an active key or a console password is unused when its last use is unusedDays or more ago, or,
 * never used, when it was created unusedDays or more ago. A password is judged only while a login
 * profile exists; a leftover PasswordLastUsed after the profile was deleted is ignored.
 * Severity medium: idle credentials are attack surface nobody watches.
 */
export const unusedCredentials = userRule({
  id: 'UNUSED_CREDENTIALS',
  title: 'Unused credentials',
  severity: 'medium',
  description:
    'An active key or console password not used for unusedDays or more (never used: counted from creation) is NON_COMPLIANT (AWS Config iam-user-unused-credentials-check).',
  recommendation:
    'Deactivate or delete the unused access key or console password, or exempt it with a reason (keywarden apply revokes it).',
  // IAM.8 and CIS 1.2.0 1.3 check 90 days, IAM.22 and CIS 1.4.0/3.0.0 1.12 check 45: the threshold decides.
  compliance: {
    cis: { '1.2.0': '1.3', '1.4.0': '1.12', '3.0.0': '1.12' },
    securityHub: ['IAM.8', 'IAM.22'],
    awsConfigRule: 'iam-user-unused-credentials-check',
    nist80053r5: ['AC-2', 'AC-2(1)', 'AC-2(3)', 'AC-3', 'AC-3(15)', 'AC-3(7)', 'AC-6'],
  },
  params: { unusedDays: days },
  defaults: { enabled: true, unusedDays: 90 },
  // Deactivate the unused key (deleted later by the rotation lifecycle), delete the unused password.
  remediation: lifecycle(deactivateKey, deleteLoginProfile, notify),
  evaluateUser(user, settings, now) {
    const profile = user.loginProfile;
    if (profile === null && !hasActiveKey(user)) return NOT_APPLICABLE;
    const limit = settings.unusedDays;
    let violations: Violation[] | undefined;

    for (const key of user.accessKeys) {
      if (key.status !== 'Active') continue;
      const ageDays = daysBetween(key.createDate, now);
      const lastUsedDaysAgo = key.lastUsedDate === null ? null : daysBetween(key.lastUsedDate, now);
      if ((lastUsedDaysAgo ?? ageDays) < limit) continue;
      const label = `Active access key ${keyLabel(key)}`;
      violations ??= [];
      violations.push({
        credential: 'access-key',
        key,
        rootKeySlot: null,
        ageDays,
        lastUsedDaysAgo,
        text:
          (lastUsedDaysAgo === null
            ? `${label} has never been used and was created ${plural(ageDays, 'day')} ago (limit ${limit})`
            : `${label} was last used ${plural(lastUsedDaysAgo, 'day')} ago (limit ${limit})`) +
          keyIdNote(key),
      });
    }

    if (profile !== null) {
      const ageDays = daysBetween(profile.createDate, now);
      const lastUsedDaysAgo = user.passwordLastUsed === null ? null : daysBetween(user.passwordLastUsed, now);
      if ((lastUsedDaysAgo ?? ageDays) >= limit) {
        violations ??= [];
        violations.push({
          credential: 'password',
          key: null,
          rootKeySlot: null,
          ageDays,
          lastUsedDaysAgo,
          text:
            lastUsedDaysAgo === null
              ? `Console password has never been used and was created ${plural(ageDays, 'day')} ago (limit ${limit})`
              : `Console password was last used ${plural(lastUsedDaysAgo, 'day')} ago (limit ${limit})`,
        });
      }
    }
    return verdict(violations);
  },
});
