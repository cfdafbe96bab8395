/**
 * Which inventory a use case reads. An audit reads what the policy says (by default the credential
 * report: one call for the whole account, up to hours old). What acts on IAM, or judges one user
 * right after a change, reads IAM live instead: exact key ids and the state of this moment.
 */
import type { InventoryMode, Policy } from './types.js';

/**
 * The policy remediation (plan, apply, rotate, the handlers, the demo) runs with: live inventory,
 * unless the operator asked for another mode (`--inventory report`).
 */
export function remediationPolicy(policy: Policy, requested: InventoryMode | null = null): Policy {
  return withMode(policy, requested ?? 'live');
}

/** The policy a Config evaluation of one changed user runs with: that user, read live. */
export function changedUserPolicy(policy: Policy): Policy {
  return withMode(policy, 'live');
}

function withMode(policy: Policy, mode: InventoryMode): Policy {
  return { ...policy, inventory: { ...policy.inventory, mode } };
}
