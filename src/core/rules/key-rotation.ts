import { daysBetween } from '../days.js';
import { hasActiveKey, keyIdNote, keyLabel, NOT_APPLICABLE, outcome, plural } from './shared.js';
import type { UserRule, Violation } from './types.js';

/**
 * AWS Config `access-keys-rotated`: an active key is NON_COMPLIANT when its age in whole days is
 * strictly greater than maxKeyAgeDays (90 days old with a 90-day limit still passes).
 * Severity medium: an old key is a standing risk, not evidence of compromise.
 */
export const keyRotation: UserRule = {
  kind: 'user',
  id: 'KEY_ROTATION',
  title: 'Access keys rotated',
  severity: 'medium',
  description: 'Active access keys must be younger than maxKeyAgeDays.',
  evaluateUser(user, policy, now) {
    if (!hasActiveKey(user)) return NOT_APPLICABLE;
    const max = policy.rules.KEY_ROTATION.maxKeyAgeDays;
    let violations: Violation[] | undefined;
    for (const key of user.accessKeys) {
      if (key.status !== 'Active') continue;
      const ageDays = daysBetween(key.createDate, now);
      if (ageDays <= max) continue;
      violations ??= [];
      violations.push({
        credential: 'access-key',
        key,
        rootKeySlot: null,
        ageDays,
        lastUsedDaysAgo: key.lastUsedDate === null ? null : daysBetween(key.lastUsedDate, now),
        text: `Active access key ${keyLabel(key)} is ${plural(ageDays, 'day')} old (max ${max})${keyIdNote(key)}`,
      });
    }
    return outcome(violations);
  },
};
