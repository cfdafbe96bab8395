import { capPlan } from '../core/plan/cap.js';
import { changesAws, type Plan } from '../core/plan/types.js';

/**
 * One run's action cap, shared by every account the run works in (`apply --org --max-actions N`).
 * Each account's plan is capped with what is left at the moment it is planned, and what it keeps
 * is taken from the budget in the same synchronous step, so accounts planned concurrently can never
 * exceed the cap together. Changes that end up skipped or failed are not given back.
 */
export class ActionBudget {
  private left: number;

  constructor(readonly maxActions: number) {
    this.left = maxActions;
  }

  get remaining(): number {
    return this.left;
  }

  /** Caps `uncapped` to what is left and takes its changes from the budget. */
  take(uncapped: Plan): Plan {
    const plan = capPlan(uncapped, this.left);
    this.left -= plan.actions.filter(changesAws).length;
    return plan;
  }
}
