/**
 * The inventory remediation plans from: every key must carry its id, because an action names the
 * key it changes. Live mode has ids already; report mode attaches them (one ListAccessKeys per
 * user) for every user that has a key the lifecycle could touch: inactive, unused, or old enough
 * to be warned about. Users whose keys are all young, active and in use need no id.
 */
import type { AccountInventory } from '../core/model.js';
import { needsKeyIds } from '../core/plan/lifecycle.js';
import type { Policy } from '../core/policy/types.js';
import type { AwsClients } from './clients.js';
import { type CollectOptions, collectInventory } from './inventory.js';
import { attachAccessKeyIds, type InventoryResult } from './report-inventory.js';

export async function collectPlanningInventory(
  clients: AwsClients,
  policy: Policy,
  options: CollectOptions,
): Promise<InventoryResult> {
  const { inventory, warnings } = await collectInventory(clients, policy, options);
  if (inventory.source === 'live') return { inventory, warnings };
  const users = inventory.users
    .filter((u) => needsKeyIds(u, policy.rotation, policy.rules.UNUSED_CREDENTIALS.unusedDays, options.now))
    .map((u) => u.userName);
  if (users.length === 0) return { inventory, warnings };
  options.onProgress?.(`looking up access key ids for ${users.length} users`);
  const withIds: AccountInventory = await attachAccessKeyIds(
    clients.iam,
    inventory,
    users,
    policy.inventory.concurrency,
  );
  return { inventory: withIds, warnings };
}
