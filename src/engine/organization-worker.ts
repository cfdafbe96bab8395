/**
 * One account of an organization run (`org-worker`, one item of the Distributed Map). It assumes the
 * member role there (KEYWARDEN_MEMBER_ROLE_NAME, KeywardenMemberRole by default, with
 * KEYWARDEN_MEMBER_EXTERNAL_ID when set), then runs the scheduled lifecycle in it, the very
 * function the `scheduled` handler runs (runAccountLifecycle): finish interrupted runs, plan from
 * live state, apply within KEYWARDEN_MAX_ACTIONS, notify, under the account's lease in the shared
 * DynamoDB journal (so a CLI run or an overlapping execution never works in the same account at
 * once). The journal, the notifications and the report bucket are the hub's, reached with the
 * worker's own credentials; only the account's IAM, STS, SSM and Secrets Manager calls go through
 * the member role.
 *
 * The account's report goes to s3://KEYWARDEN_REPORT_BUCKET/runs/<runId>/accounts/<accountId>.json
 * and the Map gets a few counts, so the state never holds the reports. A failure in the account
 * (the role cannot be assumed, a call fails after the SDK's retries, another run holds the account)
 * is caught: its report says `status: "error"` with the error, and the worker returns normally.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { MemberRole } from '../aws/assume-role.js';
import { accountReportKey, putReportObject, reportBucketClient } from '../aws/report-bucket.js';
import { partitionOf } from '../core/asff.js';
import { buildAuditReport } from '../core/audit-summary.js';
import { DEFAULT_MEMBER_ROLE_NAME, ORG_ENV } from '../core/deployment.js';
import { callAws, errorLine } from '../sdk/errors.js';
import { runAccountLifecycle, scheduledPolicy } from './account-lifecycle.js';
import { type Connection, connectMember, type MemberConnection } from './connect.js';
import { HandlerConfigError } from './errors.js';
import { errorFields, type HandlerDeps, journalFromEnv, notifierFor } from './handler-deps.js';
import { describeHold, type RunHold } from './lease.js';
import {
  type AccountReportObject,
  reportBucketFromEnv,
  toolOf,
  type WorkerResult,
} from './organization-run.js';

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The member role the environment names, checked (one line naming the variable). */
function memberRoleFromEnv(env: NodeJS.ProcessEnv, partition: string): MemberRole {
  const roleName = env[ORG_ENV.memberRoleName] || DEFAULT_MEMBER_ROLE_NAME;
  if (!ROLE_NAME.test(roleName)) {
    throw new HandlerConfigError(
      `${ORG_ENV.memberRoleName}: not an IAM role name (got ${JSON.stringify(roleName)})`,
    );
  }
  const externalId = env[ORG_ENV.memberExternalId] || undefined;
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw new HandlerConfigError(
      `${ORG_ENV.memberExternalId}: 2 to 1224 characters of letters, digits and +=,.@:/-`,
    );
  }
  return {
    roleName,
    partition,
    sessionName: 'keywarden-org-worker',
    ...(externalId ? { externalId } : {}),
  };
}

const NO_ACTIONS = { done: 0, failed: 0, deferred: 0 } as const;

/** The Map item: one account of one run. */
export interface WorkerItem {
  readonly accountId: string;
  readonly runId: string;
}

/** The partition each container's own credentials are in (`aws`, `aws-cn`...), learnt once. */
const partitions = new WeakMap<Connection, string>();

