/**
 * `org-report`, the organization run's last step: reads the run's account reports from the report
 * bucket one at a time (each is parsed, folded into the totals and dropped; only its findings are
 * kept, for the HTML page, never its per-user evaluations), writes the organization report
 * (runs/<runId>/organization.json, and organization.html rendered by src/report/html.ts), and
 * publishes the digest to KEYWARDEN_NOTIFY_TOPIC_ARN: counts, the failed accounts and where the
 * report is. No secret is in any of them: reports and results carry key ids and secret names only.
 *
 * Its input is the state the Map leaves (org-accounts' result): the accounts the run selected. An
 * account the worker wrote no report for (its Lambda failed or timed out, and the Map caught it) is
 * reported as failed, so a run never looks cleaner than it was.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  accountReportKey,
  getReportObject,
  organizationReportKey,
  putReportObject,
  reportBucketClient,
  s3Uri,
} from '../aws/report-bucket.js';
import { topicRegion } from '../channels/sns.js';
import { ACCOUNT_ID_PATTERN } from '../core/accounts.js';
import {
  type AccountAudit,
  type AccountAuditOrError,
  type AuditReport,
  type AuditSummary,
  buildAuditReport,
  type PolicySummary,
} from '../core/audit.js';
import { addToTotals, emptyTotals } from '../core/audit-totals.js';
import { ENV, ORG_ENV } from '../core/deployment.js';
import { renderHtml } from '../report/html.js';
import { clientConfig } from '../sdk/clients.js';
import { callAws, errorLine } from '../sdk/errors.js';
import {
  type AccountItem,
  type AccountReportObject,
  eventObject,
  eventRunId,
  type SkippedAccount,
  toolOf,
} from './org-common.js';
import {
  errorFields,
  HandlerConfigError,
  HandlerEventError,
  handlerRuntime,
  type LambdaContext,
  loadPolicySource,
  type RuntimeOptions,
  resolveSource,
} from './runtime.js';

/** How many failed accounts the digest lists by name; the report has them all. */
export const DIGEST_FAILED_ACCOUNTS = 50;

/** One account's line of the organization report. */
export interface OrganizationAccountRow {
  readonly accountId: string;
  readonly status: 'ok' | 'error';
  readonly error: string | null;
  readonly users: number;
  readonly findings: number;
  readonly open: number;
  readonly actions: { readonly done: number; readonly failed: number; readonly deferred: number };
  /** The account report in the bucket; null when the worker wrote none. */
  readonly report: string | null;
}

export interface RemediationTotals {
  readonly done: number;
  readonly failed: number;
  readonly deferred: number;
  readonly noticesSent: number;
  readonly noticesNotSent: number;
  /** Accounts whose run stopped near the worker's timeout (the next run resumes). */
  readonly stoppedAccounts: number;
}

/** runs/<runId>/organization.json. */
export interface OrganizationReport {
  readonly schemaVersion: 1;
  readonly kind: 'organization';
  readonly runId: string;
  readonly tool: { readonly name: string; readonly version: string };
  readonly evaluatedAt: string;
  readonly policy: PolicySummary;
  /** The audit's totals over every account (`keywarden audit --org`'s summary). */
  readonly summary: AuditSummary;
  readonly remediation: RemediationTotals;
  /** One row per selected account, in the order org-accounts listed them. */
  readonly accounts: readonly OrganizationAccountRow[];
  readonly skipped: readonly SkippedAccount[];
  readonly warnings: readonly string[];
}

export interface OrgReportResult {
  readonly handler: 'org-report';
  readonly runId: string;
  readonly accounts: number;
  readonly failedAccounts: number;
  readonly open: number;
  readonly reports: { readonly json: string; readonly html: string };
  /** The digest's SNS message id; null when no topic is configured. */
  readonly digestMessageId: string | null;
}

function checkEvent(event: unknown): {
  readonly runId: string;
  readonly accounts: readonly AccountItem[];
  readonly skipped: readonly SkippedAccount[];
} {
  const input = eventObject(event, 'org-accounts\' result {"runId": "…", "accounts": [{"accountId": "…"}]}');
  const runId = eventRunId(input);
  const accounts = input.accounts;
  if (!Array.isArray(accounts)) {
    throw new HandlerEventError(
      'accounts',
      `must be the list org-accounts returned (got ${JSON.stringify(accounts)})`,
    );
  }
  const items = accounts.map((item: unknown, i) => {
    const accountId = (item as { accountId?: unknown } | null)?.accountId;
    if (typeof accountId !== 'string' || !ACCOUNT_ID_PATTERN.test(accountId)) {
      throw new HandlerEventError(
        `accounts[${i}].accountId`,
        `must be a 12-digit account id (got ${JSON.stringify(accountId)})`,
      );
    }
    return { accountId };
  });
  const skipped = Array.isArray(input.skipped) ? (input.skipped as SkippedAccount[]) : [];
  return { runId, accounts: items, skipped };
}

