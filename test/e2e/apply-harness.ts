/**
 * Test support for the apply e2e tests: an emulator with a small world, SDK clients with the
 * production retry mode, a live inventory, a plan, and a journal in a temporary directory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { NotificationDelivery, Notifier } from '../../src/channels/types.js';
import type { RunCommand } from '../../src/core/journal/records.js';
import type { ActionResult } from '../../src/core/plan/outcome.js';
import type { NotifyAction, Plan } from '../../src/core/plan/types.js';
import { DEFAULT_POLICY, type Policy } from '../../src/core/policy/types.js';
import type { Emulator } from '../../src/emulator/server.js';
import type { AccessKey, IamUser } from '../../src/emulator/state.js';
import type { World, WorldUser } from '../../src/emulator/world-types.js';
import type { ExecuteResult } from '../../src/engine/apply/execute.js';
import type { RecoverResult } from '../../src/engine/apply/recovery.js';
import { applyPlan, resumeInterruptedRuns } from '../../src/engine/apply/runs.js';
import { planRemediation } from '../../src/engine/plan.js';
import type { AccountClients, RemediationDeps } from '../../src/engine/types.js';
import { type UndoResult, undoRun } from '../../src/engine/undo.js';
import { openFileJournal } from '../../src/journal/file-journal.js';
import type { Journal } from '../../src/journal/journal.js';
import { crashingJournal } from '../support/crash-journal.js';
import { clientConfig, startTestEmulator } from '../support/emulator.js';
import { sightingRun } from '../support/journal.js';

export const ACCOUNT = '111111111111';

export function worldOf(users: readonly WorldUser[]): World {
  return { accounts: [{ id: ACCOUNT, users }] };
}

/** A user whose one active key (95 days old, used yesterday) is due for rotation. */
export function rotating(name: string, id: string): WorldUser {
  return { name, createdDaysAgo: 200, accessKeys: [{ id, createdDaysAgo: 95, lastUsedDaysAgo: 1 }] };
}

/** Policy with remediation overrides (cap, KMS key, tags). */
export function policyWith(remediation: Partial<Policy['remediation']> = {}): Policy {
  return { ...DEFAULT_POLICY, remediation: { ...DEFAULT_POLICY.remediation, ...remediation } };
}

/** Records what it was asked to deliver and answers "sent" on one channel. */
export interface FakeNotifier extends Notifier {
  readonly batches: NotifyAction[][];
}

export function fakeNotifier(): FakeNotifier {
  const batches: NotifyAction[][] = [];
  return {
    channels: ['sns'],
    batches,
    async deliver(actions): Promise<NotificationDelivery[]> {
      batches.push([...actions]);
      return [
        {
          actionIds: actions.map((a) => a.id),
          channel: 'sns',
          recipient: 'arn:aws:sns:us-east-1:111111111111:keywarden',
          status: 'sent',
          messageId: `m-${batches.length}`,
          error: null,
        },
      ];
    },
  };
}

/** Thrown by the crash hook in place of SIGKILL. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

export interface RunOverrides {
  /** Default: a fake notifier that answers "sent". */
  readonly notifier?: Notifier | null;
  readonly onResult?: (result: ActionResult) => void;
  /** Throw SimulatedCrash right after this action's outcome is journaled (a type or an id suffix). */
  readonly crashAfter?: string;
  readonly command?: RunCommand;
}

