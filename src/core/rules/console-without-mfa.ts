import { daysBetween } from '../days.js';
import { NOT_APPLICABLE, verdict } from './shared.js';
import { userRule } from './types.js';

/**
 * CIS 1.10 / AWS Config `mfa-enabled-for-iam-console-access`: a user who can sign in to the
 * console must have an MFA device. Severity high: a phished password is then enough.
 */
export const consoleWithoutMfa = userRule({
  id: 'CONSOLE_WITHOUT_MFA',
  title: 'Console access without MFA',
  severity: 'high',
  description: 'A user with a console password and no MFA device.',
  recommendation: 'Assign an MFA device to the user, or delete the console password if it is not needed.',
  compliance: {
    cis: { '1.2.0': '1.2', '1.4.0': '1.10', '3.0.0': '1.10' },
    securityHub: ['IAM.5'],
    awsConfigRule: 'mfa-enabled-for-iam-console-access',
    nist80053r5: ['AC-2(1)', 'AC-3(15)', 'IA-2(1)', 'IA-2(2)', 'IA-2(6)', 'IA-2(8)'],
  },
  params: {},
  defaults: { enabled: false },
  // Live mode reads each user's MFA devices only for this rule.
  inventory: ['mfa'],
  evaluateUser(user, _settings, now) {
    const profile = user.loginProfile;
    if (profile === null) return NOT_APPLICABLE;
    if (user.mfaActive) return verdict(undefined);
    return verdict([
      {
        credential: 'password',
        key: null,
        rootKeySlot: null,
        ageDays: daysBetween(profile.createDate, now),
        lastUsedDaysAgo: user.passwordLastUsed === null ? null : daysBetween(user.passwordLastUsed, now),
        text: 'User has a console password but no MFA device',
      },
    ]);
  },
});
