/**
 * The apply step: carries out a plan, one action at a time, journaling an intent before and an
 * outcome after each. Every change first re-reads the user's live state and is skipped when it no
 * longer matches the plan. A new key's secret is held in memory only until Secrets Manager has it;
 * a key whose secret could not be stored is deleted, because nobody could ever use it.
 *
 * Also here: finishing runs that stopped part-way (`recoverIncompleteRuns`) and `undoRun`.
 */
import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  type IAMClient,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Notifier } from '../channels/types.js';
import { capPlan } from '../core/plan/cap.js';
import type {
  Action,
  CreateKeyAction,
  DeactivateKeyAction,
  DeleteKeyAction,
  DeleteLoginProfileAction,
  NotifyAction,
  Plan,
  StoreSecretAction,
} from '../core/plan/types.js';
import type { Policy } from '../core/policy/types.js';
import type { Journal } from '../journal/journal.js';
import {
  actionAccessKeyId,
  type CleanupKeyAction,
  incompleteRuns,
  type JournalAction,
  type JournalActionType,
  type JournalRecord,
  knownCreatedKeys,
  type ReactivateKeyAction,
  type RunCommand,
  undoableActions,
} from '../journal/records.js';
import {
  checkCreateKey,
  checkDeactivateKey,
  checkDeleteKeyStatus,
  checkDeleteKeyUse,
  checkDeleteLoginProfile,
  keyLastUsed,
  type LiveKey,
  listKeys,
  loginProfileState,
  type Verdict,
} from './apply-live.js';
import { callAws, describeAwsError, wrapAwsError } from './errors.js';
import { type NewAccessKey, storeAccessKeySecret } from './secrets.js';

export interface RemediationClients {
  readonly iam: IAMClient;
  readonly secretsManager: SecretsManagerClient;
}

export interface ActionResult {
  readonly actionId: string;
  readonly type: string;
  readonly accountId: string;
  readonly userName: string;
  /** The key the action is about (create/store: the key being replaced); null for a password. */
  readonly accessKeyId: string | null;
  readonly status: 'done' | 'skipped' | 'failed' | 'deferred';
  readonly reason: string | null;
  readonly newAccessKeyId?: string;
  readonly secretName?: string;
}

export interface ApplyOptions {
  readonly runId: string;
  readonly journal: Journal;
  /** `remediation.maxActions` caps the run; secret KMS key and tags come from here too. */
  readonly policy: Policy;
  readonly clientsFor: (accountId: string) => RemediationClients | Promise<RemediationClients>;
  readonly now: () => Date;
  /** Null: notify actions are recorded as skipped ('no notification channel configured'). */
  readonly notifier: Notifier | null;
  /** Default `apply`. */
  readonly command?: 'apply' | 'rotate' | 'resume';
  /** The run this one completes, for `resume`; default null. */
  readonly resumeOf?: string | null;
  /**
   * Test hook (fault injection): after the outcome of the first action whose id ends with this
   * string or whose type equals it, call `onCrash` (the CLI passes () => process.kill(process.pid, 'SIGKILL')).
   */
  readonly crashAfter?: string | null;
  readonly onCrash?: () => void;
  /** Progress for the CLI; never secrets. */
  readonly onEvent?: (result: ActionResult) => void;
}

export interface ApplyResult {
  readonly runId: string;
  readonly results: readonly ActionResult[];
}

/**
 * The IAM (and Secrets Manager) permissions each journal action needs, reads for re-verification
 * included; the remediation role is built from this. Notify needs none here: each channel declares
 * its own.
 */
