/**
 * Finishing runs that stopped part-way. A key created but never stored is deleted (deactivated
 * first): its secret died with the process. Notices whose chain had completed are handed to the
 * next plan, which sends every notice not yet delivered.
 * Everything else is left to a fresh plan from live state. What to clean up is decided by the core
 * (planOrphanCleanup); this module reads the journal and IAM and carries the cleanup out.
 */
import { planOrphanCleanup } from '../../core/plan/recovery.js';
import type { NotifyAction } from '../../core/plan/types.js';
import { incompleteRuns, knownCreatedKeys } from '../../journal/views.js';
import { cleanupKey } from './cleanup-key.js';
import { listKeys } from './live-checks.js';
import { type RecorderOptions, RunRecorder } from './recorder.js';
import { type ActionResult, failureText, skipped } from './types.js';

/** Why a recovered run's notice is not sent by the recovery itself. */
export const CARRIED_OVER = 'carried over: the next plan sends every notice not yet delivered';

export interface RecoverOptions extends RecorderOptions {
  /** The first resume run's id; later ones get `-2`, `-3`, ... */
  readonly runId: string;
}

export interface RecoverResult {
  /** The interrupted runs now finished. */
  readonly recovered: readonly string[];
  readonly results: readonly ActionResult[];
}

/** Finishes every run that stopped part-way, oldest first, each under its own `resume` run. */
export async function recoverIncompleteRuns(options: RecoverOptions): Promise<RecoverResult> {
  const { records } = await options.journal.read();
  const runs = incompleteRuns(records);
  const known = knownCreatedKeys(records);
  const recovered: string[] = [];
  const results: ActionResult[] = [];
  for (const [index, run] of runs.entries()) {
    const runId = index === 0 ? options.runId : `${options.runId}-${index + 1}`;
    const recorder = new RunRecorder(options, runId);
    const notices = run.pendingIntents.filter((a): a is NotifyAction => a.type === 'notify');
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
      let listed: Awaited<ReturnType<typeof listKeys>> | null = null;
      if (orphan.accessKeyId === null) {
        try {
          listed = await listKeys((await recorder.clientsFor(orphan.accountId)).iam, orphan.userName);
        } catch (error) {
          note(
            'failed',
            `cannot look for the key made by ${orphan.createActionId}: ${failureText(error)}; resume again`,
          );
          continue;
        }
      }
      const cleanups = planOrphanCleanup(orphan, run.runId, listed, known);
      if (cleanups.length === 0) {
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
      await recorder.intent(n);
      await recorder.outcome(n, skipped(CARRIED_OVER));
    }
    await recorder.finish(0);
    recovered.push(run.runId);
  }
  return { recovered, results };
}
