/**
 * The organization run's last step (`org-report`): reads the run's account reports from the report
 * bucket one at a time (each is parsed, folded into the organization's audit and dropped; only its
 * findings are kept, for the HTML page, never its per-user evaluations), writes the organization
 * report (runs/<runId>/organization.json, and organization.html rendered by src/report/html.ts), and
 * publishes the digest to KEYWARDEN_NOTIFY_TOPIC_ARN: counts, the failed accounts and where the
 * report is. No secret is in any of them: reports and results carry key ids and secret names only.
 *
 * An account the worker wrote no report for (its Lambda failed or timed out, and the Map caught it)
 * is reported as failed, so a run never looks cleaner than it was.
 */
import {
  accountReportKey,
  getReportObject,
  organizationReportKey,
  putReportObject,
  reportBucketClient,
  s3Uri,
} from '../aws/report-bucket.js';
import { publishToTopic, topicRegion } from '../channels/sns.js';
import type {
  AccountAudit,
  AccountAuditOrError,
  AuditReport,
  AuditSummary,
  PolicySummary,
} from '../core/audit-report.js';
import { ENV } from '../core/deployment.js';
import { renderHtml } from '../report/html.js';
import { errorLine } from '../sdk/errors.js';
import { resolveSource } from './deployed-policy.js';
import { HandlerConfigError } from './errors.js';
import type { HandlerDeps } from './handler-deps.js';
import { organizationAudit } from './organization-audit.js';
import {
  type AccountItem,
  type AccountReportObject,
  reportBucketFromEnv,
  type SkippedAccount,
  toolOf,
} from './organization-run.js';

/** How many failed accounts the digest lists by name; the report has them all. */
const DIGEST_FAILED_ACCOUNTS = 50;

/** One account's line of the organization report. */
interface OrganizationAccountRow {
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

interface RemediationTotals {
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

/** What the Map leaves: org-accounts' result. */
export interface OrganizationRunState {
  readonly runId: string;
  readonly accounts: readonly AccountItem[];
  readonly skipped: readonly SkippedAccount[];
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
function digestText(report: OrganizationReport, bucket: string): { subject: string; message: string } {
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

/** Reads the run's account reports, writes the organization report and publishes the digest. */
export async function reportOrganizationRun(
  deps: HandlerDeps,
  { runId, accounts, skipped }: OrganizationRunState,
): Promise<OrgReportResult> {
  const { env, connection, connected, log } = deps;
  log.appendKeys({ runId });
  const bucket = reportBucketFromEnv(env);
  const topicArn = env[ENV.notifyTopicArn] || null;
  if (topicArn !== null && topicRegion(topicArn) === null) {
    throw new HandlerConfigError(
      `${ENV.notifyTopicArn}: not an SNS topic ARN (got ${JSON.stringify(topicArn)})`,
    );
  }
  const s3 = reportBucketClient(connection, env.AWS_ENDPOINT_URL_S3);
  try {
    const { policy } = resolveSource(await deps.policy.read(env));
    await connected.calibrate();
    const evaluatedAt = connected.clock();
    const tool = toolOf(env);
    const audit = organizationAudit({ policy, evaluatedAt, tool, failOn: 'none', keep: true });
    const remediation = {
      done: 0,
      failed: 0,
      deferred: 0,
      noticesSent: 0,
      noticesNotSent: 0,
      stoppedAccounts: 0,
    };
    const rows: OrganizationAccountRow[] = [];
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
      if (typeof object === 'string' || object.status === 'error') {
        const error = typeof object === 'string' ? object : object.error;
        entry = { kind: 'error', accountId, error };
        rows.push({
          accountId,
          status: 'error',
          error,
          users: 0,
          findings: 0,
          open: 0,
          actions: NO_ACTIONS,
          report: text === null ? null : s3Uri(bucket, key),
        });
      } else {
        const { report, remediation: r } = object;
        entry = accountAuditOf(report, accountId);
        remediation.done += r.results.done;
        remediation.failed += r.results.failed;
        remediation.deferred += r.planned.deferred;
        remediation.noticesSent += r.notices.sent;
        remediation.noticesNotSent += r.notices.notSent;
        if (r.stopped) remediation.stoppedAccounts++;
        rows.push({
          accountId,
          status: 'ok',
          error: null,
          users: report.summary.users,
          findings: report.summary.findings,
          open: report.summary.open,
          actions: { done: r.results.done, failed: r.results.failed, deferred: r.planned.deferred },
          report: s3Uri(bucket, key),
        });
        warnings.push(...report.warnings.map((w) => `account ${accountId}: ${w}`));
      }
      audit.add(entry);
    }

    const { summary } = audit.totals();
    const report: OrganizationReport = {
      schemaVersion: 1,
      kind: 'organization',
      runId,
      tool,
      evaluatedAt: evaluatedAt.toISOString(),
      policy: audit.head.policy,
      summary,
      remediation,
      accounts: rows,
      skipped,
      warnings,
    };
    const jsonKey = organizationReportKey(runId, 'json');
    const htmlKey = organizationReportKey(runId, 'html');
    await putReportObject(s3, bucket, jsonKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
    const html = renderHtml(audit.report(), {
      forecast: null,
      forecastUnavailable:
        'The organization report has no forecast: run `keywarden forecast` in an account for its calendar.',
    });
    await putReportObject(s3, bucket, htmlKey, html, 'text/html');

    let digestMessageId: string | null = null;
    if (topicArn !== null) {
      const { subject, message } = digestText(report, bucket);
      digestMessageId = await publishToTopic(connection, topicArn, { subject, text: message });
    }
    const failedAccounts = rows.filter((r) => r.status === 'error').length;
    const result: OrgReportResult = {
      handler: 'org-report',
      runId,
      accounts: rows.length,
      failedAccounts,
      open: summary.open,
      reports: { json: s3Uri(bucket, jsonKey), html: s3Uri(bucket, htmlKey) },
      digestMessageId,
    };
    if (failedAccounts > 0) log.warn('organization run finished with failed accounts', { ...result });
    else log.info('organization run finished', { ...result });
    return result;
  } finally {
    s3.destroy();
  }
}
