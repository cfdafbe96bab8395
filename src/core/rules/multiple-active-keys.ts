import { NOT_APPLICABLE, verdict } from './shared.js';
import { userRule } from './types.js';

/**
 * CIS 1.13: a user should have at most one active access key. Two active keys are normal for the
 * few days of a rotation, so severity is low.
 */
export const multipleActiveKeys = userRule({
  id: 'MULTIPLE_ACTIVE_KEYS',
  title: 'More than one active access key',
  severity: 'low',
  description: 'A user with two active access keys (CIS 1.13).',
  recommendation: 'Keep one active access key per user: deactivate the key that is no longer used.',
  duringRotation: 'user',
  // Neither Security Hub nor AWS Config has a control for it.
  compliance: {
    cis: { '1.4.0': '1.13', '3.0.0': '1.13' },
    securityHub: [],
    awsConfigRule: null,
    nist80053r5: [],
  },
  params: {},
  defaults: { enabled: true },
  evaluateUser(user) {
    let active = 0;
    for (const key of user.accessKeys) if (key.status === 'Active') active++;
    if (active === 0) return NOT_APPLICABLE;
    if (active < 2) return verdict(undefined);
    let list = '';
    let named = 0;
    for (const k of user.accessKeys) {
      if (k.status !== 'Active' || k.idAmbiguous || k.accessKeyId === null) continue;
      list += named++ === 0 ? k.accessKeyId : `, ${k.accessKeyId}`;
    }
    if (named === active) list = ` (${list})`;
    else list = '';
    return verdict([
      {
        credential: 'user',
        key: null,
        rootKeySlot: null,
        ageDays: null,
        lastUsedDaysAgo: null,
        text: `User has ${active} active access keys${list}`,
      },
    ]);
  },
});