/** The account's audit as the single-account report holds it, without its per-user evaluations. */
function accountAuditOf(report: AuditReport, accountId: string): AccountAudit {
  const { summary } = report;
  return {
    kind: 'ok',
    accountId,
    inventory: report.accounts[0]?.inventory ?? { source: 'live', reportGeneratedAt: null },
    users: summary.users,
    accessKeys: summary.accessKeys,
    activeAccessKeys: summary.activeAccessKeys,
    activeKeyAges: report.activeKeyAges,
    findings: report.findings,
    evaluations: [],
    warnings: report.warnings,
  };
}

/** The object's content, or why it cannot be used. */
function parseAccountReport(text: string, accountId: string): AccountReportObject | string {
  try {
    const object = JSON.parse(text) as Partial<AccountReportObject>;
    if (object.kind !== 'account-result' || object.accountId !== accountId) {
      return 'the account report is not an org-worker report for this account';
    }
    if (object.status === 'ok' && (object.report === undefined || object.remediation === undefined)) {
      return 'the account report has no audit';
    }
    return object as AccountReportObject;
  } catch (error) {
    return `the account report is not JSON (${errorLine(error)})`;
  }
}

const NO_ACTIONS = { done: 0, failed: 0, deferred: 0 } as const;

/** The digest: what a person needs to decide whether to open the report. Never a secret. */
export function digestText(report: OrganizationReport, bucket: string): { subject: string; message: string } {
  const { summary, remediation } = report;
  const failed = report.accounts.filter((a) => a.status === 'error');
  const subject = `Keywarden: ${summary.accounts} accounts, ${failed.length} failed, ${summary.open} open findings`;
  const lines = [
    `Keywarden organization run ${report.runId} (${report.evaluatedAt})`,
    '',
    `Accounts: ${summary.accounts - failed.length} done, ${failed.length} failed, ${report.skipped.length} skipped`,
    `Users: ${summary.users}; active access keys: ${summary.activeAccessKeys}`,
    `Findings: ${summary.findings} (${summary.open} open, ${summary.exempt} exempt, ${summary.inProgress} rotations in progress)`,
    `Remediation: ${remediation.done} done, ${remediation.failed} failed, ${remediation.deferred} deferred to the next run; ` +
      `${remediation.noticesSent} notices sent`,
  ];
  if (failed.length > 0) {
    lines.push('', 'Failed accounts:');
    for (const a of failed.slice(0, DIGEST_FAILED_ACCOUNTS)) lines.push(`  ${a.accountId}: ${a.error ?? ''}`);
    if (failed.length > DIGEST_FAILED_ACCOUNTS) {
      lines.push(`  … and ${failed.length - DIGEST_FAILED_ACCOUNTS} more (see the report)`);
    }
  }
  lines.push(
    '',
    `Report: ${s3Uri(bucket, organizationReportKey(report.runId, 'json'))}`,
    `For people: ${s3Uri(bucket, organizationReportKey(report.runId, 'html'))}`,
  );
  return { subject: subject.slice(0, 99), message: `${lines.join('\n')}\n` };
}

