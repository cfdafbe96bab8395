/**
 * `org-worker`, one item of the organization run's Distributed Map: one account. It assumes the
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
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type MemberRole, memberSession, sessionConnection } from '../aws/assume-role.js';
import { accountReportKey, putReportObject, reportBucketClient } from '../aws/report-bucket.js';
import { ACCOUNT_ID_PATTERN } from '../core/accounts.js';
import { partitionOf } from '../core/asff.js';
import { buildAuditReport } from '../core/audit.js';
import { DEFAULT_MEMBER_ROLE_NAME, ORG_ENV } from '../core/deployment.js';
import { describeHold, type RunHold } from '../engine/lease.js';
import type { AccountClients } from '../engine/types.js';
import { type AwsConnection, clientConfig, createClients, prepareClient } from '../sdk/clients.js';
import { callAws, errorLine } from '../sdk/errors.js';
import {
  type AccountReportObject,
  eventObject,
  eventRunId,
  toolOf,
  type WorkerResult,
} from './org-common.js';
import {
  errorFields,
  HandlerConfigError,
  HandlerEventError,
  handlerRuntime,
  journalFromEnv,
  type LambdaContext,
  loadPolicySource,
  notifierFor,
  type RuntimeOptions,
} from './runtime.js';
import { runAccountLifecycle, scheduledPolicy } from './scheduled-run.js';

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export interface OrgWorkerOptions extends RuntimeOptions {
  /** The member account's clients, instead of clients built on the assumed role (tests). */
  readonly memberClients?: (accountId: string) => AccountClients;
}

/** The member role the environment names, checked (one line naming the variable). */
export function memberRoleFromEnv(env: NodeJS.ProcessEnv, partition: string): MemberRole {
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

function reportBucketFromEnv(env: NodeJS.ProcessEnv): string {
  const bucket = env[ORG_ENV.reportBucket];
  if (!bucket) throw new HandlerConfigError(`${ORG_ENV.reportBucket}: not set; name the report bucket`);
  return bucket;
}

function checkEvent(event: unknown): { readonly accountId: string; readonly runId: string } {
  const input = eventObject(event, '{"accountId": "123456789012", "runId": "…"}');
  const accountId = input.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID_PATTERN.test(accountId)) {
    throw new HandlerEventError(
      'accountId',
      `must be a 12-digit account id (got ${JSON.stringify(accountId)})`,
    );
  }
  return { accountId, runId: eventRunId(input) };
}

const NO_ACTIONS = { done: 0, failed: 0, deferred: 0 } as const;

export function createOrgWorkerHandler(options: OrgWorkerOptions = {}) {
  const runtime = handlerRuntime(options);
  let partition: string | null = null;
  return async (event: unknown, context?: LambdaContext): Promise<WorkerResult> => {
    const { accountId, runId } = checkEvent(event);
    const { env, connection, logger, connected } = runtime(context, 'org-worker');
    logger.appendKeys({ accountId, runId });
    const bucket = reportBucketFromEnv(env);
    const s3 = reportBucketClient(connection, env.AWS_ENDPOINT_URL_S3);
    const key = accountReportKey(runId, accountId);
    const tool = toolOf(env);
    const write = (object: AccountReportObject) =>
      putReportObject(s3, bucket, key, JSON.stringify(object), 'application/json');

    let failure: { readonly error: string; readonly heldBy: RunHold | null };
    let opened: { close(): void } | null = null;
    try {
      const { clients: hub, clock } = connected;
      const source = await loadPolicySource(env, hub.ssm);
      const scheduled = scheduledPolicy(source, env);
      const { policy } = scheduled;
      const journal = options.journal ?? journalFromEnv(env, true, connection, policy);
      await connected.calibrate();
      if (partition === null) {
        const me = await callAws('sts:GetCallerIdentity', null, () =>
          hub.sts.send(new GetCallerIdentityCommand({})),
        );
        partition = partitionOf(me.Arn ?? '');
      }
      const role = memberRoleFromEnv(env, partition);
      let member = options.memberClients?.(accountId);
      if (member === undefined) {
        const assumed = await assumeMemberRole(connection, accountId, role);
        opened = assumed;
        member = assumed;
      }
      const remaining = context?.getRemainingTimeInMillis?.bind(context);
      const run = await runAccountLifecycle(
        {
          clients: member,
          clock,
          journal,
          // Notices go to the hub's channels (the central topic) with the worker's credentials.
          notifier: notifierFor(policy, env, connection, hub),
          ...(connection.timeouts ? { timeouts: connection.timeouts } : {}),
          logger,
          ...(options.sleep ? { sleep: options.sleep } : {}),
          ...(remaining ? { remainingMs: remaining } : {}),
        },
        scheduled,
        journal.location,
      );
      const { summary, audit } = run;
      if (audit !== null) {
        const report = buildAuditReport([{ ...audit, accountId }], policy, clock(), tool);
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
        logger.info('account done', { ...result });
        return result;
      }
      const lease = summary.heldBy;
      failure = {
        error: lease
          ? `${describeHold(lease)}: not audited or remediated in this run`
          : 'not audited: the run read nothing',
        heldBy: lease,
      };
    } catch (error) {
      if (error instanceof HandlerConfigError) {
        // The deployment is wrong: every account would fail the same way.
        logger.error('org-worker misconfigured', errorFields(error));
      }
      failure = { error: errorLine(error).split('\n')[0] ?? 'unknown error', heldBy: null };
    } finally {
      opened?.close();
    }
    logger.error('account failed', { error: failure.error });
    try {
      await write({
        schemaVersion: 1,
        kind: 'account-result',
        runId,
        accountId,
        status: 'error',
        ...failure,
      });
    } finally {
      s3.destroy();
    }
    return {
      accountId,
      status: 'error',
      remediationRunId: null,
      users: 0,
      findings: 0,
      open: 0,
      actions: NO_ACTIONS,
      reportKey: key,
      error: failure.error,
    };
  };
}

/**
 * The member account's clients on the assumed role. The role is assumed up front, so a role that
 * cannot be assumed fails as `sts:AssumeRole <arn> failed: …` before anything else is tried.
 */
async function assumeMemberRole(
  connection: AwsConnection,
  accountId: string,
  role: MemberRole,
): Promise<AccountClients & { close(): void }> {
  const member = memberSession(connection, accountId, role);
  try {
    await member.assume();
  } catch (error) {
    member.close();
    throw error;
  }
  const account = sessionConnection(connection, member);
  const clients = {
    ...createClients(account),
    secretsManager: prepareClient(new SecretsManagerClient(clientConfig(account)), account),
  };
  return {
    ...clients,
    close() {
      for (const client of [clients.iam, clients.sts, clients.ssm, clients.secretsManager]) client.destroy();
      member.close();
    },
  };
}

export const handler = createOrgWorkerHandler();
