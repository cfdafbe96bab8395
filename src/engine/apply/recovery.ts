/**
 * Finishing runs that stopped part-way. A key created but never stored is deleted (deactivated
 * first): its secret died with the process. Notices whose chain had completed are handed to the
 * next plan, which sends every notice not yet delivered.
 * Everything else is left to a fresh plan from live state. What to clean up is decided by the core
 * (incompleteRuns, orphanOwnership, planOrphanRecovery); this module is given the journal as the run
 * read it, reads IAM and Secrets Manager, and carries the recovery out.
 */

import { cleanupKey } from '../../aws/apply/cleanup-key.js';
import { listKeys } from '../../aws/apply/live-state.js';
import { secretHoldsKey } from '../../aws/secrets.js';
import type { JournalRecord } from '../../core/journal/records.js';
import { incompleteRuns, knownCreatedKeys } from '../../core/journal/views.js';
import { type ActionResult, done, skipped } from '../../core/plan/outcome.js';
import { foreignKeysText } from '../../core/plan/ownership.js';
import { type OrphanRecovery, orphanOwnership, planOrphanRecovery } from '../../core/plan/recovery.js';
import type { NotifyAction } from '../../core/plan/types.js';
import { errorLine } from '../../sdk/errors.js';
import { type RecorderOptions, RunRecorder } from './recorder.js';

/** Why a recovered run's notice is not sent by the recovery itself. */
const CARRIED_OVER = 'carried over: the next plan sends every notice not yet delivered';

export interface RecoverOptions extends RecorderOptions {
  /** The first resume run's id; later ones get `-2`, `-3`, ... */
  readonly runId: string;
  /** The journal as the run read it: the interrupted runs are found here, not read again. */
  readonly records: readonly JournalRecord[];
}

export interface RecoverResult {
  /** The interrupted runs now finished. */
  readonly recovered: readonly string[];
  readonly results: readonly ActionResult[];
}

/** Finishes every run that stopped part-way, oldest first, each under its own `resume` run. */
export async function recoverIncompleteRuns(options: RecoverOptions): Promise<RecoverResult> {
  const { records } = options;
  // Under a lease, only this account's runs: another account's run may be going on right now.
  const runs = incompleteRuns(records, { accountId: options.accountId ?? null });
  const known = knownCreatedKeys(records);
  const recovered: string[] = [];
  const results: ActionResult[] = [];
  for (const [index, run] of runs.entries()) {
    const runId = index === 0 ? options.runId : `${options.runId}-${index + 1}`;
    const recorder = new RunRecorder(options, runId);
    const notices: NotifyAction[] = run.pendingIntents.filter((a): a is NotifyAction => a.type === 'notify');
    await recorder.start('resume', run.runId, run.orphanedKeys.length + notices.length, 0);
    for (const orphan of run.orphanedKeys) {
      const note = (status: 'skipped' | 'failed', reason: string) =>
        results.push(
          recorder.unjournaled({
            actionId: orphan.createActionId,
            type: 'cleanup-key',
            accountId: orphan.accountId,
            userName: orphan.userName,
            accessKeyId: null,
            status,
            reason,
          }),
        );
      let recovery: OrphanRecovery;
      try {
        const clients = await recorder.clientsFor(orphan.accountId);
        const listed = orphan.accessKeyId === null ? await listKeys(clients.iam, orphan.userName) : null;
        const ownership = orphanOwnership(orphan, listed, known);
        // A store that completed just before the run stopped is found by its version id, never by
        // reading the secret: then the rotation is done, and is not done a second time.
        const stored = new Set<string>();
        const secretName = orphan.store?.secretName ?? null;
        const ours = ownership.ours;
        if (secretName !== null && ours !== null) {
          if (await secretHoldsKey(clients.secretsManager, secretName, ours.accessKeyId)) {
            stored.add(ours.accessKeyId);
          }
        }
        recovery = planOrphanRecovery(orphan, run.runId, ownership, stored);
      } catch (error) {
        note(
          'failed',
          `cannot look for the key made by ${orphan.createActionId}: ${errorLine(error)}; resume again`,
        );
        continue;
      }
      const { adopted, cleanups, foreign } = recovery;
      if (foreign.length > 0) {
        note('skipped', `${foreignKeysText(orphan, foreign)}.`);
        notices.push(...recovery.notices);
      }
      if (adopted !== null) {
        const { store, accessKeyId } = adopted;
        const refused = await recorder.intent(store);
        if (refused !== null) {
          results.push(await recorder.outcome(store, refused));
        } else {
          results.push(
            await recorder.outcome(store, {
              ...done(null),
              reason: `Secrets Manager already holds ${accessKeyId}: the store completed before run ${run.runId} stopped`,
              newAccessKeyId: accessKeyId,
            }),
          );
          // Its chain is complete: the owner is told where the new key is, by the next plan.
          if (store.notice) notices.push(store.notice);
        }
      }
      if (adopted === null && cleanups.length === 0 && foreign.length === 0) {
        note(
          'skipped',
          `no key made by ${orphan.createActionId} exists (the run stopped before IAM created one); nothing to clean up`,
        );
      }
      for (const action of cleanups) {
        results.push(await recorder.record(action, (c) => cleanupKey(action, c.iam)));
      }
    }
    // Notices whose chain had completed are closed here and sent by the next plan, which carries
    // every undelivered notice: sent once, never twice in one command.
    for (const n of notices) {
      const refused = await recorder.intent(n);
      await recorder.outcome(n, refused ?? skipped(CARRIED_OVER));
    }
    await recorder.finish(0);
    recovered.push(run.runId);
  }
  return { recovered, results };
}
