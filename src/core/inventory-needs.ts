/**
 * What a live inventory reads beyond each user's details, keys, their last use and login profile:
 * what the enabled rules declare they need (a rule's `inventory`), and groups when an exemption
 * names one. Pure, so the policy alone decides the calls.
 */
import type { Policy } from './policy/types.js';
import { RULES } from './rules/registry.js';
import type { InventoryNeed } from './rules/types.js';

export type InventoryNeeds = { readonly [N in InventoryNeed]: boolean };

export function inventoryNeeds(policy: Policy): InventoryNeeds {
  const needed = new Set<InventoryNeed>();
  for (const rule of RULES) {
    if (policy.rules[rule.id].enabled) for (const need of rule.inventory) needed.add(need);
  }
  return {
    mfa: needed.has('mfa'),
    'attached-policies': needed.has('attached-policies'),
    groups: needed.has('groups') || policy.exemptions.groups.length > 0,
  };
}