export const ACTION_PERMISSIONS: Readonly<Record<JournalActionType, readonly string[]>> = {
  'create-key': [
    'iam:ListAccessKeys',
    'iam:CreateAccessKey',
    // A key that appears during a failed or retried CreateAccessKey is removed at once.
    'iam:GetAccessKeyLastUsed',
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
  ],
  'store-secret': [
    'iam:ListAccessKeys',
    'secretsmanager:CreateSecret',
    'secretsmanager:PutSecretValue',
    'secretsmanager:TagResource',
    // A key whose secret could not be stored is deleted.
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
  ],
  'deactivate-key': ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:UpdateAccessKey'],
  'delete-key': ['iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed', 'iam:DeleteAccessKey'],
  'delete-login-profile': ['iam:GetLoginProfile', 'iam:GetUser', 'iam:DeleteLoginProfile'],
  notify: [],
  'reactivate-key': ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  'cleanup-key': [
    'iam:ListAccessKeys',
    'iam:GetAccessKeyLastUsed',
    'iam:UpdateAccessKey',
    'iam:DeleteAccessKey',
  ],
};

/**
 * How far before a journaled create-key intent a key found by creation time may have been made:
 * the journal is stamped by this machine's clock, the key by AWS's.
 */
const CLOCK_SKEW_MS = 60_000;
const NO_CHANNEL = 'no notification channel configured';

/** What one action's live check and change produced: the journal's outcome record, less its envelope. */
type Outcome = Omit<Extract<JournalRecord, { type: 'outcome' }>, 'v' | 'type' | 'runId' | 'at' | 'actionId'>;

const skipped = (reason: string): Outcome => ({ status: 'skipped', reason, requestId: null });
const failed = (reason: string): Outcome => ({ status: 'failed', reason, requestId: null });
const done = (requestId: string | null | undefined, extra: Partial<Outcome> = {}): Outcome => ({
  status: 'done',
  reason: null,
  requestId: requestId ?? null,
  ...extra,
});

type RunOptions = Pick<ApplyOptions, 'journal' | 'now' | 'clientsFor' | 'crashAfter' | 'onCrash' | 'onEvent'>;

/** One run in the journal: run-started … intents and outcomes … run-finished, and its results. */
class RunRecorder {
  private readonly counts = { done: 0, skipped: 0, failed: 0 };
  private readonly clients = new Map<string, Promise<RemediationClients>>();
  private crashed = false;

  constructor(
    private readonly options: RunOptions,
    readonly runId: string,
  ) {}

  private at(): string {
    return this.options.now().toISOString();
  }

  start(command: RunCommand, resumeOf: string | null, planned: number, deferred: number): void {
    this.options.journal.append({
      v: 1,
      type: 'run-started',
      runId: this.runId,
      at: this.at(),
      command,
      resumeOf,
      planned,
      deferred,
    });
  }

  intent(action: JournalAction): void {
    this.options.journal.append({
      v: 1,
      type: 'intent',
      runId: this.runId,
      at: this.at(),
      actionId: action.id,
      action,
    });
  }

  outcome(action: JournalAction, outcome: Outcome): ActionResult {
    this.options.journal.append({
      v: 1,
      type: 'outcome',
      runId: this.runId,
      at: this.at(),
      actionId: action.id,
      status: outcome.status,
      reason: outcome.reason,
      requestId: outcome.requestId,
      ...(outcome.newAccessKeyId === undefined ? {} : { newAccessKeyId: outcome.newAccessKeyId }),
      ...(outcome.secretArn === undefined ? {} : { secretArn: outcome.secretArn }),
      ...(outcome.deliveries === undefined ? {} : { deliveries: outcome.deliveries }),
    });
    this.counts[outcome.status] += 1;
    const result = resultOf(action, outcome.status, outcome.reason, outcome.newAccessKeyId);
    this.options.onEvent?.(result);
    return result;
  }

  /** Intent, then `run` (which checks live state and acts), then outcome; `run` never throws. */
  async record(
    action: JournalAction,
    run: (clients: RemediationClients) => Promise<Outcome>,
  ): Promise<ActionResult> {
    this.intent(action);
    let outcome: Outcome;
    try {
      outcome = await run(await this.clientsFor(action.accountId));
    } catch (error) {
      outcome = failed(failureText(error));
    }
    return this.outcome(action, outcome);
  }