export interface Harness {
  readonly emu: Emulator;
  readonly clients: AccountClients;
  readonly journal: Journal;
  readonly policy: Policy;
  /** The engine's dependencies, as the CLI builds them, on the emulator's clock. */
  deps(overrides?: RunOverrides): RemediationDeps;
  /** Live inventory + plan (capped) with the journal's facts, as the CLI does. */
  plan(policy?: Policy): Promise<Plan>;
  apply(plan: Plan, overrides?: RunOverrides): Promise<ExecuteResult>;
  recover(overrides?: RunOverrides): Promise<RecoverResult>;
  undo(runId: string, overrides?: RunOverrides): Promise<Extract<UndoResult, { kind: 'undone' }>>;
  /** Journals that an earlier run first saw this key inactive `daysAgo` days ago. */
  seenInactive(userName: string, accessKeyId: string, daysAgo?: number): Promise<void>;
  journalText(): string;
  user(userName: string): IamUser;
  key(userName: string, accessKeyId: string): AccessKey;
  secret(name: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

export async function startHarness(
  world: World,
  options: {
    policy?: Policy;
    maxAttempts?: number;
    retryMode?: 'adaptive' | 'standard';
    /** The journal to use (default: a file journal in a temporary directory). */
    journal?: () => Promise<Journal>;
  } = {},
): Promise<Harness> {
  const emu = await startTestEmulator({ world });
  const config = {
    ...clientConfig(emu, { maxAttempts: options.maxAttempts ?? 1 }),
    retryMode: options.retryMode ?? 'adaptive',
  };
  const clients: AccountClients = {
    iam: new IAMClient(config),
    secretsManager: new SecretsManagerClient(config),
    sts: new STSClient(config),
    ssm: new SSMClient(config),
  };
  const dir = mkdtempSync(join(tmpdir(), 'keywarden-apply-'));
  const journal = options.journal
    ? await options.journal()
    : openFileJournal(join(dir, '.keywarden', 'journal.jsonl'));
  const policy = options.policy ?? policyWith();
  const deps = (overrides: RunOverrides = {}): RemediationDeps => ({
    clients,
    clock: () => emu.clock.now(),
    journal:
      overrides.crashAfter === undefined
        ? journal
        : crashingJournal(journal, overrides.crashAfter, () => {
            throw new SimulatedCrash('killed by the test');
          }),
    notifier: overrides.notifier === undefined ? fakeNotifier() : overrides.notifier,
    ...(overrides.onResult ? { onResult: overrides.onResult } : {}),
  });
  const userNamed = (userName: string): IamUser => {
    const user = emu.state.accounts.get(ACCOUNT)?.iam.users.get(userName);
    if (user === undefined) throw new Error(`no user ${userName} in the emulator`);
    return user;
  };
  return {
    emu,
    clients,
    journal,
    policy,
    deps,
    async plan(p = policy) {
      const livePolicy: Policy = { ...p, inventory: { ...p.inventory, mode: 'live', concurrency: 4 } };
      return (await planRemediation(deps(), livePolicy, { maxActions: p.remediation.maxActions })).plan;
    },
    apply: (plan, overrides = {}) => applyPlan(deps(overrides), policy, plan, overrides.command ?? 'apply'),
    async recover(overrides) {
      const runDeps = deps(overrides);
      return resumeInterruptedRuns(runDeps, (await runDeps.journal.read()).records);
    },
    async undo(runId, overrides) {
      const out = await undoRun(deps(overrides), runId, { holdDays: policy.rotation.inUseGraceDays });
      if (out.kind !== 'undone') throw new Error(`undo of ${runId} was declined`);
      return out;
    },
    async seenInactive(userName, accessKeyId, daysAgo = 20) {
      const at = new Date(emu.clock.now().getTime() - daysAgo * 86_400_000);
      for (const record of sightingRun(ACCOUNT, userName, accessKeyId, at)) await journal.append(record);
    },
    journalText: () => readFileSync(journal.location, 'utf8'),
    user: userNamed,
    key(userName, accessKeyId) {
      const key = userNamed(userName).accessKeys.find((k) => k.accessKeyId === accessKeyId);
      if (key === undefined) throw new Error(`no key ${accessKeyId} of ${userName} in the emulator`);
      return key;
    },
    async secret(name) {
      const out = await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: name }));
      return out.SecretString;
    },
    async stop() {
      for (const c of [clients.iam, clients.secretsManager, clients.sts, clients.ssm]) c.destroy();
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Makes one signed call with the key's own credentials, so IAM records a use of it now. */
export async function useKey(harness: Harness, userName: string, accessKeyId: string): Promise<void> {
  const key = harness.key(userName, accessKeyId);
  const iam = new IAMClient(
    clientConfig(harness.emu, { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }),
  );
  try {
    await iam.send(new GetUserCommand({}));
  } finally {
    iam.destroy();
  }
}

/** The plan's action of this type for this user (throws when absent, so a test fails loudly). */
export function actionOf<T extends Plan['actions'][number]['type']>(
  plan: Plan,
  userName: string,
  type: T,
): Extract<Plan['actions'][number], { type: T }> {
  const found = plan.actions.find((a) => a.userName === userName && a.type === type);
  if (found === undefined) {
    throw new Error(`plan has no ${type} for ${userName}: ${plan.actions.map((a) => a.id).join(', ')}`);
  }
  return found as Extract<Plan['actions'][number], { type: T }>;
}
