/**
 * The second half of `keywarden demo`: remediation of the demo's prod account, told as a story on
 * the emulator's clock. Plan, apply (demo-app's 100-day-old key is rotated, unused keys revoked),
 * demo-app fetches its new key from Secrets Manager and switches, two weeks pass while the other
 * applications keep using their keys, the next run deactivates demo-app's old key and deletes the
 * keys revoked two weeks ago, and undo reactivates the deactivated key. Same code path as
 * `keywarden apply` (AWS SDK over HTTP); only the clock and the applications are simulated.
 */
import { rmSync } from 'node:fs';
import { remediationPolicy } from '../core/policy/inventory-mode.js';
import type { Policy } from '../core/policy/types.js';
import type { Emulator } from '../emulator/server.js';
import { connectMember } from '../engine/connect.js';
import { callWithKey, readStoredKey } from '../engine/demo-apps.js';
import { type Journal, openJournal } from '../engine/journal.js';
import { describeHold } from '../engine/lease.js';
import { createNotifier } from '../engine/notify.js';
import { type RemediateResult, remediateAccount } from '../engine/remediate.js';
import type { RemediationDeps } from '../engine/types.js';
import { undoRun } from '../engine/undo.js';
import { CliError } from './errors.js';
import { type CliIO, outputColumns } from './io.js';
import { logOf } from './log.js';
import { renderPlan } from './render/plan.js';
import { renderCannotUndo, renderResults } from './render/results.js';

const PROD = '222222222222';
const DEMO_APP = 'demo-app';

/** The demo's own credentials: the emulator's caller, who assumes the demo's role in each account. */
export const DEMO_CREDENTIALS = { accessKeyId: 'AKIDKEYWARDENDEMO', secretAccessKey: 'demo' } as const;

export interface DemoRemediationOptions {
  readonly emulator: Emulator;
  readonly policy: Policy;
  readonly io: CliIO;
  readonly color: boolean;
  readonly journalPath: string;
  readonly role: string;
}

/** The remediator's engine dependencies in prod, on a fresh AssumeRole session and the emulator's clock. */
async function assumeRemediator(
  emulator: Emulator,
  role: string,
  policy: Policy,
  journal: Journal,
  io: CliIO,
): Promise<{ readonly deps: RemediationDeps; close(): void }> {
  const onCall = logOf(io).callObserver;
  const prod = connectMember(
    { endpoint: emulator.url, credentials: DEMO_CREDENTIALS, ...(onCall ? { onCall } : {}) },
    PROD,
    { roleName: role, partition: 'aws', sessionName: 'keywarden-demo' },
    { clock: () => emulator.clock.now() },
  );
  try {
    await prod.assume();
  } catch (error) {
    prod.close();
    throw error;
  }
  return {
    deps: {
      clients: prod.clients,
      clock: prod.clock,
      journal,
      notifier: createNotifier(policy.notifications, {
        env: {},
        connection: prod.connection,
        ssm: prod.clients.ssm,
      }),
    },
    close: prod.close,
  };
}

