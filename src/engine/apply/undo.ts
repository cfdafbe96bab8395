import { reactivateKey } from '../../aws/apply/reactivate-key.js';
import type { ActionResult } from '../../core/plan/outcome.js';
import type { UndoPlan } from '../../core/plan/recovery.js';
import { type RecorderOptions, RunRecorder } from './recorder.js';

/** Carries out an undo plan (reactivations), journaled as an `undo` run. */
export async function executeUndo(
  plan: UndoPlan,
  options: RecorderOptions & { readonly runId: string },
): Promise<ActionResult[]> {
  const recorder = new RunRecorder(options, options.runId);
  await recorder.start('undo', null, plan.actions.length, 0);
  const results: ActionResult[] = [];
  for (const action of plan.actions) {
    results.push(await recorder.record(action, (c) => reactivateKey(action, c.iam)));
  }
  await recorder.finish(0);
  return results;
}