  deferred(action: Action, maxActions: number): ActionResult {
    const result = resultOf(
      action,
      'deferred',
      `deferred: this run's cap of ${maxActions} changes (remediation.maxActions) was reached; a later run applies it`,
      undefined,
    );
    this.options.onEvent?.(result);
    return result;
  }

  /** Calls `onCrash` once, after the first matching action's outcome. */
  maybeCrash(action: JournalAction): void {
    const target = this.options.crashAfter;
    if (this.crashed || target === undefined || target === null || target === '') return;
    if (action.type !== target && !action.id.endsWith(target)) return;
    this.crashed = true;
    this.options.onCrash?.();
  }

  finish(deferred: number): void {
    this.options.journal.append({
      v: 1,
      type: 'run-finished',
      runId: this.runId,
      at: this.at(),
      ...this.counts,
      deferred,
    });
  }

  clientsFor(accountId: string): Promise<RemediationClients> {
    let clients = this.clients.get(accountId);
    if (clients === undefined) {
      clients = Promise.resolve()
        .then(() => this.options.clientsFor(accountId))
        .catch((error: unknown) => {
          throw new Error(`cannot get AWS clients for account ${accountId}: ${failureText(error)}`, {
            cause: error,
          });
        });
      this.clients.set(accountId, clients);
    }
    return clients;
  }
}

function resultOf(
  action: JournalAction,
  status: ActionResult['status'],
  reason: string | null,
  newAccessKeyId: string | undefined,
): ActionResult {
  const secretName =
    action.type === 'create-key' || action.type === 'store-secret'
      ? action.secretName
      : action.type === 'notify' && action.secretName !== null
        ? action.secretName
        : undefined;
  return {
    actionId: action.id,
    type: action.type,
    accountId: action.accountId,
    userName: action.userName,
    accessKeyId: actionAccessKeyId(action),
    status,
    reason,
    ...(newAccessKeyId === undefined ? {} : { newAccessKeyId }),
    ...(secretName === undefined ? {} : { secretName }),
  };
}

function failureText(error: unknown): string {
  if (error instanceof Error && !('$metadata' in error)) return error.message;
  const { code, message } = describeAwsError(error);
  return `${code}: ${message}`;
}

// ---------------------------------------------------------------------------------------------
// applyPlan
// ---------------------------------------------------------------------------------------------

type ChangeAction = Exclude<Action, NotifyAction>;

/** What one applyPlan run holds in memory: the new keys not yet stored, and notices to send. */
interface ApplyState {
  readonly recorder: RunRecorder;
  readonly policy: Policy;
  /** By create-key action id; the secret is dropped as soon as store-secret takes the key. */
  readonly unstored: Map<string, UnstoredKey>;
  /** Keys that appeared during a CreateAccessKey without being its answer; cleaned up after its outcome. */
  readonly strays: { readonly create: CreateKeyAction; readonly accessKeyId: string }[];
}

interface UnstoredKey {
  readonly action: CreateKeyAction;
  readonly accessKeyId: string;
  /** Null once handed to Secrets Manager (or given up on). */
  key: NewAccessKey | null;
}

/**
 * Applies `plan`, capped at `policy.remediation.maxActions` (deferred chains are reported, not
 * journaled). Actions run in plan order; when one is skipped or fails, the later actions of its
 * chain are skipped, other chains go on. Notices go to `notifier` once, at the end, for the chains
 * whose changes all succeeded; their intents are journaled as soon as the chain completes, so
 * {@link recoverIncompleteRuns} can still send them after a crash.
 */
