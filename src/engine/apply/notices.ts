import type { Notifier } from '../../channels/types.js';
import { type ActionResult, done, failed, skipped } from '../../core/plan/outcome.js';
import type { NotifyAction } from '../../core/plan/types.js';
import { errorLine } from '../../sdk/errors.js';
import type { RunRecorder } from './recorder.js';

export const NO_CHANNEL = 'no notification channel configured';

/**
 * Hands the notices (their intents already journaled) to the notifier in one call and journals
 * each one's outcome: done when at least one digest carrying it was sent.
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
  for (const n of notices) {
    const mine = deliveries.filter((d) => d.actionIds.includes(n.id));
    const journaled = mine.map((d) => ({
      channel: d.channel,
      recipient: d.recipient,
      status: d.status,
      messageId: d.messageId,
    }));
    if (mine.some((d) => d.status === 'sent')) {
      results.push(await recorder.outcome(n, { ...done(null), deliveries: journaled }));
      continue;
    }
    const errors = mine.map((d) => `${d.channel} to ${d.recipient}: ${d.error ?? 'failed'}`);
    const reason =
      errors.length === 0 ? 'no delivery carried this notification' : `not delivered: ${errors.join('; ')}`;
    results.push(await recorder.outcome(n, { ...failed(reason), deliveries: journaled }));
  }
  return results;
}
