/**
 * The `remediate` handler's run: AWS Config's remediation of one IAM user, named by its unique id.
 * The deployed policy with KEYWARDEN_NOTIFY_TOPIC_ARN as its SNS channel, the journal, and
 * remediateUser; a failed action fails the invocation so Config's remediation retries it.
 */
import { withNotifyTopic } from '../core/deployment.js';
import { resolveSource } from './deployed-policy.js';
import {
  type HandlerDeps,
  journalFromEnv,
  maxActionsFromEnv,
  notifierFor,
  RunFailedError,
} from './handler-deps.js';
import { remediateUser } from './remediate-user.js';
import { actionLogFields, type RemediationSummary, remediationSummary } from './remediation-summary.js';

export type RemediateSummary =
  | { readonly handler: 'remediate'; readonly userId: string; readonly userName: null; readonly found: false }
  | ({
      readonly handler: 'remediate';
      readonly userId: string;
      readonly userName: string;
      readonly found: true;
    } & RemediationSummary);

/** Some remediation actions failed: the invocation fails, so Config's remediation retries it. */
class RemediationFailedError extends RunFailedError {
  override readonly name = 'RemediationFailedError';
}

/** Remediates the user whose id AWS Config names; a user deleted since is nothing to do. */
export async function remediateConfigResource(deps: HandlerDeps, userId: string): Promise<RemediateSummary> {
  const { env, connected, log } = deps;
  const { clients, clock } = connected;
  log.appendKeys({ userId });
  const resolved = resolveSource(await deps.policy.read(env));
  const { policy, warnings } = withNotifyTopic(resolved.policy, env);
  const maxActions = maxActionsFromEnv(env, policy);
  const journal = journalFromEnv(deps, true, policy);
  await connected.calibrate();
  const out = await remediateUser(
    {
      clients,
      clock,
      journal,
      notifier: notifierFor(deps, policy),
      ...(deps.connection.timeouts ? { timeouts: deps.connection.timeouts } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      onResult: (r) => log.info('action', actionLogFields(r)),
    },
    policy,
    { userId, maxActions },
  );
  if (out.kind === 'user-not-found') {
    log.info('no IAM user has this id; nothing to remediate');
    return { handler: 'remediate', userId, userName: null, found: false };
  }
  const summary: RemediateSummary = {
    handler: 'remediate',
    userId,
    userName: out.userName,
    found: true,
    ...remediationSummary(out.outcome, journal.location, [...resolved.warnings, ...warnings]),
  };
  for (const w of summary.warnings) log.warn(w);
  const { actions: _actions, ...counts } = summary;
  if (summary.results.failed > 0) {
    log.error('remediation finished with failed actions', counts);
    const first = summary.actions.find((a) => a.status === 'failed');
    throw new RemediationFailedError(
      `${summary.results.failed} action(s) failed for ${out.userName} (${userId}); first: ${first?.type ?? '?'}: ${first?.reason ?? 'unknown'}`,
    );
  }
  log.info('remediation finished', counts);
  return summary;
}
