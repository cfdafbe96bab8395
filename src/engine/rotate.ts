/**
 * Rotates one user's key now (`keywarden rotate`): plan the rotate stage for that user, carry it out,
 * and optionally wait until the application uses the new key, then deactivate the old one once the
 * core says the switch is complete.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { keyLastUsed } from '../aws/apply/live-state.js';
import { collectPlanningInventory } from '../aws/plan-inventory.js';
import { factsFromJournal } from '../core/journal/views.js';
import { planRotateNow } from '../core/plan/rotate-now.js';
import { planSwitchOver } from '../core/plan/switch-over.js';
import type { CreateKeyAction, Plan } from '../core/plan/types.js';
import type { Policy } from '../core/policy/types.js';
import { newRunId } from '../journal/run-id.js';
import type { ExecuteResult } from './apply/execute.js';
import { applyPlan } from './apply/runs.js';
import { NotFoundError } from './errors.js';
import { type HeldElsewhere, type LeaseScope, underAccountLease } from './lease.js';
import type { RemediationDeps } from './types.js';

interface WaitForSwitch {
  readonly pollMs: number;
  readonly timeoutMs: number;
  /** Told once, when waiting starts. */
  readonly onWaiting?: (newAccessKeyId: string) => void;
  /** Default: a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RotateOptions {
  readonly userName: string;
  /** Called with the plan as soon as it is made (to show it), and what reading for it found. */
  readonly onPlan?: (plan: Plan, warnings: readonly string[]) => void;
  /** Asked before the key is created; absent = go ahead. */
  readonly confirm?: (create: CreateKeyAction) => Promise<boolean>;
  readonly waitForSwitch?: WaitForSwitch;
}

type SwitchOutcome =
  | { readonly kind: 'timeout'; readonly newAccessKeyId: string; readonly oldAccessKeyId: string }
  | { readonly kind: 'old-key-still-used'; readonly reason: string }
  | { readonly kind: 'deactivated'; readonly execution: ExecuteResult };

export type RotateResult =
  /** Another run holds the account's lease: nothing was read or changed. */
  | ({ readonly kind: 'held-elsewhere' } & HeldElsewhere)
  | { readonly kind: 'nothing-to-rotate'; readonly plan: Plan }
  | { readonly kind: 'declined'; readonly plan: Plan }
  | {
      readonly kind: 'rotated';
      readonly plan: Plan;
      readonly rotation: ExecuteResult;
      /** Null when not asked to wait, or when the rotation itself did not complete. */
      readonly switchOver: SwitchOutcome | null;
    };

/**
 * Under the account's lease (held through the wait for the switch, renewed at each poll), so the
 * scheduled lifecycle does not act on the account meanwhile.
 */
export async function rotateUser(
  deps: RemediationDeps,
  policy: Policy,
  options: RotateOptions,
): Promise<RotateResult> {
  const runId = newRunId(deps.clock());
  const out = await underAccountLease(deps, { runId, command: 'rotate' }, (scope) =>
    rotateUnderLease(deps, policy, options, runId, scope),
  );
  return out.kind === 'held-elsewhere' ? out : out.value;
}

async function rotateUnderLease(
  deps: RemediationDeps,
  policy: Policy,
  options: RotateOptions,
  runId: string,
  scope: LeaseScope,
): Promise<RotateResult> {
  const { userName } = options;
  const now = deps.clock();
  const { inventory, warnings } = await collectPlanningInventory(deps.clients, policy, {
    now,
    userNames: [userName],
  });
  if (!inventory.users.some((u) => u.userName === userName)) {
    throw new NotFoundError(
      '--user',
      `no IAM user ${JSON.stringify(userName)} in account ${inventory.accountId}`,
    );
  }
  const journal = await deps.journal.read();
  const facts = factsFromJournal(journal.records);
  const plan = planRotateNow(inventory, userName, policy, now, facts);
  options.onPlan?.(plan, [...journal.warnings, ...warnings]);
  const create = plan.actions.find((a): a is CreateKeyAction => a.type === 'create-key');
  if (create === undefined) return { kind: 'nothing-to-rotate', plan };
  if (options.confirm && !(await options.confirm(create))) return { kind: 'declined', plan };

  await scope.keep();
  const rotation = await applyPlan(deps, policy, plan, 'rotate', { runId, scope });
  const created = rotation.results.find((r) => r.type === 'create-key' && r.status === 'done');
  const wait = options.waitForSwitch;
  const complete = !rotation.results.some((r) => r.status === 'failed') && created?.newAccessKeyId;
  if (wait === undefined || !complete || created?.newAccessKeyId === undefined) {
    return { kind: 'rotated', plan, rotation, switchOver: null };
  }
  const switchOver = await waitAndSwitch(deps, policy, plan, create, created.newAccessKeyId, wait, scope);
  return { kind: 'rotated', plan, rotation, switchOver };
}

async function waitAndSwitch(
  deps: RemediationDeps,
  policy: Policy,
  plan: Plan,
  create: CreateKeyAction,
  newAccessKeyId: string,
  wait: WaitForSwitch,
  scope: LeaseScope,
): Promise<SwitchOutcome> {
  const pause = wait.sleep ?? ((ms: number) => sleep(ms));
  wait.onWaiting?.(newAccessKeyId);
  const deadline = Date.now() + wait.timeoutMs;
  let firstUse: Date | null = null;
  for (;;) {
    firstUse = await keyLastUsed(deps.clients.iam, newAccessKeyId);
    if (firstUse !== null) break;
    if (Date.now() + wait.pollMs > deadline) {
      return { kind: 'timeout', newAccessKeyId, oldAccessKeyId: create.replacesAccessKeyId };
    }
    await pause(wait.pollMs);
    await scope.keep();
  }
  const decision = planSwitchOver({
    create,
    newAccessKeyId,
    newKeyFirstUse: firstUse,
    oldKeyLastUsed: await keyLastUsed(deps.clients.iam, create.replacesAccessKeyId),
  });
  switch (decision.kind) {
    case 'waiting':
      return { kind: 'timeout', newAccessKeyId, oldAccessKeyId: create.replacesAccessKeyId };
    case 'old-key-still-used':
      return { kind: 'old-key-still-used', reason: decision.reason };
    case 'deactivate': {
      const switchPlan: Plan = {
        ...plan,
        actions: [decision.action],
        deferred: [],
        blocked: [],
        skipped: [],
      };
      return {
        kind: 'deactivated',
        execution: await applyPlan(deps, policy, switchPlan, 'rotate', { scope }),
      };
    }
    default:
      return decision satisfies never;
  }
}
