/**
 * The inventory remediation plans from: every key must carry its id, because an action names the
 * key it changes. Live mode has ids already; report mode looks them up (one ListAccessKeys per
 * user, started as the user's details arrive) for every user that has a key the lifecycle could
 * touch: inactive, unused, or old enough to be warned about, or that a rule remediating each finding
 * has a finding about. Users whose keys are all young, active and in use need no id. A login
 * profile whose deletion could be planned is read too, because the action names its creation time.
 */
import { findingKeyIdLookup } from '../core/plan/findings.js';
import { needsKeyIds } from '../core/plan/lifecycle.js';
import type { Policy } from '../core/policy/types.js';
import { loginProfileLookup } from '../core/report-lookups.js';
import type { AwsClients } from '../sdk/clients.js';
import { type CollectOptions, collectInventory } from './inventory.js';
import type { InventoryResult } from './report-inventory.js';

export async function collectPlanningInventory(
  clients: AwsClients,
  policy: Policy,
  options: CollectOptions,
): Promise<InventoryResult> {
  const unusedDays = policy.rules.UNUSED_CREDENTIALS.unusedDays;
  const findingKeyIds = findingKeyIdLookup(policy, options.now);
  return collectInventory(clients, policy, {
    ...options,
    lookups: {
      keyIds: (user) => needsKeyIds(user, policy.rotation, unusedDays, options.now) || findingKeyIds(user),
      loginProfile: loginProfileLookup(policy, options.now, 'plan'),
    },
  });
}