export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<ApplyResult> {
  const maxActions = options.policy.remediation.maxActions;
  const capped = capPlan(plan, maxActions);
  const recorder = new RunRecorder(options, options.runId);
  recorder.start(
    options.command ?? 'apply',
    options.resumeOf ?? null,
    capped.actions.length,
    capped.deferred.length,
  );
  const state: ApplyState = { recorder, policy: options.policy, unstored: new Map(), strays: [] };

  const slots: ActionResult[][] = capped.actions.map(() => []);
  const slotOf = new Map(capped.actions.map((a, i) => [a.id, i] as const));
  const lastChange = new Map<string, number>();
  const noticesOf = new Map<string, NotifyAction[]>();
  for (const [i, a] of capped.actions.entries()) {
    if (a.type !== 'notify') lastChange.set(a.chainId, i);
    else noticesOf.set(a.chainId, [...(noticesOf.get(a.chainId) ?? []), a]);
  }
  const broken = new Map<string, string>();
  const queued = new Set<string>();
  const notices: NotifyAction[] = [];
  const queueNotices = (chainId: string) => {
    for (const a of noticesOf.get(chainId) ?? []) {
      if (queued.has(a.id)) continue;
      recorder.intent(a);
      queued.add(a.id);
      notices.push(a);
    }
  };

  for (const [index, action] of capped.actions.entries()) {
    const slot = slots[index] as ActionResult[];
    const why = broken.get(action.chainId);
    if (action.type === 'notify' && why === undefined) {
      queueNotices(action.chainId);
      continue;
    }
    if (why !== undefined) {
      recorder.intent(action);
      slot.push(recorder.outcome(action, skipped(why)));
      recorder.maybeCrash(action);
      continue;
    }
    if (action.type === 'notify') continue;
    const result = await recorder.record(action, (clients) => runChange(state, action, clients));
    slot.push(result);
    if (result.status !== 'done') {
      broken.set(
        action.chainId,
        `not attempted: ${action.type} ${action.id} of the same chain was ${result.status}`,
      );
    } else if (lastChange.get(action.chainId) === index) {
      queueNotices(action.chainId);
    }
    await cleanUpStrays(state, slot);
    await cleanUpUnstored(state, action, slot);
    recorder.maybeCrash(action);
  }

  // A create-key whose store-secret was not in the plan (never planned that way; a safety net).
  for (const { action } of [...state.unstored.values()]) {
    const slot = slots[slotOf.get(action.id) ?? 0];
    await cleanUpUnstored(state, action, slot ?? [], true);
  }

  const delivered = await deliverNotices(recorder, options.notifier, notices, options.runId, options.now);
  for (const result of delivered) {
    slots[slotOf.get(result.actionId) ?? 0]?.push(result);
    const action = notices.find((n) => n.id === result.actionId);
    if (action !== undefined) recorder.maybeCrash(action);
  }

  const deferred = capped.deferred.map((a) => recorder.deferred(a, maxActions));
  recorder.finish(deferred.length);
  return { runId: options.runId, results: [...slots.flat(), ...deferred] };
}

async function runChange(
  state: ApplyState,
  action: ChangeAction,
  clients: RemediationClients,
): Promise<Outcome> {
  switch (action.type) {
    case 'create-key':
      return createKey(state, action, clients.iam);
    case 'store-secret':
      return storeSecret(state, action, clients);
    case 'deactivate-key':
      return deactivateKey(action, clients.iam);
    case 'delete-key':
      return deleteKey(action, clients.iam);
    case 'delete-login-profile':
      return deleteLoginProfile(action, clients.iam);
    default:
      return assertNever(action);
  }
}

function verdictOutcome(verdict: Verdict): Outcome | null {
  return verdict.ok ? null : skipped(verdict.reason);
}