/** Works in one account and writes its report; a failure in the account is the report's, not the invocation's. */
export async function runOrganizationWorker(
  deps: HandlerDeps,
  { accountId, runId }: WorkerItem,
): Promise<WorkerResult> {
  const { env, connection, log } = deps;
  log.appendKeys({ accountId, runId });
  const bucket = reportBucketFromEnv(env);
  const s3 = reportBucketClient(connection, env.AWS_ENDPOINT_URL_S3);
  const key = accountReportKey(runId, accountId);
  const write = (object: AccountReportObject) =>
    putReportObject(s3, bucket, key, JSON.stringify(object), 'application/json');
  try {
    const outcome = await workInAccount(deps, accountId, runId, key, write);
    if (outcome.kind === 'done') {
      log.info('account done', { ...outcome.result });
      return outcome.result;
    }
    log.error('account failed', { error: outcome.error });
    await write({
      schemaVersion: 1,
      kind: 'account-result',
      runId,
      accountId,
      status: 'error',
      error: outcome.error,
      heldBy: outcome.heldBy,
    });
    return {
      accountId,
      status: 'error',
      remediationRunId: null,
      users: 0,
      findings: 0,
      open: 0,
      actions: NO_ACTIONS,
      reportKey: key,
      error: outcome.error,
    };
  } finally {
    s3.destroy();
  }
}

/** The lifecycle in the account and its report written; or why the account was not worked on. */
async function workInAccount(
  deps: HandlerDeps,
  accountId: string,
  runId: string,
  key: string,
  write: (object: AccountReportObject) => Promise<void>,
): Promise<
  | { readonly kind: 'done'; readonly result: WorkerResult }
  | { readonly kind: 'failed'; readonly error: string; readonly heldBy: RunHold | null }
> {
  const { env, connection, connected, log } = deps;
  let member: MemberConnection | null = null;
  try {
    const { clients: hub, clock } = connected;
    const scheduled = scheduledPolicy(await deps.policy.read(env), env);
    const { policy } = scheduled;
    const journal = journalFromEnv(deps, true, policy);
    await connected.calibrate();
    let partition = partitions.get(connected);
    if (partition === undefined) {
      const me = await callAws('sts:GetCallerIdentity', null, () =>
        hub.sts.send(new GetCallerIdentityCommand({})),
      );
      partition = partitionOf(me.Arn ?? '');
      partitions.set(connected, partition);
    }
    // The role is assumed up front, so a role that cannot be assumed fails as
    // `sts:AssumeRole <arn> failed: …` before anything else is tried in the account.
    member = connectMember(connection, accountId, memberRoleFromEnv(env, partition), { clock });
    await member.assume();
    const { summary, audit } = await runAccountLifecycle(
      {
        clients: member.clients,
        clock,
        journal,
        // Notices go to the hub's channels (the central topic) with the worker's credentials.
        notifier: notifierFor(deps, policy),
        ...(connection.timeouts ? { timeouts: connection.timeouts } : {}),
        log,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        ...(deps.remainingMs ? { remainingMs: deps.remainingMs } : {}),
      },
      scheduled,
      journal.location,
    );
    if (audit === null) {
      const lease = summary.heldBy;
      return {
        kind: 'failed',
        error: lease
          ? `${describeHold(lease)}: not audited or remediated in this run`
          : 'not audited: the run read nothing',
        heldBy: lease,
      };
    }
    const report = buildAuditReport([{ ...audit, accountId }], policy, clock(), toolOf(env));
    const { heldBy: _heldBy, ...remediation } = summary;
    await write({
      schemaVersion: 1,
      kind: 'account-result',
      runId,
      accountId,
      status: 'ok',
      report,
      remediation,
    });
    const result: WorkerResult = {
      accountId,
      status: 'ok',
      remediationRunId: summary.runId,
      users: report.summary.users,
      findings: report.summary.findings,
      open: report.summary.open,
      actions: {
        done: summary.results.done,
        failed: summary.results.failed,
        deferred: summary.planned.deferred,
      },
      reportKey: key,
    };
    return { kind: 'done', result };
  } catch (error) {
    if (error instanceof HandlerConfigError) {
      // The deployment is wrong: every account would fail the same way.
      log.error('org-worker misconfigured', errorFields(error));
    }
    return { kind: 'failed', error: errorLine(error).split('\n')[0] ?? 'unknown error', heldBy: null };
  } finally {
    member?.close();
  }
}
