/**
 * AWS Config's remediation of one IAM user: an SSM Automation document calls this function
 * (`aws:invokeLambdaFunction`) with `{"ResourceId": "AIDA..."}`, the user's unique id. The user's
 * part of the plan is made from live state and carried out; Config retries a failed remediation,
 * and a second call for the same user does nothing new (the journal and the live re-checks see to it).
 */
import { withNotifyTopic } from '../core/deployment.js';
import { remediateUser } from '../engine/remediate-user.js';
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
} from './runtime.js';
import { actionLogFields, type RemediationSummary, remediationSummary } from './summary.js';

/**
 * An IAM user's unique id, as AWS Config names the resource: AWS's own pattern for ids (`[\w]+`,
 * 16 to 128 characters). AWS's start with AIDA; moto's are lower case, so the prefix is not required.
 */
const USER_ID = /^\w{16,128}$/;

export interface RemediateEvent {
  readonly ResourceId: string;
}

export type RemediateSummary =
  | { readonly handler: 'remediate'; readonly userId: string; readonly userName: null; readonly found: false }
  | ({
      readonly handler: 'remediate';
      readonly userId: string;
      readonly userName: string;
      readonly found: true;
    } & RemediationSummary);

/** Some remediation actions failed: the invocation fails, so Config's remediation retries it. */
export class RemediationFailedError extends Error {
  override readonly name = 'RemediationFailedError';
}

export function parseRemediateEvent(event: unknown): RemediateEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new HandlerEventError(
      'event',
      `must be a JSON object {"ResourceId": "AIDA..."} (got ${JSON.stringify(event)})`,
    );
  }
  const id = (event as Record<string, unknown>).ResourceId;
  if (typeof id !== 'string' || !USER_ID.test(id)) {
    throw new HandlerEventError(
      'ResourceId',
      `must be an IAM user id such as AIDAEXAMPLEUSERID0001 (got ${JSON.stringify(id) ?? 'nothing'})`,
    );
  }
  return { ResourceId: id };
}

export function createRemediateHandler(options: RuntimeOptions = {}) {
  const runtime = handlerRuntime(options);
  return async (event: unknown, context?: LambdaContext): Promise<RemediateSummary> => {
    const { ResourceId: userId } = parseRemediateEvent(event);
    const { env, connection, logger, connected } = runtime(context, 'remediate');
    const { clients, clock } = connected;
    logger.appendKeys({ userId });
    try {
      const source = await loadPolicySource(env, clients.ssm);
      const resolved = resolveSource(source);
      const { policy, warnings } = withNotifyTopic(resolved.policy, env);
      const maxActions = maxActionsFromEnv(env, policy);
      const journal = options.journal ?? journalFromEnv(env, true, connection, policy);
      await connected.calibrate();
      const out = await remediateUser(
        {
          clients,
          clock,
          journal,
          notifier: notifierFor(policy, env, connection, clients),
          ...(connection.timeouts ? { timeouts: connection.timeouts } : {}),
          ...(options.sleep ? { sleep: options.sleep } : {}),
          onResult: (r) => logger.info('action', actionLogFields(r)),
        },
        policy,
        { userId, maxActions },
      );
      if (out.kind === 'user-not-found') {
        logger.info('no IAM user has this id; nothing to remediate');
        return { handler: 'remediate', userId, userName: null, found: false };
      }
      const summary: RemediateSummary = {
        handler: 'remediate',
        userId,
        userName: out.userName,
        found: true,
        ...remediationSummary(out.outcome, journal.location, [...resolved.warnings, ...warnings]),
      };
      for (const w of summary.warnings) logger.warn(w);
      const { actions: _actions, ...counts } = summary;
      if (summary.results.failed > 0) {
        logger.error('remediation finished with failed actions', counts);
        const first = summary.actions.find((a) => a.status === 'failed');
        throw new RemediationFailedError(
          `${summary.results.failed} action(s) failed for ${out.userName} (${userId}); first: ${first?.type ?? '?'}: ${first?.reason ?? 'unknown'}`,
        );
      }
      logger.info('remediation finished', counts);
      return summary;
    } catch (error) {
      if (!(error instanceof RemediationFailedError)) logger.error('remediation failed', errorFields(error));
      throw error;
    }
  };
}

export const handler = createRemediateHandler();