async function createKey(state: ApplyState, action: CreateKeyAction, iam: IAMClient): Promise<Outcome> {
  const before = await listKeys(iam, action.userName);
  const skip = verdictOutcome(checkCreateKey(action, before));
  if (skip !== null) return skip;
  let outcome: Outcome;
  let newKeyId: string | null = null;
  try {
    const out = await iam.send(new CreateAccessKeyCommand({ UserName: action.userName }));
    const k = out.AccessKey;
    if (k?.AccessKeyId === undefined || k.SecretAccessKey === undefined) {
      throw new Error('iam:CreateAccessKey answered without AccessKeyId or SecretAccessKey');
    }
    newKeyId = k.AccessKeyId;
    state.unstored.set(action.id, {
      action,
      accessKeyId: k.AccessKeyId,
      key: {
        AccessKeyId: k.AccessKeyId,
        SecretAccessKey: k.SecretAccessKey,
        UserName: k.UserName ?? action.userName,
        CreateDate: (k.CreateDate ?? new Date()).toISOString(),
      },
    });
    outcome = done(out.$metadata.requestId, { newAccessKeyId: k.AccessKeyId });
  } catch (error) {
    outcome = failed(wrapAwsError(`iam:CreateAccessKey for ${action.userName}`, error).message);
  }
  // A failed or retried CreateAccessKey may still have made a key whose secret we never saw.
  const strays = await strayKeys(iam, action, before, newKeyId).catch(() => []);
  for (const accessKeyId of strays) state.strays.push({ create: action, accessKeyId });
  return outcome;
}

async function cleanUpStrays(state: ApplyState, extra: ActionResult[]): Promise<void> {
  for (const { create, accessKeyId } of state.strays.splice(0)) {
    const action = cleanupAction(create, accessKeyId, create.stage, 'appeared during CreateAccessKey');
    extra.push(
      await state.recorder.record(action, (c) => cleanupKey(c.iam, create.userName, accessKeyId, true)),
    );
  }
}

/**
 * Keys of the user that are neither listed before the call nor the one it returned: made by a
 * CreateAccessKey that failed or was retried after IAM had acted. Only never-used ones are removed.
 */
async function strayKeys(
  iam: IAMClient,
  action: CreateKeyAction,
  before: readonly LiveKey[],
  newKeyId: string | null,
): Promise<string[]> {
  const after = await listKeys(iam, action.userName);
  const known = new Set([...before.map((k) => k.accessKeyId), newKeyId]);
  return after.filter((k) => !known.has(k.accessKeyId)).map((k) => k.accessKeyId);
}

async function storeSecret(
  state: ApplyState,
  action: StoreSecretAction,
  clients: RemediationClients,
): Promise<Outcome> {
  const pending = state.unstored.get(action.createKeyActionId);
  const key = pending?.key ?? null;
  if (pending === undefined || key === null) {
    return failed(
      `the key of ${action.createKeyActionId} was not created in this run, so its secret is unknown; nothing stored`,
    );
  }
  // Dropped from memory whatever happens next; on failure the key is deleted (cleanUpUnstored).
  pending.key = null;
  try {
    const keys = await listKeys(clients.iam, action.userName);
    const live = keys.find((k) => k.accessKeyId === key.AccessKeyId);
    if (live === undefined)
      return failed(`the new access key ${key.AccessKeyId} no longer exists; nothing stored`);
    const stored = await storeAccessKeySecret(clients.secretsManager, key, {
      secretName: action.secretName,
      kmsKeyId: state.policy.remediation.secretKmsKeyId,
      tags: state.policy.remediation.secretTags,
    });
    state.unstored.delete(action.createKeyActionId);
    return done(stored.requestId, {
      newAccessKeyId: key.AccessKeyId,
      ...(stored.arn === null ? {} : { secretArn: stored.arn }),
    });
  } catch (error) {
    return failed(failureText(error).split(key.SecretAccessKey).join('[REDACTED]'));
  }
}

/**
 * After a create-key or store-secret: a key created in this run whose secret was not stored (the
 * store failed) can never be handed to anyone, so it is deactivated and deleted now. With `force`,
 * also when its store-secret has not run (the end of the run).
 */
async function cleanUpUnstored(
  state: ApplyState,
  action: ChangeAction,
  extra: ActionResult[],
  force = false,
): Promise<void> {
  const createId =
    action.type === 'store-secret'
      ? action.createKeyActionId
      : action.type === 'create-key' && force
        ? action.id
        : null;
  if (createId === null) return;
  const pending = state.unstored.get(createId);
  if (pending === undefined || (pending.key !== null && !force)) return;
  state.unstored.delete(createId);
  pending.key = null;
  const { action: create, accessKeyId } = pending;
  extra.push(
    await state.recorder.record(
      cleanupAction(create, accessKeyId, create.stage, 'its secret could not be stored'),
      (c) => cleanupKey(c.iam, create.userName, accessKeyId, false),
    ),
  );
}

