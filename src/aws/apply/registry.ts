/**
 * The executors' dispatch: each action's AWS call (src/aws/apply/<type>.ts), by type. Its type is
 * built from the core's action registry (src/core/actions/registry.ts), so an action without an
 * executor here is a compile error. Notices are not here: the notification channels deliver them.
 */
import type { AnyAction, ExecutedActionType } from '../../core/actions/registry.js';
import type { ActionOutcome, IntentStamp } from '../../core/plan/outcome.js';
import { cleanupKey } from './cleanup-key.js';
import { createKey } from './create-key.js';
import { deactivateKey } from './deactivate-key.js';
import { deleteKey } from './delete-key.js';
import { deleteLoginProfile } from './delete-login-profile.js';
import { noteActive } from './note-active.js';
import { noteInactive } from './note-inactive.js';
import { reactivateKey } from './reactivate-key.js';
import type { ExecutorState } from './state.js';
import { storeSecret } from './store-secret.js';
import type { RemediationClients } from './types.js';

/** What an executor is given besides its action. */
export interface ExecutorContext {
  readonly state: ExecutorState;
  readonly clients: RemediationClients;
  /** The journaled intent the action runs under. */
  readonly intent: IntentStamp;
}

type ExecutedAction = Extract<AnyAction, { readonly type: ExecutedActionType }>;
type Executor<A> = (action: A, run: ExecutorContext) => Promise<ActionOutcome>;

const EXECUTORS = {
  'create-key': (a, run) => createKey(run.state, a, run.clients, run.intent),
  'store-secret': (a, run) => storeSecret(run.state, a, run.clients),
  'deactivate-key': (a, run) => deactivateKey(a, run.clients.iam),
  'delete-key': (a, run) => deleteKey(a, run.clients.iam),
  'delete-login-profile': (a, run) => deleteLoginProfile(a, run.clients.iam),
  'note-inactive': (a, run) => noteInactive(a, run.clients.iam),
  'note-active': (a, run) => noteActive(a, run.clients.iam),
  'cleanup-key': (a, run) => cleanupKey(a, run.clients.iam),
  'reactivate-key': (a, run) => reactivateKey(a, run.clients.iam),
} satisfies { readonly [T in ExecutedActionType]: Executor<Extract<ExecutedAction, { readonly type: T }>> };

/** Carries out one action: its live re-check, then its change. */
export function executeAction(action: ExecutedAction, run: ExecutorContext): Promise<ActionOutcome> {
  // The lookup by `action.type` finds the executor of that very type, which TypeScript cannot see.
  const executor = EXECUTORS[action.type] as Executor<ExecutedAction>;
  return executor(action, run);
}
