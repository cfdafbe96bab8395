import { daysBetween } from '../days.js';
import { plural, verdict } from './shared.js';
import { accountRule, type Violation } from './types.js';

/**
 * AWS Config `iam-root-access-key-check`: the root user must have no active access key.
 * Severity critical (as Security Hub's IAM.4): a root key cannot be limited by any policy. Never exempt. A known root with no
 * active key is COMPLIANT (never NOT_APPLICABLE); an unknown root is not evaluated at all.
 */
export const rootAccessKey = accountRule({
  id: 'ROOT_ACCESS_KEY',
  title: 'Root user access key',
  severity: 'critical',
  description: 'The root user has an active access key. Never exempt.',
  recommendation: "Delete the root user's access key; use IAM roles or users for programmatic access.",
  params: {},
  defaults: { enabled: true },
  compliance: {
    cis: { '1.2.0': '1.12', '1.4.0': '1.4', '3.0.0': '1.4' },
    securityHub: ['IAM.4'],
    awsConfigRule: 'iam-root-access-key-check',
    nist80053r5: ['AC-2(1)', 'AC-3(15)', 'AC-3(7)', 'AC-6', 'AC-6(10)', 'AC-6(2)'],
  },
  neverExempt: true,
  evaluateRoot(root, _settings, now) {
    let violations: Violation[] | undefined;
    for (const key of root.accessKeys) {
      if (!key.active) continue;
      const lastUsedDaysAgo = key.lastUsedDate === null ? null : daysBetween(key.lastUsedDate, now);
      violations ??= [];
      violations.push({
        credential: 'access-key',
        key: null,
        rootKeySlot: key.slot,
        ageDays: key.lastRotated === null ? null : daysBetween(key.lastRotated, now),
        lastUsedDaysAgo,
        // lastRotated is null only when the inventory cannot see root keys' dates (live mode).
        text:
          key.lastRotated === null
            ? 'Root user has an access key (live inventory sees only that one exists; the credential report has its dates)'
            : `Root user has an active access key in slot ${key.slot} (` +
              (lastUsedDaysAgo === null ? 'never used' : `last used ${plural(lastUsedDaysAgo, 'day')} ago`) +
              ')',
      });
    }
    return verdict(violations);
  },
});