/** Deletes a key nobody holds the secret of; `suffix` is the create-key's stage, or `resume`. */
function cleanupAction(
  create: Pick<CreateKeyAction, 'id' | 'accountId' | 'userName'>,
  accessKeyId: string,
  suffix: string,
  why: string,
): CleanupKeyAction {
  return {
    id: `${create.accountId}/${create.userName}/${accessKeyId}/cleanup-key/${suffix}`,
    type: 'cleanup-key',
    accountId: create.accountId,
    userName: create.userName,
    accessKeyId,
    reason: `Access key ${accessKeyId} was created by ${create.id} but ${why}; nobody holds its secret, so it is deactivated and deleted.`,
    createKeyActionId: create.id,
  };
}

/**
 * Deactivates, then deletes, a key nobody can use. With `requireNeverUsed` (a key found by its
 * creation time rather than by id) a key that has been used is left alone: someone holds it.
 */
async function cleanupKey(
  iam: IAMClient,
  userName: string,
  accessKeyId: string,
  requireNeverUsed: boolean,
): Promise<Outcome> {
  const keys = await listKeys(iam, userName);
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  if (key === undefined) return skipped(`access key ${accessKeyId} no longer exists; nothing to clean up`);
  if (requireNeverUsed) {
    const used = await keyLastUsed(iam, accessKeyId);
    if (used !== null) {
      return skipped(
        `access key ${accessKeyId} was used (last ${used.toISOString()}), so someone holds it; it is left alone, check who created it`,
      );
    }
  }
  try {
    if (key.status === 'Active') {
      await iam.send(
        new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: 'Inactive' }),
      );
    }
    const out = await iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId }));
    return done(out.$metadata.requestId);
  } catch (error) {
    return failed(wrapAwsError(`cleaning up access key ${accessKeyId} of ${userName}`, error).message);
  }
}

async function deactivateKey(action: DeactivateKeyAction, iam: IAMClient): Promise<Outcome> {
  const keys = await listKeys(iam, action.userName);
  const exists = keys.some((k) => k.accessKeyId === action.accessKeyId);
  const lastUsed = exists ? await keyLastUsed(iam, action.accessKeyId) : null;
  const skip = verdictOutcome(checkDeactivateKey(action, keys, lastUsed));
  if (skip !== null) return skip;
  const out = await callAws(`iam:UpdateAccessKey ${action.accessKeyId} Inactive`, () =>
    iam.send(
      new UpdateAccessKeyCommand({
        UserName: action.userName,
        AccessKeyId: action.accessKeyId,
        Status: 'Inactive',
      }),
    ),
  );
  return done(out.$metadata.requestId);
}

async function deleteKey(action: DeleteKeyAction, iam: IAMClient): Promise<Outcome> {
  const keys = await listKeys(iam, action.userName);
  const status = verdictOutcome(checkDeleteKeyStatus(action, keys));
  if (status !== null) return status;
  const use = verdictOutcome(checkDeleteKeyUse(action, await keyLastUsed(iam, action.accessKeyId)));
  if (use !== null) return use;
  const out = await callAws(`iam:DeleteAccessKey ${action.accessKeyId}`, () =>
    iam.send(new DeleteAccessKeyCommand({ UserName: action.userName, AccessKeyId: action.accessKeyId })),
  );
  return done(out.$metadata.requestId);
}

async function deleteLoginProfile(action: DeleteLoginProfileAction, iam: IAMClient): Promise<Outcome> {
  const live = await loginProfileState(iam, action.userName);
  const skip = verdictOutcome(checkDeleteLoginProfile(action, live));
  if (skip !== null) return skip;
  const out = await callAws(`iam:DeleteLoginProfile ${action.userName}`, () =>
    iam.send(new DeleteLoginProfileCommand({ UserName: action.userName })),
  );
  return done(out.$metadata.requestId);
}