export function createOrgReportHandler(options: RuntimeOptions = {}) {
  const runtime = handlerRuntime(options);
  return async (event: unknown, context?: LambdaContext): Promise<OrgReportResult> => {
    const { runId, accounts, skipped } = checkEvent(event);
    const { env, connection, logger, connected } = runtime(context, 'org-report');
    logger.appendKeys({ runId });
    const bucket = env[ORG_ENV.reportBucket];
    if (!bucket) throw new HandlerConfigError(`${ORG_ENV.reportBucket}: not set; name the report bucket`);
    const topicArn = env[ENV.notifyTopicArn] || null;
    const region = topicArn === null ? null : topicRegion(topicArn);
    if (topicArn !== null && region === null) {
      throw new HandlerConfigError(
        `${ENV.notifyTopicArn}: not an SNS topic ARN (got ${JSON.stringify(topicArn)})`,
      );
    }
    const s3 = reportBucketClient(connection, env.AWS_ENDPOINT_URL_S3);
    try {
      const { policy } = resolveSource(await loadPolicySource(env, connected.clients.ssm));
      await connected.calibrate();
      const evaluatedAt = connected.clock();
      const tool = toolOf(env);

      let totals = emptyTotals();
      const remediation = {
        done: 0,
        failed: 0,
        deferred: 0,
        noticesSent: 0,
        noticesNotSent: 0,
        stoppedAccounts: 0,
      };
      const rows: OrganizationAccountRow[] = [];
      const kept: AccountAuditOrError[] = [];
      const warnings: string[] = [];
      // One account at a time: its report is read, folded in and dropped before the next is read.
      for (const { accountId } of accounts) {
        const key = accountReportKey(runId, accountId);
        const text = await getReportObject(s3, bucket, key);
        const object =
          text === null
            ? "the worker wrote no report (its Lambda failed or timed out; see the execution's Map run)"
            : parseAccountReport(text, accountId);
        let entry: AccountAuditOrError;
        let row: OrganizationAccountRow;
        if (typeof object === 'string' || object.status === 'error') {
          const error = typeof object === 'string' ? object : object.error;
          entry = { kind: 'error', accountId, error };
          row = {
            accountId,
            status: 'error',
            error,
            users: 0,
            findings: 0,
            open: 0,
            actions: NO_ACTIONS,
            report: text === null ? null : s3Uri(bucket, key),
          };
        } else {
          const { report, remediation: r } = object;
          entry = accountAuditOf(report, accountId);
          remediation.done += r.results.done;
          remediation.failed += r.results.failed;
          remediation.deferred += r.planned.deferred;
          remediation.noticesSent += r.notices.sent;
          remediation.noticesNotSent += r.notices.notSent;
          if (r.stopped) remediation.stoppedAccounts++;
          row = {
            accountId,
            status: 'ok',
            error: null,
            users: report.summary.users,
            findings: report.summary.findings,
            open: report.summary.open,
            actions: { done: r.results.done, failed: r.results.failed, deferred: r.planned.deferred },
            report: s3Uri(bucket, key),
          };
          warnings.push(...report.warnings.map((w) => `account ${accountId}: ${w}`));
        }
        totals = addToTotals(totals, buildAuditReport([entry], policy, evaluatedAt, tool), 'none');
        rows.push(row);
        kept.push(entry);
      }

      const head = buildAuditReport([], policy, evaluatedAt, tool);
      const report: OrganizationReport = {
        schemaVersion: 1,
        kind: 'organization',
        runId,
        tool,
        evaluatedAt: evaluatedAt.toISOString(),
        policy: head.policy,
        summary: totals.summary,
        remediation,
        accounts: rows,
        skipped,
        warnings,
      };
      const jsonKey = organizationReportKey(runId, 'json');
      const htmlKey = organizationReportKey(runId, 'html');
      await putReportObject(s3, bucket, jsonKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
      const html = renderHtml(buildAuditReport(kept, policy, evaluatedAt, tool), {
        forecast: null,
        forecastUnavailable:
          'The organization report has no forecast: run `keywarden forecast` in an account for its calendar.',
      });
      await putReportObject(s3, bucket, htmlKey, html, 'text/html');

      let digestMessageId: string | null = null;
      if (topicArn !== null && region !== null) {
        const { subject, message } = digestText(report, bucket);
        const sns = new SNSClient({ ...clientConfig(connection), region });
        try {
          const out = await callAws('sns:Publish', `to ${topicArn}`, () =>
            sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message })),
          );
          digestMessageId = out.MessageId ?? null;
        } finally {
          sns.destroy();
        }
      }
      const failedAccounts = rows.filter((r) => r.status === 'error').length;
      const result: OrgReportResult = {
        handler: 'org-report',
        runId,
        accounts: rows.length,
        failedAccounts,
        open: totals.summary.open,
        reports: { json: s3Uri(bucket, jsonKey), html: s3Uri(bucket, htmlKey) },
        digestMessageId,
      };
      if (failedAccounts > 0) logger.warn('organization run finished with failed accounts', { ...result });
      else logger.info('organization run finished', { ...result });
      return result;
    } catch (error) {
      logger.error('organization report failed', errorFields(error));
      throw error;
    } finally {
      s3.destroy();
    }
  };
}

export const handler = createOrgReportHandler();
