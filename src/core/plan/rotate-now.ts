/**
 * `keywarden rotate --user NAME`: the rotation stage of the lifecycle, today, for one user, whatever
 * the key's age — the manual procedure security teams document (create, store, tell the owner), with
 * every safety of the scheduled lifecycle: exemptions hold, a user with two active keys is blocked,
 * an inactive second key is deleted first to free the slot.
 */
import type { AccountInventory } from '../model.js';
import type { Policy } from '../policy/types.js';
import { planAccount } from './planner.js';
import type { JournalFacts, Plan } from './types.js';

/** The policy with the rotation due at age 0, the same switch-over and delete windows, and no revoking. */
function rotateNowPolicy(policy: Policy): Policy {
  const r = policy.rotation;
  const switchOverDays = r.deactivateAfterDays - r.rotateAfterDays;
  return {
    ...policy,
    rules: {
      ...policy.rules,
      KEY_ROTATION: { ...policy.rules.KEY_ROTATION, enabled: true },
      UNUSED_CREDENTIALS: { ...policy.rules.UNUSED_CREDENTIALS, enabled: false },
    },
    rotation: {
      ...r,
      warnBeforeDays: 0,
      rotateAfterDays: 0,
      deactivateAfterDays: switchOverDays,
      deleteAfterDays: switchOverDays + (r.deleteAfterDays - r.deactivateAfterDays),
      forceDeactivateAfterDays: null,
    },
    remediation: { ...policy.remediation, mode: 'recommended' },
  };
}

/** Plans the rotate stage for `userName` only; other stages and users are left to the scheduled runs. */
export function planRotateNow(
  inventory: AccountInventory,
  userName: string,
  policy: Policy,
  now: Date,
  facts: JournalFacts,
): Plan {
  const scoped: AccountInventory = {
    ...inventory,
    users: inventory.users.filter((u) => u.userName === userName),
  };
  const plan = planAccount(scoped, rotateNowPolicy(policy), now, facts);
  return {
    ...plan,
    actions: plan.actions.filter((a) => a.stage === 'rotate'),
    blocked: plan.blocked,
    skipped: plan.skipped.filter((s) => s.stage === 'rotate'),
  };
}
