/**
 * What the three steps of an organization run share (org-accounts → org-worker per account →
 * org-report, run by the KeywardenOrganization state machine): their environment, the payloads
 * passed between the steps (small: Step Functions keeps at most 256 KiB of state) and the account
 * report object the worker writes to the report bucket and the report step reads back.
 */

import type { AuditReport } from '../core/audit-report.js';
import { ORG_ENV } from '../core/deployment.js';
import { HandlerConfigError } from './errors.js';
import type { RunHold } from './lease.js';
import type { RemediationSummary } from './remediation-summary.js';

/** What the reports name as their tool. */
export function toolOf(env: NodeJS.ProcessEnv): { readonly name: string; readonly version: string } {
  return { name: 'keywarden', version: env[ORG_ENV.version] || 'unknown' };
}

/** One item of the Distributed Map: one account. */
export interface AccountItem {
  readonly accountId: string;
}

/** An account the selection left out, and why. */
export interface SkippedAccount {
  readonly accountId: string;
  readonly name: string | null;
  readonly reason: string;
}

/** org-accounts' result: the state the Map and the report step read. */
export interface AccountList {
  /** Names the run's objects in the report bucket (runs/<runId>/...). */
  readonly runId: string;
  readonly accounts: readonly AccountItem[];
  readonly skipped: readonly SkippedAccount[];
}

/** What the worker returns to the Map (a few hundred bytes: the report itself is in S3). */
export interface WorkerResult {
  readonly accountId: string;
  readonly status: 'ok' | 'error';
  /** The remediation run the worker made in the account (the journal's run id); null when none. */
  readonly remediationRunId: string | null;
  readonly users: number;
  readonly findings: number;
  readonly open: number;
  readonly actions: { readonly done: number; readonly failed: number; readonly deferred: number };
  /** The account report's key in the report bucket; null when it could not be written. */
  readonly reportKey: string | null;
  readonly error?: string;
}

/** The account report object (runs/<runId>/accounts/<accountId>.json). */
export type AccountReportObject = {
  readonly schemaVersion: 1;
  readonly kind: 'account-result';
  readonly runId: string;
  readonly accountId: string;
} & (
  | {
      readonly status: 'ok';
      /** The account's audit, in the single-account schema `keywarden audit --format json` writes. */
      readonly report: AuditReport;
      /** What the remediation did: counts and every action's result (ids, never a secret). */
      readonly remediation: Omit<RemediationSummary, 'heldBy'>;
    }
  | {
      readonly status: 'error';
      readonly error: string;
      /** Set when the account was not worked on because another run held its lease. */
      readonly heldBy: RunHold | null;
    }
);

/** A run id as org-accounts makes them (the journal's run id format); safe in an S3 key. */
export const RUN_ID_PATTERN = /^[0-9A-Za-z][0-9A-Za-z_-]{0,127}$/;

/** KEYWARDEN_REPORT_BUCKET, which the worker and the report step need. */
export function reportBucketFromEnv(env: NodeJS.ProcessEnv): string {
  const bucket = env[ORG_ENV.reportBucket];
  if (!bucket) throw new HandlerConfigError(`${ORG_ENV.reportBucket}: not set; name the report bucket`);
  return bucket;
}
