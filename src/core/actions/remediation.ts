/**
 * How a rule says which remediation it uses (its `remediation`): the actions it may plan are part
 * of that declaration, so the registry knows every action a rule can plan.
 */
import type { PlannedDefinition, RemedyDefinition } from './action.js';
import { notify } from './notify.js';

/**
 * Planned by the credential lifecycle (src/core/plan/lifecycle.ts, rotation and revoking unused
 * credentials), which plans these actions.
 */
export function lifecycle<const A extends readonly PlannedDefinition[]>(...actions: A) {
  return { kind: 'lifecycle', actions } as const;
}

/**
 * Each finding of the rule is remediated with `action` (its `remedy` turns the finding into the
 * action), and the owner is told; in `recommended` mode only (src/core/plan/findings.ts).
 * `ownerAction`: what the owner is asked to do in that notice.
 * @public For rule authors (docs/audit.md): no built-in rule remediates this way yet, so only the
 * rule test/e2e/add-rule.test.ts adds calls it.
 */
export function eachFinding<const D extends RemedyDefinition>(
  action: D,
  options: { readonly ownerAction?: string } = {},
) {
  return {
    kind: 'each-finding',
    action,
    actions: [action, notify],
    ownerAction: options.ownerAction ?? 'If you still need it, ask the security team',
  } as const;
}
