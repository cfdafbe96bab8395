import { createKey } from '../actions/create-key.js';
import { deactivateKey } from '../actions/deactivate-key.js';
import { deleteKey } from '../actions/delete-key.js';
import { noteActive } from '../actions/note-active.js';
import { noteInactive } from '../actions/note-inactive.js';
import { notify } from '../actions/notify.js';
import { lifecycle } from '../actions/remediation.js';
import { storeSecret } from '../actions/store-secret.js';
import { daysBetween } from '../days.js';
import { days } from '../policy/fields.js';
import { hasActiveKey, keyIdNote, keyLabel, NOT_APPLICABLE, plural, verdict } from './shared.js';
import { userRule, type Violation } from './types.js';

/**
 * AWS Config `access-keys-rotated`: an active key is NON_COMPLIANT when its age in whole days is
 * strictly greater than maxKeyAgeDays (90 days old with a 90-day limit still passes).
 * Severity medium: an old key is a standing risk, not evidence of compromise.
 */
export const keyRotation = userRule({
  id: 'KEY_ROTATION',
  title: 'Access keys rotated',
  severity: 'medium',
  description:
    'An active access key older than maxKeyAgeDays (strictly) is NON_COMPLIANT (AWS Config access-keys-rotated).',
  recommendation:
    'Create a new access key, move the applications to it, then deactivate and delete the old key (keywarden rotate --user NAME, or keywarden apply).',
  compliance: {
    cis: { '1.2.0': '1.4', '1.4.0': '1.14', '3.0.0': '1.14' },
    securityHub: ['IAM.3'],
    awsConfigRule: 'access-keys-rotated',
    nist80053r5: ['AC-2(1)', 'AC-2(3)', 'AC-3(15)'],
  },
  duringRotation: 'replaced-key',
  params: { maxKeyAgeDays: days },
  defaults: { enabled: true, maxKeyAgeDays: 90 },
  // Warn, rotate, deactivate the old key once unused, delete it once inactive long enough.
  remediation: lifecycle(createKey, storeSecret, deactivateKey, deleteKey, noteInactive, noteActive, notify),
  evaluateUser(user, settings, now) {
    if (!hasActiveKey(user)) return NOT_APPLICABLE;
    const max = settings.maxKeyAgeDays;
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
    return verdict(violations);
  },
});