export async function demoRemediation(options: DemoRemediationOptions): Promise<void> {
  const { emulator, io, color } = options;
  const columns = outputColumns(io);
  // Remediation reads IAM live (as `keywarden apply` does): exact key ids, current state.
  const policy = remediationPolicy(options.policy);
  const out = (text: string) => io.stdout.write(text);
  const heading = (text: string) => out(`\n${color ? `\x1b[1m${text}\x1b[0m` : text}\n`);
  rmSync(options.journalPath, { force: true });
  const journal = openJournal({ kind: 'file', path: options.journalPath });
  // One AssumeRole session per day of the story: sessions expire, as AWS's do after an hour.
  let session = await assumeRemediator(emulator, options.role, policy, journal, io);
  // `keywarden apply --yes`: the same use case, under the journal's lock and after the
  // interrupted-run check; the plan is shown before it is carried out.
  const apply = async (): Promise<DemoRun> => {
    const run = await remediateAccount(session.deps, policy, {
      maxActions: policy.remediation.maxActions,
      resume: false,
      confirmPlan: async ({ plan }) => {
        out(renderPlan(plan, { color, columns }));
        heading('keywarden apply --yes');
        return true;
      },
    });
    const done = demoRun(run, options.journalPath);
    if (done !== null) out(renderResults(done.runId, done.results, { color, columns }));
    else if (run.kind === 'nothing-to-do') out(renderPlan(run.planned.plan, { color, columns }));
    return done;
  };

  try {
    heading(`Remediation of account ${PROD} (prod) — ${emulator.clock.now().toISOString().slice(0, 10)}`);
    const run1 = await apply();

    heading(
      `${DEMO_APP} fetches its new key from Secrets Manager and switches to it (the secret is never printed)`,
    );
    const stored = await readStoredKey(session.deps.clients, `keywarden/${PROD}/${DEMO_APP}`);
    await callWithKey(emulator.url, stored);
    out(`  ${DEMO_APP} now signs its requests with ${stored.accessKeyId}\n`);

    emulator.clock.advance(policy.rotation.deactivateAfterDays - policy.rotation.rotateAfterDays);
    session.close();
    session = await assumeRemediator(emulator, options.role, policy, journal, io);
    heading(
      `Two weeks later (${emulator.clock.now().toISOString().slice(0, 10)}): the other applications kept using their old keys`,
    );
    const stillRunning = await keepOtherAppsRunning(emulator, PROD, [
      stored.accessKeyId,
      ...(run1?.results ?? []).flatMap((r) => (r.newAccessKeyId ? [r.newAccessKeyId] : [])),
    ]);
    out(`  ${stillRunning} other application key(s) were used today\n`);
    const run2 = await apply();

    if (run2 !== null) {
      heading(`keywarden undo ${run2.runId}   (say ${DEMO_APP}'s batch job still needed the old key)`);
      const undo = await undoRun(session.deps, run2.runId, { holdDays: policy.rotation.inUseGraceDays });
      if (undo.kind === 'undone') {
        out(renderResults(undo.runId, undo.results, { color, columns }));
        out(renderCannotUndo(undo.cannotUndo, { columns }));
      }
    }

    const central = emulator.state.accounts.get('111111111111');
    const emails = emulator.state.accounts.get(PROD)?.ses.sent.length ?? 0;
    heading('Notifications (as the emulator received them)');
    out(
      `  ${central?.sns.messages.length ?? 0} SNS message(s) to the central security topic, ${emails} email digest(s) to owners\n`,
    );
    out(`  journal: ${options.journalPath} (keywarden history --journal ${options.journalPath})\n`);
  } finally {
    session.close();
  }
}

/** A run of the story that changed something: its id and its results. */
type DemoRun = Extract<RemediateResult, { kind: 'applied' }>['execution'] | null;

/** What a run of the story carried out; null when its plan was empty. Nothing else happens here. */
function demoRun(run: RemediateResult, journalPath: string): DemoRun {
  switch (run.kind) {
    case 'applied':
    case 'unsettled':
      return run.execution;
    case 'nothing-to-do':
      return null;
    case 'held-elsewhere':
      throw new CliError(`${describeHold(run.lease)}: the demo changed nothing`);
    case 'interrupted':
      throw new CliError(`${journalPath}: an earlier demo run was interrupted (${run.runIds.join(', ')})`);
    case 'recovery-declined':
    case 'declined':
    case 'stopped':
      // The demo is asked nothing and never stops early.
      throw new CliError(`the demo's run ended as ${run.kind}`);
    default:
      return run satisfies never;
  }
}

/**
 * Simulates the account's other applications: every active key used in the week before the first
 * run (other than demo-app's and the new ones) is used again today, as a running service would.
 */
async function keepOtherAppsRunning(
  emulator: Emulator,
  accountId: string,
  skip: readonly string[],
): Promise<number> {
  const account = emulator.state.accounts.get(accountId);
  const weekBeforeMs = emulator.clock.now().getTime() - 21 * 86_400_000;
  let used = 0;
  for (const user of account?.iam.users.values() ?? []) {
    if (user.userName === DEMO_APP) continue;
    for (const key of user.accessKeys) {
      if (key.status !== 'Active' || skip.includes(key.accessKeyId)) continue;
      if (key.lastUsed === null || key.lastUsed.date.getTime() < weekBeforeMs) continue;
      await callWithKey(emulator.url, key);
      used++;
    }
  }
  return used;
}
