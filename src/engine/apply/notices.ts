import type { Notifier } from '../../channels/types.js';
import { type ActionResult, failed, noticeOutcome, skipped } from '../../core/plan/outcome.js';
import type { NotifyAction } from '../../core/plan/types.js';
import { errorLine } from '../../sdk/errors.js';
import type { RunRecorder } from './recorder.js';

const NO_CHANNEL = 'no notification channel configured';

/**
 * Hands the notices (their intents already journaled) to the notifier in one call and journals
 * each one's outcome (`noticeOutcome`: done when at least one digest carrying it was sent).
 */
export async function deliverNotices(
  recorder: RunRecorder,
  notifier: Notifier | null,
  notices: readonly NotifyAction[],
  now: () => Date,
): Promise<ActionResult[]> {
  if (notices.length === 0) return [];
  const results: ActionResult[] = [];
  if (notifier === null || notifier.channels.length === 0) {
    for (const n of notices) results.push(await recorder.outcome(n, skipped(NO_CHANNEL)));
    return results;
  }
  let deliveries: Awaited<ReturnType<Notifier['deliver']>>;
  try {
    deliveries = await notifier.deliver(notices, { runId: recorder.runId, now: now() });
  } catch (error) {
    const reason = `notification delivery failed: ${errorLine(error)}`;
    for (const n of notices) results.push(await recorder.outcome(n, failed(reason)));
    return results;
  }
  for (const n of notices) results.push(await recorder.outcome(n, noticeOutcome(n.id, deliveries)));
  return results;
}