/**
 * Hands the notices (their intents already journaled) to the notifier in one call and journals
 * each one's outcome: done when at least one digest carrying it was sent.
 */
async function deliverNotices(
  recorder: RunRecorder,
  notifier: Notifier | null | undefined,
  notices: readonly NotifyAction[],
  runId: string,
  now: () => Date,
): Promise<ActionResult[]> {
  if (notices.length === 0) return [];
  if (notifier === null || notifier === undefined || notifier.channels.length === 0) {
    return notices.map((n) => recorder.outcome(n, skipped(NO_CHANNEL)));
  }
  let deliveries: Awaited<ReturnType<Notifier['deliver']>>;
  try {
    deliveries = await notifier.deliver(notices, { runId, now: now() });
  } catch (error) {
    const reason = `notification delivery failed: ${failureText(error)}`;
    return notices.map((n) => recorder.outcome(n, failed(reason)));
  }
  return notices.map((n) => {
    const mine = deliveries.filter((d) => d.actionIds.includes(n.id));
    const journaled = mine.map((d) => ({
      channel: d.channel,
      recipient: d.recipient,
      status: d.status,
      messageId: d.messageId,
    }));
    if (mine.some((d) => d.status === 'sent')) {
      return recorder.outcome(n, { ...done(null), deliveries: journaled });
    }
    const errors = mine.map((d) => `${d.channel} to ${d.recipient}: ${d.error ?? 'failed'}`);
    const reason =
      errors.length === 0 ? 'no delivery carried this notification' : `not delivered: ${errors.join('; ')}`;
    return recorder.outcome(n, { ...failed(reason), deliveries: journaled });
  });
}

// ---------------------------------------------------------------------------------------------
// Resume and undo
// ---------------------------------------------------------------------------------------------

/**
 * Finishes every run that stopped part-way, oldest first, each under its own `resume` run
 * (`options.runId`, then `<runId>-2`, ...) whose `resumeOf` names it. A key created but never
 * stored is deleted (deactivated first): its secret died with the process. It is found by the id
 * its create-key outcome recorded, or, when the run stopped before that outcome, as a never-used
 * key of the user created since the intent that no other run recorded. Notices whose chain had
 * completed are sent now. Everything else is left to a fresh plan from live state.
 */
