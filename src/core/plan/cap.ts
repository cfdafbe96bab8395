import { type Action, changesAws, type Plan } from './types.js';

/**
 * Limits the changes one run makes. Actions are taken in plan order a whole chain at a time
 * (a chain is one stage of one credential: never a create-key without its store-secret, never a
 * change without its notification); the first chain that does not fit, and every changing chain
 * after it, move to `deferred` for the next run, so the plan's order is kept. Actions that change
 * nothing in AWS (notices, journal-only notes) cost nothing, so such a chain is always kept.
 */
export function capPlan(plan: Plan, maxActions: number): Plan {
  if (!Number.isInteger(maxActions) || maxActions < 0) {
    throw new RangeError(
      `capPlan: maxActions must be a whole number of 0 or more (got ${String(maxActions)}); ` +
        'pass policy.remediation.maxActions',
    );
  }
  const cost = new Map<string, number>();
  for (const a of plan.actions) cost.set(a.chainId, (cost.get(a.chainId) ?? 0) + (changesAws(a) ? 1 : 0));

  const kept = new Set<string>();
  let used = 0;
  let full = false;
  for (const [chain, n] of cost) {
    if (n === 0) {
      kept.add(chain);
    } else if (!full && used + n <= maxActions) {
      kept.add(chain);
      used += n;
    } else {
      full = true;
    }
  }

  const actions: Action[] = [];
  const deferred: Action[] = [...plan.deferred];
  for (const a of plan.actions) (kept.has(a.chainId) ? actions : deferred).push(a);
  return { ...plan, actions, deferred, maxActions };
}
