/**
 * The scheduled lifecycle (an EventBridge schedule, daily by default): audit, plan, apply within the
 * action cap, notify, with the journal. It first finishes any interrupted run, as
 * `keywarden apply --resume` does: in Lambda nobody is there to run it. Near the invocation's
 * timeout it starts no new change; the next run resumes. The sequence is runAccountLifecycle
 * (scheduled-run.ts), which the organization worker runs in each member account.
 */
import {
  errorFields,
  HandlerEventError,
  handlerRuntime,
  journalFromEnv,
  type LambdaContext,
  loadPolicySource,
  notifierFor,
  type RuntimeOptions,
} from './runtime.js';
import { runAccountLifecycle, scheduledPolicy } from './scheduled-run.js';
import type { RemediationSummary } from './summary.js';

export interface ScheduledSummary extends RemediationSummary {
  readonly handler: 'scheduled';
  readonly maxActions: number;
}

/** An EventBridge scheduled event (or `{}`): only its shape is checked; nothing in it steers the run. */
function checkEvent(event: unknown): void {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new HandlerEventError(
      'event',
      `must be a JSON object such as an EventBridge scheduled event (got ${JSON.stringify(event)})`,
    );
  }
  const type = (event as Record<string, unknown>)['detail-type'];
  if (type !== undefined && type !== 'Scheduled Event') {
    throw new HandlerEventError('detail-type', `must be "Scheduled Event" (got ${JSON.stringify(type)})`);
  }
}

export function createScheduledHandler(options: RuntimeOptions = {}) {
  const runtime = handlerRuntime(options);
  return async (event: unknown, context?: LambdaContext): Promise<ScheduledSummary> => {
    checkEvent(event);
    const { env, connection, logger, connected } = runtime(context, 'scheduled');
    const { clients, clock } = connected;
    try {
      const source = await loadPolicySource(env, clients.ssm);
      const scheduled = scheduledPolicy(source, env);
      const { policy, maxActions } = scheduled;
      const journal = options.journal ?? journalFromEnv(env, true, connection, policy);
      await connected.calibrate();
      const remaining = context?.getRemainingTimeInMillis?.bind(context);
      const { summary: run } = await runAccountLifecycle(
        {
          clients,
          clock,
          journal,
          notifier: notifierFor(policy, env, connection, clients),
          ...(connection.timeouts ? { timeouts: connection.timeouts } : {}),
          logger,
          ...(options.sleep ? { sleep: options.sleep } : {}),
          ...(remaining ? { remainingMs: remaining } : {}),
        },
        scheduled,
        journal.location,
      );
      const summary: ScheduledSummary = { handler: 'scheduled', maxActions, ...run };
      for (const w of summary.warnings) logger.warn(w);
      const { actions: _actions, ...counts } = summary;
      if (summary.results.failed > 0) logger.error('scheduled run finished with failed actions', counts);
      else logger.info('scheduled run finished', counts);
      return summary;
    } catch (error) {
      logger.error('scheduled run failed', errorFields(error));
      throw error;
    }
  };
}

export const handler = createScheduledHandler();
