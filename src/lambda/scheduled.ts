/**
 * The scheduled lifecycle (an EventBridge schedule, daily by default): audit, plan, apply within the
 * action cap, notify, with the journal. It first finishes any interrupted run, as
 * `keywarden apply --resume` does: in Lambda nobody is there to run it. Near the invocation's
 * timeout it starts no new change; the next run resumes.
 */
import { remediateAccount } from '../engine/remediate.js';
import {
  errorFields,
  HandlerEventError,
  handlerRuntime,
  journalFromEnv,
  type LambdaContext,
  loadPolicySource,
  maxActionsFromEnv,
  notifierFor,
  type RuntimeOptions,
  resolveSource,
  withNotifyTopic,
} from './runtime.js';
import { actionLogFields, type RemediationSummary, remediationSummary } from './summary.js';

/** No new change is started with less than this left before Lambda's timeout. */
export const STOP_MARGIN_MS = 60_000;

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
      const resolved = resolveSource(source);
      const topic = withNotifyTopic(resolved.policy, env);
      const policy = { ...topic.policy, inventory: { ...topic.policy.inventory, mode: 'live' as const } };
      const maxActions = maxActionsFromEnv(env, policy);
      const journal = options.journal ?? journalFromEnv(env, true);
      await connected.calibrate();
      const remaining = context?.getRemainingTimeInMillis?.bind(context);
      const out = await remediateAccount(
        {
          clients,
          clock,
          journal,
          notifier: notifierFor(policy, env, connection, clients),
          ...(options.sleep ? { sleep: options.sleep } : {}),
          onResult: (r) => logger.info('action', actionLogFields(r)),
          ...(remaining ? { shouldStop: () => remaining() < STOP_MARGIN_MS } : {}),
        },
        policy,
        { maxActions, resume: true },
      );
      const summary: ScheduledSummary = {
        handler: 'scheduled',
        maxActions,
        ...remediationSummary(out, journal.location, [...resolved.warnings, ...topic.warnings]),
      };
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