export async function recoverIncompleteRuns(
  options: Omit<ApplyOptions, 'notifier'> & { readonly notifier?: Notifier | null },
): Promise<{ recovered: string[]; results: ActionResult[] }> {
  const { records } = options.journal.read();
  const runs = incompleteRuns(records);
  const known = knownCreatedKeys(records);
  const recovered: string[] = [];
  const results: ActionResult[] = [];
  for (const [index, run] of runs.entries()) {
    const runId = index === 0 ? options.runId : `${options.runId}-${index + 1}`;
    const recorder = new RunRecorder(options, runId);
    const notices = run.pendingIntents.filter((a): a is NotifyAction => a.type === 'notify');
    recorder.start('resume', run.runId, run.unstoredKeys.length + notices.length, 0);
    for (const unstored of run.unstoredKeys) {
      const create = {
        id: unstored.createActionId,
        accountId: unstored.accountId,
        userName: unstored.userName,
      };
      const unjournaled = (status: 'skipped' | 'failed', reason: string) => {
        const result: ActionResult = {
          actionId: unstored.createActionId,
          type: 'cleanup-key',
          accountId: unstored.accountId,
          userName: unstored.userName,
          accessKeyId: null,
          status,
          reason,
        };
        options.onEvent?.(result);
        results.push(result);
      };
      let targets: { readonly accessKeyId: string; readonly foundByTime: boolean }[];
      if (unstored.accessKeyId !== null) {
        targets = [{ accessKeyId: unstored.accessKeyId, foundByTime: false }];
      } else {
        try {
          const clients = await recorder.clientsFor(unstored.accountId);
          const since = Date.parse(unstored.createIntentAt) - CLOCK_SKEW_MS;
          const keys = await listKeys(clients.iam, unstored.userName);
          targets = keys
            .filter((k) => k.accessKeyId !== unstored.replacesAccessKeyId && !known.has(k.accessKeyId))
            .filter((k) => k.createDate !== null && k.createDate.getTime() >= since)
            .map((k) => ({ accessKeyId: k.accessKeyId, foundByTime: true }));
        } catch (error) {
          unjournaled(
            'failed',
            `cannot look for the key made by ${unstored.createActionId}: ${failureText(error)}; resume again`,
          );
          continue;
        }
      }
      if (targets.length === 0) {
        unjournaled(
          'skipped',
          `no key made by ${unstored.createActionId} exists (the run stopped before IAM created one); nothing to clean up`,
        );
        continue;
      }
      for (const { accessKeyId, foundByTime } of targets) {
        const action = cleanupAction(
          create,
          accessKeyId,
          'resume',
          `run ${run.runId} stopped before its secret was stored`,
        );
        results.push(
          await recorder.record(action, (c) =>
            cleanupKey(c.iam, unstored.userName, accessKeyId, foundByTime),
          ),
        );
        recorder.maybeCrash(action);
      }
    }
    for (const n of notices) recorder.intent(n);
    const sent = await deliverNotices(recorder, options.notifier, notices, runId, options.now);
    results.push(...sent);
    recorder.finish(0);
    recovered.push(run.runId);
  }
  return { recovered, results };
}

/**
 * Reactivates the keys `targetRunId` deactivated that still exist and are Inactive, journaled as an
 * `undo` run; lists what cannot be undone (deleted keys and login profiles, created keys).
 */
export async function undoRun(
  targetRunId: string,
  options: Omit<ApplyOptions, 'notifier'>,
): Promise<{ results: ActionResult[]; cannotUndo: { actionId: string; reason: string }[] }> {
  const { records } = options.journal.read();
  if (!records.some((r) => r.type === 'run-started' && r.runId === targetRunId)) {
    throw new Error(
      `undo: no run ${targetRunId} in the journal ${options.journal.path}; list runs with keywarden history`,
    );
  }
  const { reactivate, cannotUndo } = undoableActions(records, targetRunId);
  const recorder = new RunRecorder(options, options.runId);
  recorder.start('undo', null, reactivate.length, 0);
  const results: ActionResult[] = [];
  for (const t of reactivate) {
    const action: ReactivateKeyAction = {
      id: `${t.accountId}/${t.userName}/${t.accessKeyId}/reactivate-key/undo`,
      type: 'reactivate-key',
      accountId: t.accountId,
      userName: t.userName,
      accessKeyId: t.accessKeyId,
      reason: `Undoes ${t.actionId} of run ${targetRunId}.`,
      undoes: t.actionId,
    };
    results.push(
      await recorder.record(action, async ({ iam }) => {
        const key = (await listKeys(iam, t.userName)).find((k) => k.accessKeyId === t.accessKeyId);
        if (key === undefined)
          return skipped(`access key ${t.accessKeyId} no longer exists; it cannot be reactivated`);
        if (key.status === 'Active') return skipped(`access key ${t.accessKeyId} is already Active`);
        const out = await callAws(`iam:UpdateAccessKey ${t.accessKeyId} Active`, () =>
          iam.send(
            new UpdateAccessKeyCommand({
              UserName: t.userName,
              AccessKeyId: t.accessKeyId,
              Status: 'Active',
            }),
          ),
        );
        return done(out.$metadata.requestId);
      }),
    );
    recorder.maybeCrash(action);
  }
  recorder.finish(0);
  return { results, cannotUndo: cannotUndo.map((c) => ({ actionId: c.actionId, reason: c.reason })) };
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
